// Where a transition leads: its condition expressions (first true wins), evaluated over the
// ticket's columns, every field of its workflow and what the request writes.
import { chooseDestination, ConditionError, conditionFieldKeys, MissingConditionFieldError } from '../conditions/index.ts';
import { DomainError, fail } from '../errors.ts';
import type { TransitionDefinition, WorkflowDefinition } from '../workflow.ts';

/** The ticket's own columns a condition may name, beside the workflow's custom fields. */
export const CONDITION_BASE_KEYS = [
  'id',
  'sn',
  'title',
  'creator',
  'workflow_id',
  'state_id',
  'parent_ticket_id',
  'parent_ticket_state_id',
  'act_state_id',
] as const;

export type ConditionColumns = Record<(typeof CONDITION_BASE_KEYS)[number], unknown>;

/**
 * Values a condition may refer to: the ticket's columns and every field of the workflow (null
 * when unset), overlaid with what this request writes, as stored (an int sent as "800" is
 * 800). Loonflow overlays the whole request; we don't, or a read-only value sent by a handler
 * could steer the routing.
 */
export function conditionValues(
  columns: ConditionColumns,
  fields: Record<string, unknown>,
  wf: WorkflowDefinition,
  written: Record<string, unknown>,
): Record<string, unknown> {
  const values: Record<string, unknown> = { ...columns };
  for (const field of wf.custom_fields) values[field.field_key] = fields[field.field_key] ?? null;
  return { ...values, ...written };
}

/** The state a transition leads to; a condition naming nothing known, or failing, is the caller's 422. */
export function destinationOf(
  transition: Pick<TransitionDefinition, 'condition_expression' | 'destination_state_id'>,
  values: Record<string, unknown>,
): number {
  try {
    return chooseDestination(transition.condition_expression, values, transition.destination_state_id);
  } catch (error) {
    if (error instanceof MissingConditionFieldError) {
      fail('condition_field_missing', `Field "${error.field}" is needed to choose the next state; provide it in the request.`, {
        field: error.field,
      });
    }
    if (error instanceof DomainError) throw error;
    // Usually a field the expression compares is still unset: name it, as for a missing one.
    const unset =
      error instanceof ConditionError
        ? conditionFieldKeys(error.expression).find((key) => values[key] === null || values[key] === undefined)
        : undefined;
    if (unset)
      fail(
        'condition_field_missing',
        `Field "${unset}" is needed to choose the next state, but it has no value; provide it in the request.`,
        { field: unset },
      );
    return fail(
      'condition_failed',
      `The condition choosing the next state could not be evaluated: ${(error as Error).message}. Check the field values it uses.`,
    );
  }
}
