// POST /tickets/{id}/accept: one of several assignees takes the ticket (behaviour §3.6).
import { fail } from '../../errors.ts';
import type { TicketCommandOf } from '../commands.ts';
import type { TicketContext } from '../context.ts';
import { eventCommon, type Assignment, type TicketEventOf } from '../events.ts';
import { actionableState, assertParticipant, person } from '../guards.ts';
import { actedIn, assigned, type Ticket } from '../ticket.ts';
import { flowLogIn, type FlowLogKind, type TicketAction } from './action.ts';

export type AcceptTicket = TicketCommandOf<'AcceptTicket'>;

export type TicketAccepted = TicketEventOf<'TicketAccepted', { stateId: number; assignment: Assignment }>;

const ACCEPT_LOG: FlowLogKind = { interveneTypeId: 4, name: '接单操作' };

function decide(command: AcceptTicket, ticket: Ticket, ctx: TicketContext): TicketAccepted[] {
  const state = actionableState(ticket, ctx.workflow);
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
      flowLog: ({ data }) => flowLogIn(ACCEPT_LOG, data.stateId, data),
    },
  },
};
