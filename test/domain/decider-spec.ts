// What the decider specifications share: the then-side of given/when/then, and builders for
// workflow definitions small enough to read every rule off them. Not a test file itself.
import type t from 'tap';
import { DomainError, type ErrorCode } from '../../src/domain/errors.ts';
import type { CustomFieldDefinition, StateDefinition, TransitionDefinition, WorkflowDefinition } from '../../src/domain/workflow.ts';

export type Assert = Pick<typeof t, 'strictSame' | 'equal' | 'fail' | 'ok' | 'match' | 'not'>;

/** The outcome of a decision: `then*` return the body of a tap subtest. */
export function outcome<E>(decided: () => E[]) {
  const events = (t: Assert): E[] | undefined => {
    try {
      return decided();
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      t.fail(`expected events, got DomainError ${error.code}: ${error.message}`);
      return undefined;
    }
  };
  return {
    then: (expected: E[]) => async (t: Assert) => {
      const got = events(t);
      if (got) t.strictSame(got, expected, 'then these events');
    },
    thenThrows: (code: ErrorCode, details?: unknown) => async (t: Assert) => {
      let got: E[];
      try {
        got = decided();
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        t.equal(error.code, code, `then ${code}: ${error.message}`);
        if (details !== undefined) t.strictSame(error.details, details, 'with these details');
        return;
      }
      t.fail(`expected DomainError ${code}, got ${JSON.stringify(got)}`);
    },
    /** For rules about one part of the outcome: `check` receives the decided events. */
    thenCheck: (check: (t: Assert, events: E[]) => void) => async (t: Assert) => {
      const got = events(t);
      if (got) check(t, got);
    },
  };
}

export const field = (
  id: number,
  field_key: string,
  field_type_id: number,
  field_choice: Record<string, string> = {},
): CustomFieldDefinition => ({
  id,
  field_key,
  field_name: field_key,
  field_type_id,
  order_id: id * 10,
  default_value: null,
  description: '',
  placeholder: '',
  field_template: '',
  boolean_field_display: {},
  field_choice,
  label: {},
});

export const state = (id: number, name: string, type_id: number, rest: Partial<StateDefinition> = {}): StateDefinition => ({
  id,
  name,
  type_id,
  order_id: id,
  is_hidden: false,
  enable_retreat: false,
  remember_last_man_enable: false,
  participant_type_id: 0,
  participant: '',
  distribute_type_id: 1,
  state_field: {},
  label: {},
  ...rest,
});

export const transition = (
  id: number,
  name: string,
  source_state_id: number,
  destination_state_id: number,
  rest: Partial<TransitionDefinition> = {},
): TransitionDefinition => ({
  id,
  name,
  source_state_id,
  destination_state_id,
  transition_type_id: 1,
  timer: 0,
  attribute_type_id: 1,
  condition_expression: [],
  field_require_check: true,
  alert_enable: false,
  alert_text: '',
  ...rest,
});

/** A workflow with loonflow's defaults (no view check, no admins) but for what `rest` sets. */
export const workflow = (id: number, name: string, rest: Partial<WorkflowDefinition> = {}): WorkflowDefinition => ({
  id,
  name,
  description: '',
  view_permission_check: false,
  limit_expression: {},
  display_form: [],
  title_template: '',
  content_template: '',
  notices: [],
  admins: [],
  interveners: [],
  view_persons: [],
  view_depts: [],
  custom_fields: [],
  states: [],
  transitions: [],
  ...rest,
});
