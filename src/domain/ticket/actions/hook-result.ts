// POST /tickets/{id}/hook_call_back: a hook reports; success executes the state's first
// transition as the engine, failure leaves the ticket waiting for a retry (behaviour §3.17, §6.1).
import { fail } from '../../errors.ts';
import { ParticipantType, transitionsFrom } from '../../workflow.ts';
import { ENGINE, type TicketCommandOf } from '../commands.ts';
import type { TicketContext } from '../context.ts';
import { eventCommon, type Actor, type TicketEventOf } from '../events.ts';
import { checkSuggestion, currentState } from '../guards.ts';
import type { Ticket } from '../ticket.ts';
import { flowLogIn, type FlowLogKind, type TicketAction } from './action.ts';
import { handle, type TicketHandled } from './handle.ts';

export type ReceiveHookResult = TicketCommandOf<
  'ReceiveHookResult',
  { result: boolean; message: string; fieldValues: Record<string, unknown> }
>;

/** A hook reported failure (or could not be reached); the ticket waits for a retry. */
export type TicketHookFailed = TicketEventOf<'TicketHookFailed', { stateId: number }>;

/** How hook results show in the flow log (behaviour §6.1), and who reports them. */
export const HOOK_LOG: FlowLogKind = { interveneTypeId: 9, name: 'hook操作' };
export const HOOK_ACTOR: Actor = { username: 'hook', engine: true };

function decide(command: ReceiveHookResult, ticket: Ticket, ctx: TicketContext): (TicketHookFailed | TicketHandled)[] {
  const state = currentState(ticket, ctx.workflow);
  if (ticket.assignment.participantTypeId !== ParticipantType.hook) {
    fail('wrong_state', `Ticket ${ticket.id} is not waiting for a hook; the callback changes nothing.`);
  }
  checkSuggestion(command.message, 'msg');
  if (!command.result) {
    return [
      {
        type: 'TicketHookFailed',
        data: { ...eventCommon({ ...command, actor: HOOK_ACTOR }, ctx.now, command.message), stateId: state.id },
      },
    ];
  }
  return continueAfterHook(ticket, ctx, command.app, command.message, command.fieldValues);
}

/** The engine executes the hook state's first transition (a callback, or a hook that does not wait). */
export function continueAfterHook(ticket: Ticket, ctx: TicketContext, app: string, suggestion: string, values: Record<string, unknown>) {
  const state = currentState(ticket, ctx.workflow);
  const first =
    transitionsFrom(ctx.workflow, state.id)[0] ?? fail('wrong_state', `State "${state.name}" has no transition to continue with.`);
  return handle.decide(
    { type: 'HandleTicket', ticketId: ticket.id, actor: ENGINE, app, transitionId: first.id, suggestion, values },
    ticket,
    ctx,
  );
}

export const hookResult: TicketAction<ReceiveHookResult, TicketHookFailed, TicketHookFailed | TicketHandled> = {
  flowLogKind: HOOK_LOG,
  decide,
  events: {
    TicketHookFailed: {
      evolve: (ticket) => ({ ...ticket, scriptRunLastResult: false }),
      flowLog: ({ data }) => ({ ...flowLogIn(HOOK_LOG, data.stateId, data), actor: HOOK_ACTOR, participantTypeId: ParticipantType.hook }),
    },
  },
};
