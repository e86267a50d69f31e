// Deciding a ticket's creation (behaviour §3.2, contract §5).
import { appMayUseWorkflow, type Catalog } from '../catalog/catalog.ts';
import { fail } from '../errors.ts';
import { checkRequiredFields, collectFieldValues, joinFieldErrors, normalizeTitle, stateFieldRules } from '../fields.ts';
import { StateType, startStateOf, stateById, transitionById, type WorkflowVersion } from '../workflow.ts';
import type { TicketCreated } from './events.ts';
import { checkSuggestion } from './guards.ts';
import { checkCreationLimits } from './creation-limits.ts';
import { resolveAssignment } from './participants.ts';
import { conditionValues, destinationOf } from './routing.ts';
import { ActState, related, type Ticket, type TicketState } from './ticket.ts';
import { withArmedTimers } from './timers.ts';

export interface CreateTicket {
  ticketId: number;
  sn: string;
  workflow: WorkflowVersion;
  transitionId: number;
  creator: string;
  app: string;
  suggestion: string;
  /** The request body: field values keyed by field_key, and `title`. */
  values: Record<string, unknown>;
  parentTicketId: number;
  parentTicketStateId: number;
  parentFields: Record<string, unknown>;
  /** Tickets counted by the workflow's limit_expression window (0 when it has none). */
  recentTicketCount: number;
  now: Date;
  random: number;
}

export function decideCreateTicket(command: CreateTicket, state: TicketState, catalog: Catalog): TicketCreated[] {
  if (state.status !== 'none') fail('concurrent_change', `Ticket ${command.ticketId} already exists.`);
  const wf = command.workflow.definition;
  const app = catalog.apps.get(command.app);
  if (!app || !appMayUseWorkflow(app, wf.id)) {
    fail('app_not_allowed', `App "${command.app}" may not create tickets of workflow ${wf.id}.`);
  }
  checkSuggestion(command.suggestion);
  checkCreationLimits(catalog, wf, command.creator, command.recentTicketCount);
  const start = startStateOf(wf) ?? fail('wrong_state', `Workflow ${wf.id} has no start state; fix its configuration.`);
  const transition =
    transitionById(wf, command.transitionId) ??
    fail('transition_not_found', `Transition ${command.transitionId} does not exist in workflow ${wf.id}.`);
  if (transition.source_state_id !== start.id) {
    fail(
      'wrong_state',
      `Transition ${transition.id} ("${transition.name}") does not start at the start state ${start.id}; use one of the transitions listed by init_state.`,
    );
  }
  if (command.parentTicketId && !command.parentTicketStateId) {
    fail('invalid_request', 'parent_ticket_state_id is required when parent_ticket_id is given.');
  }

  const rules = stateFieldRules(start, wf);
  if (transition.field_require_check) {
    const missing = checkRequiredFields(rules.required, command.values);
    if (missing.length > 0) {
      fail('required_fields_missing', `Required fields are missing: ${missing.join(', ')}.`, { fields: missing });
    }
  }
  const collected = collectFieldValues(wf, rules.writable, catalog, command.values);
  const title = normalizeTitle(command.values.title);
  // A writable title was already checked with the other fields.
  const titleErrors = title.ok || rules.writable.includes('title') ? [] : [{ field: 'title', message: title.error }];
  // The title comes first, as in the workflow's field order.
  const errors = [...titleErrors, ...(collected.ok ? [] : collected.errors)];
  if (!collected.ok || !title.ok) {
    return fail('invalid_field_value', joinFieldErrors(errors), { fields: errors.map((e) => e.field) });
  }
  // Loonflow takes the title from the request whatever the start state allows; an unset field is simply absent.
  const fields = Object.fromEntries(Object.entries(collected.values).filter(([key, value]) => key !== 'title' && value !== null));

  const columns = {
    id: command.ticketId,
    sn: command.sn,
    title: title.value ?? '',
    creator: command.creator,
    workflow_id: wf.id,
    state_id: start.id,
    parent_ticket_id: command.parentTicketId,
    parent_ticket_state_id: command.parentTicketStateId,
    act_state_id: ActState.draft,
  };
  const destinationId = destinationOf(transition, conditionValues(columns, {}, wf, collected.values));
  const destination =
    stateById(wf, destinationId) ??
    fail('state_not_found', `Transition ${transition.id} leads to state ${destinationId}, which does not exist.`);
  const assignment = resolveAssignment(destination, {
    catalog,
    creator: command.creator,
    // Only what the creator may write names a "ticket field" participant (type 7).
    fields: collected.values,
    parentFields: command.parentFields,
    random: command.random,
  });
  const actStateId =
    destination.type_id === StateType.end
      ? ActState.finished
      : destination.type_id === StateType.start
        ? ActState.draft
        : ActState.inProgress;

  const created: TicketCreated[] = [
    {
      type: 'TicketCreated',
      data: {
        ticketId: command.ticketId,
        sn: command.sn,
        title: typeof title.value === 'string' ? title.value : '',
        workflowId: wf.id,
        workflowVersion: command.workflow.version,
        creator: command.creator,
        app: command.app,
        parentTicketId: command.parentTicketId,
        parentTicketStateId: command.parentTicketStateId,
        transitionId: transition.id,
        startStateId: start.id,
        suggestion: command.suggestion,
        fields,
        assignment,
        actStateId,
        createdAt: command.now.toISOString(),
      },
    },
  ];
  return withArmedTimers(created, wf, assignment.stateId, command.now);
}

/** The ticket its creation opens. */
export const createdTicket = (d: TicketCreated['data']): Ticket => ({
  id: d.ticketId,
  sn: d.sn,
  title: d.title,
  workflowId: d.workflowId,
  workflowVersion: d.workflowVersion,
  creator: d.creator,
  app: d.app,
  parentTicketId: d.parentTicketId,
  parentTicketStateId: d.parentTicketStateId,
  assignment: d.assignment,
  actStateId: d.actStateId,
  inAddNode: false,
  addNodeMan: '',
  scriptRunLastResult: true,
  fields: { ...d.fields },
  relation: related([d.creator], d.assignment),
  lastPersonByState: { [d.startStateId]: d.creator },
  createdAt: d.createdAt,
  modifiedAt: d.createdAt,
});
