// POST /tickets/{id}/add_node: the assignee consults someone, who gets the ticket until
// add_node_end gives it back (behaviour §3.8).
import type { CommandBase } from '../commands.ts';
import type { TicketContext } from '../context.ts';
import { eventCommon, type Assignment, type EventCommon } from '../events.ts';
import { assertActionable, assertFreeToAct, assertParticipant, checkSuggestion, checkTarget, currentState, person } from '../guards.ts';
import { actedIn, assigned, type Ticket } from '../ticket.ts';
import type { FlowLogKind, TicketAction } from './action.ts';

export interface AddNode extends CommandBase {
  type: 'AddNode';
  target: string;
  suggestion: string;
}

export interface TicketNodeAdded {
  type: 'TicketNodeAdded';
  data: EventCommon & { stateId: number; target: string; assignment: Assignment; previousAssignment: Assignment };
}

const ADD_NODE_LOG: FlowLogKind = { interveneTypeId: 2, name: '加签操作' };

function decide(command: AddNode, ticket: Ticket, ctx: TicketContext): TicketNodeAdded[] {
  const state = currentState(ticket, ctx.workflow);
  assertActionable(ticket, ctx.workflow, state);
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
      flowLog: ({ data }) => ({ kind: ADD_NODE_LOG, stateId: data.stateId, suggestion: data.suggestion, actor: data.actor }),
    },
  },
};
