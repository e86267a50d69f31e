// POST /tickets/{id}/add_node_end: the consulted person gives the ticket back (behaviour §3.9).
import { fail } from '../../errors.ts';
import type { TicketCommandOf } from '../commands.ts';
import type { TicketContext } from '../context.ts';
import { eventCommon, type Assignment, type TicketEventOf } from '../events.ts';
import { assertParticipant, checkSuggestion, currentState, person } from '../guards.ts';
import { actedIn, assigned, consultationOver, type Ticket } from '../ticket.ts';
import { flowLogIn, type FlowLogKind, type TicketAction } from './action.ts';

export type EndAddNode = TicketCommandOf<'EndAddNode', { suggestion: string }>;

export type TicketNodeAddEnded = TicketEventOf<'TicketNodeAddEnded', { stateId: number; assignment: Assignment }>;

const ADD_NODE_END_LOG: FlowLogKind = { interveneTypeId: 3, name: '加签完成操作' };

function decide(command: EndAddNode, ticket: Ticket, ctx: TicketContext): TicketNodeAddEnded[] {
  const state = currentState(ticket, ctx.workflow);
  checkSuggestion(command.suggestion);
  if (!ticket.inAddNode) fail('wrong_state', `Ticket ${ticket.id} is not out for consultation; there is nothing to finish.`);
  assertParticipant(ticket, ctx.workflow, command.actor);
  return [
    {
      type: 'TicketNodeAddEnded',
      data: {
        ...eventCommon(command, ctx.now, command.suggestion),
        stateId: state.id,
        assignment: ticket.assignmentBeforeAddNode ?? person(state.id, ticket.addNodeMan),
      },
    },
  ];
}

export const endAddNode: TicketAction<EndAddNode, TicketNodeAddEnded> = {
  flowLogKind: ADD_NODE_END_LOG,
  decide,
  events: {
    TicketNodeAddEnded: {
      evolve: (ticket, { data }) => actedIn(consultationOver(assigned(ticket, data.assignment)), data.stateId, data.actor),
      flowLog: ({ data }) => flowLogIn(ADD_NODE_END_LOG, data.stateId, data),
    },
  },
};
