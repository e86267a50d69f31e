// PUT /tickets/{id}/state: an admin puts the ticket in any state (behaviour §3.12, Q19).
import { fail } from '../../errors.ts';
import { stateById } from '../../workflow.ts';
import type { TicketCommandOf } from '../commands.ts';
import type { TicketContext } from '../context.ts';
import { actStateAfterForcing, enterState } from '../entering-states.ts';
import { eventCommon, type Assignment, type TicketEventOf } from '../events.ts';
import { assertTicketAdmin, checkSuggestion, currentState } from '../guards.ts';
import { movedTo, type Ticket } from '../ticket.ts';
import { flowLogIn, type FlowLogKind, type TicketAction } from './action.ts';

export type ForceState = TicketCommandOf<'ForceState', { stateId: number; suggestion: string }>;

export type TicketStateForced = TicketEventOf<'TicketStateForced', { fromStateId: number; assignment: Assignment; actStateId: number }>;

const FORCE_STATE_LOG: FlowLogKind = { interveneTypeId: 8, name: '强制修改状态' };

function decide(command: ForceState, ticket: Ticket, ctx: TicketContext): TicketStateForced[] {
  checkSuggestion(command.suggestion);
  assertTicketAdmin(ticket, ctx, command.actor, 'change the state of');
  const destination =
    stateById(ctx.workflow, command.stateId) ??
    fail('state_not_found', `State ${command.stateId} is not a state of workflow ${ctx.workflow.id}.`);
  return [
    {
      type: 'TicketStateForced',
      data: {
        ...eventCommon(command, ctx.now, command.suggestion),
        fromStateId: currentState(ticket, ctx.workflow).id,
        assignment: enterState(ticket, destination, ticket.fields, ctx),
        actStateId: actStateAfterForcing(destination, ticket.actStateId),
      },
    },
  ];
}

export const forceState: TicketAction<ForceState, TicketStateForced> = {
  flowLogKind: FORCE_STATE_LOG,
  decide,
  events: {
    TicketStateForced: {
      evolve: (ticket, { data }) => movedTo(ticket, data),
      flowLog: ({ data }) => flowLogIn(FORCE_STATE_LOG, data.fromStateId, data),
    },
  },
};
