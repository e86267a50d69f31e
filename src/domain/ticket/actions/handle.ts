// PATCH /tickets/{id}: execute a transition (behaviour §3.5), or record one assignee's choice
// while a state waits for all of them (Q9).
import { fail } from '../../errors.ts';
import { checkRequiredFields, stateFieldRules } from '../../fields.ts';
import { ParticipantType, TransitionAttribute, stateById, transitionById, type TransitionDefinition } from '../../workflow.ts';
import type { TicketCommandOf } from '../commands.ts';
import type { TicketContext } from '../context.ts';
import { actStateAfterTransition, enterState } from '../entering-states.ts';
import { eventCommon, type Assignment, type EventCommon, type FieldChanges, type TicketEventOf } from '../events.ts';
import { actionableState, assertFreeToAct, assertParticipant, checkSuggestion, fieldChanges } from '../guards.ts';
import { conditionValues, destinationOf } from '../routing.ts';
import { ActState, actedIn, assigned, movedTo, withFieldChanges, type Ticket } from '../ticket.ts';
import { flowLogIn, type FlowLogEntry, type FlowLogKind, type TicketAction } from './action.ts';

export type HandleTicket = TicketCommandOf<'HandleTicket', { transitionId: number; suggestion: string; values: Record<string, unknown> }>;

/** A transition was executed: the ticket moved, or (all must handle) one assignee's choice was recorded. */
export type TicketHandled = TicketEventOf<
  'TicketHandled',
  {
    transitionId: number;
    fromStateId: number;
    fieldChanges: FieldChanges;
    assignment: Assignment;
    actStateId: number;
    /** False while an "all must handle" state waits for the others. */
    moved: boolean;
  }
>;

/** A log of an executed transition: it names the transition, so the name is only for a lost one. */
export const TRANSITION_LOG: FlowLogKind = { interveneTypeId: 0, name: '未知操作' };

/** The log of an executed transition, in the state it left. */
export const transitionLog = (data: EventCommon & { fromStateId: number; transitionId: number }): FlowLogEntry => ({
  ...flowLogIn(TRANSITION_LOG, data.fromStateId, data),
  transitionId: data.transitionId,
});

/** The ticket's columns as conditions see them. */
const columnsOf = (ticket: Ticket) => ({
  id: ticket.id,
  sn: ticket.sn,
  title: ticket.title,
  creator: ticket.creator,
  workflow_id: ticket.workflowId,
  state_id: ticket.assignment.stateId,
  parent_ticket_id: ticket.parentTicketId,
  parent_ticket_state_id: ticket.parentTicketStateId,
  act_state_id: ticket.actStateId,
});

/** Where the transition takes the ticket, with these field values (`written`: what the action writes): its assignees and progress. */
export function moveThrough(
  transition: TransitionDefinition,
  ticket: Ticket,
  ctx: TicketContext,
  fields: Record<string, unknown>,
  written: Record<string, unknown>,
) {
  const destinationId = destinationOf(transition, conditionValues(columnsOf(ticket), fields, ctx.workflow, written));
  const destination =
    stateById(ctx.workflow, destinationId) ??
    fail('state_not_found', `Transition ${transition.id} leads to state ${destinationId}, which does not exist.`);
  return {
    assignment: enterState(ticket, destination, fields, ctx),
    actStateId: actStateAfterTransition(destination, transition.attribute_type_id),
  };
}

function decide(command: HandleTicket, ticket: Ticket, ctx: TicketContext): TicketHandled[] {
  const wf = ctx.workflow;
  const state = actionableState(ticket, wf);
  if (!command.actor.engine) {
    assertFreeToAct(
      ticket,
      assertParticipant(ticket, wf, command.actor),
      'accept it first (POST .../accept)',
      'is out for consultation; only add_node_end is possible now',
    );
  }
  const transition =
    transitionById(wf, command.transitionId) ??
    fail('transition_not_found', `Transition ${command.transitionId} does not exist in workflow ${wf.id}.`);
  if (transition.source_state_id !== state.id) {
    fail('wrong_state', `Transition ${transition.id} ("${transition.name}") does not start at the ticket's current state "${state.name}".`);
  }
  checkSuggestion(command.suggestion);
  const rules = stateFieldRules(state, wf);
  if (transition.field_require_check) {
    const missing = checkRequiredFields(rules.required, command.values);
    if (missing.length > 0) fail('required_fields_missing', `Required fields are missing: ${missing.join(', ')}.`, { fields: missing });
  }
  const { changes, values: normalized } = fieldChanges(ticket, ctx, rules.writable, command.values);
  const fieldsAfter: Record<string, unknown> = { ...ticket.fields };
  for (const [key, { after }] of Object.entries(changes)) fieldsAfter[key] = after;

  const handled = (assignment: Assignment, actStateId: number, moved: boolean): TicketHandled[] => [
    {
      type: 'TicketHandled',
      data: {
        ...eventCommon(command, ctx.now, command.suggestion),
        transitionId: transition.id,
        fromStateId: state.id,
        fieldChanges: changes,
        assignment,
        actStateId,
        moved,
      },
    },
  ];
  const move = () => {
    const { assignment, actStateId } = moveThrough(transition, ticket, ctx, fieldsAfter, normalized);
    return handled(assignment, actStateId, true);
  };

  const round = ticket.assignment.multiAllPerson;
  if (command.actor.engine || !Object.hasOwn(round, command.actor.username)) return move();
  // All must handle: record this choice; move only when everyone chose the same transition.
  const choices = { ...round, [command.actor.username]: { transition_id: transition.id, transition_name: transition.name } };
  const pending = Object.keys(choices).filter((u) => choices[u].transition_id === undefined);
  // Loonflow recomputes act_state even when the ticket stays: one reject among the choices shows as rejected.
  const stayActState = transition.attribute_type_id === TransitionAttribute.reject ? ActState.rejected : ActState.inProgress;
  if (pending.length > 0) {
    return handled(
      { ...ticket.assignment, participantTypeId: ParticipantType.multiPerson, participant: pending.join(','), multiAllPerson: choices },
      stayActState,
      false,
    );
  }
  if (Object.values(choices).every((c) => c.transition_id === transition.id)) return move();
  // Contract Q9: different choices start a new round with every assignee, nothing recorded.
  // Nothing was sent back, so the ticket is in progress (1) even if the last choice was a reject.
  const everyone = Object.keys(choices);
  return handled(
    {
      ...ticket.assignment,
      participantTypeId: ParticipantType.multiPerson,
      participant: everyone.join(','),
      multiAllPerson: Object.fromEntries(everyone.map((u) => [u, {}])),
    },
    ActState.inProgress,
    false,
  );
}

export const handle: TicketAction<HandleTicket, TicketHandled> = {
  flowLogKind: TRANSITION_LOG,
  decide,
  events: {
    TicketHandled: {
      evolve(ticket, { data }) {
        const changed = actedIn(withFieldChanges(ticket, data.fieldChanges), data.fromStateId, data.actor);
        return data.moved ? movedTo(changed, data) : { ...assigned(changed, data.assignment), actStateId: data.actStateId };
      },
      flowLog: ({ data }) => transitionLog(data),
    },
  },
};
