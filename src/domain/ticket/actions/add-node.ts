// POST /tickets/{id}/add_node: the assignee consults someone, who gets the ticket until
// add_node_end gives it back (behaviour §3.8).
import type { TicketCommandOf } from '../commands.ts';
import type { TicketContext } from '../context.ts';
import { eventCommon, type Assignment, type TicketEventOf } from '../events.ts';
import { actionableState, assertFreeToAct, assertParticipant, checkSuggestion, checkTarget, person } from '../guards.ts';
import { actedIn, assigned, type Ticket } from '../ticket.ts';
import { flowLogIn, type FlowLogKind, type TicketAction } from './action.ts';

export type AddNode = TicketCommandOf<'AddNode', { target: string; suggestion: string }>;

export type TicketNodeAdded = TicketEventOf<
  'TicketNodeAdded',
  { stateId: number; target: string; assignment: Assignment; previousAssignment: Assignment }
>;

const ADD_NODE_LOG: FlowLogKind = { interveneTypeId: 2, name: '加签操作' };

function decide(command: AddNode, ticket: Ticket, ctx: TicketContext): TicketNodeAdded[] {
  const state = actionableState(ticket, ctx.workflow);
  checkSuggestion(command.suggestion);
  assertFreeToAct(
    ticket,
    assertParticipant(ticket, ctx.workflow, command.actor),
    'accept it before adding someone',
    'is already out for consultation; finish it with add_node_end first',
  );
  checkTarget(command.target, command.actor, ctx.catalog);
  return [
    {
      type: 'TicketNodeAdded',
      data: {
        ...eventCommon(command, ctx.now, command.suggestion),
        stateId: state.id,
        target: command.target,
        assignment: person(state.id, command.target),
        previousAssignment: ticket.assignment,
      },
    },
  ];
}

export const addNode: TicketAction<AddNode, TicketNodeAdded> = {
  flowLogKind: ADD_NODE_LOG,
  decide,
  events: {
    TicketNodeAdded: {
      evolve: (ticket, { data }) => ({
        ...actedIn(assigned(ticket, data.assignment), data.stateId, data.actor),
        inAddNode: true,
        addNodeMan: data.actor.username,
        assignmentBeforeAddNode: data.previousAssignment,
      }),
      flowLog: ({ data }) => flowLogIn(ADD_NODE_LOG, data.stateId, data),
    },
  },
};
