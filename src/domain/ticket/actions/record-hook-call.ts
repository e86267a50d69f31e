// The engine called a state's hook (behaviour §6.1, issue 9): each attempt and its outcome is
// an event of the ticket. Success is logged like loonflow's hook result and, when the hook
// does not wait, the engine executes the state's first transition; a failure is retried by
// the reaction until it gives up, which leaves the ticket waiting for retry_script.
import { DomainError } from '../../errors.ts';
import { ParticipantType } from '../../workflow.ts';
import type { TicketCommandOf } from '../commands.ts';
import type { TicketContext } from '../context.ts';
import { eventCommon, type TicketEventOf } from '../events.ts';
import type { Ticket } from '../ticket.ts';
import { flowLogIn, type TicketAction } from './action.ts';
import type { TicketHandled } from './handle.ts';
import { continueAfterHook, HOOK_ACTOR, HOOK_LOG } from './hook-result.ts';

export type HookCallOutcome =
  | { kind: 'succeeded'; status: number; message: string }
  | { kind: 'failed'; reason: string; status?: number }
  /** Not sent (HOOK_HOST_ALLOWED, a bad URL): trying again would not help. */
  | { kind: 'refused'; reason: string };

export type RecordHookCall = TicketCommandOf<
  'RecordHookCall',
  {
    /** The same on every attempt of one delivery: derived from the event that asked for it. */
    deliveryId: string;
    stateId: number;
    attempt: number;
    outcome: HookCallOutcome;
    /** When to try again after a failure; absent when the attempts are spent. */
    retryAt?: string;
    /** The hook's `wait`: false continues at once after a success. */
    wait: boolean;
  }
>;

type Delivery = { stateId: number; deliveryId: string; attempt: number };

export type TicketHookCalled = TicketEventOf<'TicketHookCalled', Delivery & { status: number }>;
export type TicketHookCallFailed = TicketEventOf<'TicketHookCallFailed', Delivery & { status?: number; retryAt: string }>;
export type TicketHookGaveUp = TicketEventOf<'TicketHookGaveUp', Delivery>;
/** The ticket left the hook state before the call was made or recorded. */
export type TicketHookCallAbandoned = TicketEventOf<'TicketHookCallAbandoned', Delivery>;

type Owned = TicketHookCalled | TicketHookCallFailed | TicketHookGaveUp | TicketHookCallAbandoned;

function decide(command: RecordHookCall, ticket: Ticket, ctx: TicketContext): (Owned | TicketHandled)[] {
  const delivery: Delivery = { stateId: command.stateId, deliveryId: command.deliveryId, attempt: command.attempt };
  const common = (suggestion: string) => ({ ...eventCommon({ ...command, actor: HOOK_ACTOR }, ctx.now, suggestion), ...delivery });
  const { outcome } = command;
  if (ticket.assignment.stateId !== command.stateId || ticket.assignment.participantTypeId !== ParticipantType.hook) {
    return [{ type: 'TicketHookCallAbandoned', data: common('the ticket is no longer waiting for this hook') }];
  }
  if (outcome.kind === 'succeeded') {
    const called: TicketHookCalled = { type: 'TicketHookCalled', data: { ...common(outcome.message), status: outcome.status } };
    return command.wait ? [called] : [called, ...continueWithoutForm(ticket, ctx, command.app, outcome.message)];
  }
  if (outcome.kind === 'failed' && command.retryAt) {
    return [{ type: 'TicketHookCallFailed', data: { ...common(outcome.reason), status: outcome.status, retryAt: command.retryAt } }];
  }
  const tries = command.attempt === 1 ? 'the first attempt' : `${command.attempt} attempts`;
  return [{ type: 'TicketHookGaveUp', data: common(`hook call failed after ${tries}: ${outcome.reason}`) }];
}

/**
 * The engine moves on after a hook that does not wait, unless the transition needs what only
 * a person or a callback can give (a required field, an assignee): then the ticket stays,
 * as after a hook that waits, instead of calling the hook again and again.
 */
function continueWithoutForm(ticket: Ticket, ctx: TicketContext, app: string, message: string): TicketHandled[] {
  try {
    return continueAfterHook(ticket, ctx, app, message, {});
  } catch (error) {
    if (error instanceof DomainError) return [];
    throw error;
  }
}

const audited = { evolve: (ticket: Ticket) => ticket, flowLog: () => undefined };

export const recordHookCall: TicketAction<RecordHookCall, Owned, Owned | TicketHandled> = {
  flowLogKind: HOOK_LOG,
  decide,
  events: {
    TicketHookCalled: {
      evolve: (ticket) => ({ ...ticket, scriptRunLastResult: true }),
      flowLog: ({ data }) => ({ ...flowLogIn(HOOK_LOG, data.stateId, data), participantTypeId: ParticipantType.hook }),
    },
    // Each failed attempt is on the audit trail; the flow log shows the final outcome only.
    TicketHookCallFailed: audited,
    TicketHookGaveUp: {
      evolve: (ticket) => ({ ...ticket, scriptRunLastResult: false }),
      flowLog: ({ data }) => ({ ...flowLogIn(HOOK_LOG, data.stateId, data), participantTypeId: ParticipantType.hook }),
    },
    TicketHookCallAbandoned: audited,
  },
};
