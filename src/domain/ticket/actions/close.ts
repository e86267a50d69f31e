// POST /tickets/{id}/close: the creator at the start state, or an admin, ends the ticket
// in the end state (behaviour §3.15).
import { fail } from '../../errors.ts';
import { ParticipantType, StateType, endStateOf } from '../../workflow.ts';
import type { TicketCommandOf } from '../commands.ts';
import type { TicketContext } from '../context.ts';
import { eventCommon, type Assignment, type TicketEventOf } from '../events.ts';
import { checkSuggestion, currentState, isAdminOf } from '../guards.ts';
import { ActState, movedTo, type Ticket } from '../ticket.ts';
import { flowLogIn, type FlowLogKind, type TicketAction } from './action.ts';

export type CloseTicket = TicketCommandOf<'CloseTicket', { suggestion: string }>;

export type TicketClosed = TicketEventOf<'TicketClosed', { fromStateId: number; assignment: Assignment }>;

const CLOSE_LOG: FlowLogKind = { interveneTypeId: 7, name: '强制关闭' };

function decide(command: CloseTicket, ticket: Ticket, ctx: TicketContext): TicketClosed[] {
  const wf = ctx.workflow;
  const state = currentState(ticket, wf);
  checkSuggestion(command.suggestion);
  if (ticket.actStateId === ActState.closed || ticket.actStateId === ActState.finished || state.type_id === StateType.end) {
    fail('wrong_state', `Ticket ${ticket.id} has already ended.`);
  }
  const creatorAtStart = command.actor.username === ticket.creator && state.type_id === StateType.start;
  if (!creatorAtStart && !isAdminOf(ctx, command.actor)) {
    fail(
      'not_permitted',
      `Only the creator (while the ticket is at its start state) or an admin of workflow ${wf.id} may close ticket ${ticket.id}.`,
    );
  }
  const end = endStateOf(wf) ?? fail('state_not_found', `Workflow ${wf.id} has no end state to close into.`);
  return [
    {
      type: 'TicketClosed',
      data: {
        ...eventCommon(command, ctx.now, command.suggestion),
        fromStateId: state.id,
        assignment: { stateId: end.id, participantTypeId: ParticipantType.none, participant: '', multiAllPerson: {} },
      },
    },
  ];
}

export const close: TicketAction<CloseTicket, TicketClosed> = {
  flowLogKind: CLOSE_LOG,
  decide,
  events: {
    TicketClosed: {
      evolve: (ticket, { data }) => movedTo(ticket, { assignment: data.assignment, actStateId: ActState.closed }),
      // Loonflow attaches the close to the end state it leads to.
      flowLog: ({ data }) => ({ ...flowLogIn(CLOSE_LOG, data.assignment.stateId, data), suggestion: `强制关闭工单:${data.suggestion}` }),
    },
  },
};
