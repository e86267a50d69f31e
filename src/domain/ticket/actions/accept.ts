// POST /tickets/{id}/accept: one of several assignees takes the ticket (behaviour §3.6).
import { fail } from '../../errors.ts';
import type { CommandBase } from '../commands.ts';
import type { TicketContext } from '../context.ts';
import { eventCommon, type Assignment, type EventCommon } from '../events.ts';
import { assertActionable, assertParticipant, currentState, person } from '../guards.ts';
import { actedIn, assigned, type Ticket } from '../ticket.ts';
import type { FlowLogKind, TicketAction } from './action.ts';

export interface AcceptTicket extends CommandBase {
  type: 'AcceptTicket';
}

export interface TicketAccepted {
  type: 'TicketAccepted';
  data: EventCommon & { stateId: number; assignment: Assignment };
}

const ACCEPT_LOG: FlowLogKind = { interveneTypeId: 4, name: '接单操作' };

function decide(command: AcceptTicket, ticket: Ticket, ctx: TicketContext): TicketAccepted[] {
  const state = currentState(ticket, ctx.workflow);
  assertActionable(ticket, ctx.workflow, state);
  const permission = assertParticipant(ticket, ctx.workflow, command.actor);
  if (!permission.needAccept)
    fail('wrong_state', `Ticket ${ticket.id} has a single assignee or is handled directly; there is nothing to accept.`);
  return [
    {
      type: 'TicketAccepted',
      data: { ...eventCommon(command, ctx.now, '接单处理'), stateId: state.id, assignment: person(state.id, command.actor.username) },
    },
  ];
}

export const accept: TicketAction<AcceptTicket, TicketAccepted> = {
  flowLogKind: ACCEPT_LOG,
  decide,
  events: {
    TicketAccepted: {
      evolve: (ticket, { data }) => actedIn(assigned(ticket, data.assignment), data.stateId, data.actor),
      flowLog: ({ data }) => ({ kind: ACCEPT_LOG, stateId: data.stateId, suggestion: data.suggestion, actor: data.actor }),
    },
  },
};
