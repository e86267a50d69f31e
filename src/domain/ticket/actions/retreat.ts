// POST /tickets/{id}/retreat: the creator takes the ticket back to the start state, where
// the state allows it (behaviour §3.16).
import { fail } from '../../errors.ts';
import { startStateOf } from '../../workflow.ts';
import type { TicketCommandOf } from '../commands.ts';
import type { TicketContext } from '../context.ts';
import { eventCommon, type Assignment, type TicketEventOf } from '../events.ts';
import { checkSuggestion, currentState, person } from '../guards.ts';
import { ActState, movedTo, type Ticket } from '../ticket.ts';
import { flowLogIn, type FlowLogKind, type TicketAction } from './action.ts';

export type RetreatTicket = TicketCommandOf<'RetreatTicket', { suggestion: string }>;

export type TicketRetreated = TicketEventOf<'TicketRetreated', { fromStateId: number; assignment: Assignment }>;

const RETREAT_LOG: FlowLogKind = { interveneTypeId: 10, name: '撤回操作' };

function decide(command: RetreatTicket, ticket: Ticket, ctx: TicketContext): TicketRetreated[] {
  const state = currentState(ticket, ctx.workflow);
  checkSuggestion(command.suggestion);
  if (command.actor.username !== ticket.creator) fail('not_permitted', `Only the creator of ticket ${ticket.id} may withdraw it.`);
  if (!state.enable_retreat) fail('wrong_state', `Ticket ${ticket.id} cannot be withdrawn in state "${state.name}".`);
  const start = startStateOf(ctx.workflow) ?? fail('state_not_found', `Workflow ${ctx.workflow.id} has no start state.`);
  return [
    {
      type: 'TicketRetreated',
      data: { ...eventCommon(command, ctx.now, command.suggestion), fromStateId: state.id, assignment: person(start.id, ticket.creator) },
    },
  ];
}

export const retreat: TicketAction<RetreatTicket, TicketRetreated> = {
  flowLogKind: RETREAT_LOG,
  decide,
  events: {
    TicketRetreated: {
      evolve: (ticket, { data }) => movedTo(ticket, { assignment: data.assignment, actStateId: ActState.withdrawn }),
      // Shown in the start state it went back to.
      flowLog: ({ data }) => flowLogIn(RETREAT_LOG, data.assignment.stateId, data),
    },
  },
};
