// POST /tickets/{id}/deliver: hand the ticket (or, in an "all must handle" round, one's own
// part of it) to someone else; an admin may do it for anyone (behaviour §3.7).
import { fail } from '../../errors.ts';
import { ParticipantType } from '../../workflow.ts';
import type { TicketCommandOf } from '../commands.ts';
import type { TicketContext } from '../context.ts';
import { eventCommon, type Assignment, type TicketEventOf } from '../events.ts';
import { actionableState, assertParticipant, assertTicketAdmin, checkSuggestion, checkTarget, person } from '../guards.ts';
import { actedIn, assigned, consultationOver, type Ticket } from '../ticket.ts';
import { flowLogIn, type FlowLogKind, type TicketAction } from './action.ts';

export type DeliverTicket = TicketCommandOf<'DeliverTicket', { target: string; suggestion: string; fromAdmin: boolean }>;

export type TicketDelivered = TicketEventOf<
  'TicketDelivered',
  { stateId: number; target: string; fromAdmin: boolean; assignment: Assignment }
>;

const DELIVER_LOG: FlowLogKind = { interveneTypeId: 1, name: '转交操作' };

function decide(command: DeliverTicket, ticket: Ticket, ctx: TicketContext): TicketDelivered[] {
  const state = actionableState(ticket, ctx.workflow);
  checkSuggestion(command.suggestion);
  if (command.fromAdmin) assertTicketAdmin(ticket, ctx, command.actor, 'deliver');
  else assertParticipant(ticket, ctx.workflow, command.actor);
  checkTarget(command.target, command.actor, ctx.catalog);
  const round = ticket.assignment.multiAllPerson;
  let assignment = person(state.id, command.target);
  // In an "all must handle" round an assignee hands over only their own part.
  if (!command.fromAdmin && Object.hasOwn(round, command.actor.username)) {
    if (Object.hasOwn(round, command.target)) {
      fail('invalid_request', `"${command.target}" already has a part in this round; deliver to someone outside it.`);
    }
    const choices = Object.fromEntries(
      Object.entries(round).map(([u, c]) => (u === command.actor.username ? [command.target, c] : [u, c])),
    );
    const pending = Object.keys(choices).filter((u) => choices[u].transition_id === undefined);
    assignment = {
      ...ticket.assignment,
      participantTypeId: ParticipantType.multiPerson,
      participant: pending.join(','),
      multiAllPerson: choices,
    };
  }
  return [
    {
      type: 'TicketDelivered',
      data: {
        ...eventCommon(command, ctx.now, command.suggestion),
        stateId: state.id,
        target: command.target,
        fromAdmin: command.fromAdmin,
        assignment,
      },
    },
  ];
}

export const deliver: TicketAction<DeliverTicket, TicketDelivered> = {
  flowLogKind: DELIVER_LOG,
  decide,
  events: {
    TicketDelivered: {
      // An admin's delivery is an intervention: it ends a consultation and is not the state's last man.
      evolve: (ticket, { data }) =>
        data.fromAdmin
          ? consultationOver(assigned(ticket, data.assignment))
          : actedIn(assigned(ticket, data.assignment), data.stateId, data.actor),
      flowLog: ({ data }) => flowLogIn(DELIVER_LOG, data.stateId, data),
    },
  },
};
