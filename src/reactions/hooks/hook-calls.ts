// State hooks (participant type 10, behaviour §6.1): entering a hook state, or retry_script
// there, asks for a call of the state's hook_url; the dispatcher makes it (signed as loonflow
// signs it, with the delivery's Idempotency-Key) and records the outcome through the
// RecordHookCall command. A failed call is tried again with backoff until the policy gives up.
import type { CommandDeps } from '../../commands/command-deps.ts';
import { runTicketCommand } from '../../commands/ticket-commands.ts';
import { loadTicket } from '../../commands/ticket-stream.ts';
import { workflowVersion } from '../../domain/catalog/catalog.ts';
import { ENGINE } from '../../domain/ticket/commands.ts';
import type { HookCallOutcome } from '../../domain/ticket/actions/record-hook-call.ts';
import { decodeTicketEvent } from '../../domain/ticket/decode.ts';
import { ParticipantType, stateById, type HookParticipant } from '../../domain/workflow.ts';
import { positionToString, type LogPosition } from '../../eventstore/event-store.ts';
import type { Projection } from '../../projections/projection.ts';
import { retryDelayMs, type RetryPolicy } from '../delivery/backoff.ts';
import type { DeliveryClient } from '../delivery/signed-post.ts';
import type { Reaction } from '../engine/dispatcher.ts';
import { cancelStreamWork, completeWork, createDueWorkTable, scheduleWork } from '../engine/due-work.ts';
import { ticketValues } from './hook-payload.ts';

export const HOOK_CALLS_TABLE = 'reaction_hook_calls';

interface HookCall {
  ticketId: number;
  stateId: number;
  attempt: number;
}

export const hookCallSchedule: Projection = {
  name: 'hook_calls',
  version: 1,
  tables: [HOOK_CALLS_TABLE],
  startsAtEnd: true,
  createTables: (db) => createDueWorkTable(db, HOOK_CALLS_TABLE),
  async apply(trx, recorded) {
    const event = decodeTicketEvent(recorded.type, recorded.data);
    if (!event) return;
    const ask = (stateId: number) =>
      scheduleWork(trx, HOOK_CALLS_TABLE, recorded, {
        id: `${recorded.streamId}@${positionToString(recorded.position)}:hook`,
        dueAt: recorded.recordedAt,
        payload: { ticketId: event.data.ticketId, stateId, attempt: 1 } satisfies HookCall,
      });
    if (event.type === 'TicketHookCallFailed') {
      return scheduleWork(trx, HOOK_CALLS_TABLE, recorded, {
        id: event.data.deliveryId,
        dueAt: new Date(event.data.retryAt),
        payload: { ticketId: event.data.ticketId, stateId: event.data.stateId, attempt: event.data.attempt + 1 } satisfies HookCall,
      });
    }
    if (event.type === 'TicketHookCalled' || event.type === 'TicketHookGaveUp' || event.type === 'TicketHookCallAbandoned') {
      return completeWork(trx, HOOK_CALLS_TABLE, event.data.deliveryId);
    }
    if (event.type === 'TicketRetryRequested') {
      return event.data.participantTypeId === ParticipantType.hook ? ask(event.data.stateId) : undefined;
    }
    if (!('assignment' in event.data)) return;
    // Entering a hook state asks for a call; leaving it drops a call not made yet.
    if (event.data.assignment.participantTypeId === ParticipantType.hook) return ask(event.data.assignment.stateId);
    return cancelStreamWork(trx, HOOK_CALLS_TABLE, recorded.streamId);
  },
};

export interface HookCallDeps {
  commands: CommandDeps;
  delivery: DeliveryClient;
  retry: RetryPolicy;
}

export function hookCallReaction({ commands, delivery, retry }: HookCallDeps): Reaction {
  return {
    name: 'hook_calls',
    projection: hookCallSchedule,
    table: HOOK_CALLS_TABLE,
    concurrency: 32,
    async perform(work): Promise<LogPosition | 'done' | undefined> {
      const { ticketId, stateId, attempt } = work.payload as HookCall;
      const { state } = await loadTicket(commands.store, ticketId);
      if (state.status !== 'open') return 'done';
      const ticket = state.ticket;
      const { catalog } = await commands.catalog.current();
      const workflow = workflowVersion(catalog, ticket.workflowId, ticket.workflowVersion)?.definition;
      const hookState = workflow && stateById(workflow, stateId);
      const hook = hookState?.participant_type_id === ParticipantType.hook ? (hookState.participant as HookParticipant) : undefined;
      let outcome: HookCallOutcome;
      if (!workflow || !hook) outcome = { kind: 'refused', reason: `state ${stateId} of the ticket's workflow has no hook` };
      else if (ticket.assignment.stateId !== stateId) outcome = { kind: 'refused', reason: 'not sent: the ticket left the hook state' };
      else {
        const extra = hook.extra_info === undefined ? {} : { extra_info: hook.extra_info };
        const posted = await delivery.post({
          url: hook.hook_url,
          token: hook.hook_token,
          body: { ...ticketValues(ticket, workflow), ...extra },
          deliveryId: work.id,
        });
        outcome = posted.kind === 'succeeded' ? { kind: 'succeeded', status: posted.status, message: posted.message } : posted;
      }
      const wait = retryDelayMs(retry, attempt, commands.random());
      const retryAt =
        outcome.kind === 'failed' && wait !== undefined ? new Date(commands.clock().getTime() + wait).toISOString() : undefined;
      const result = await runTicketCommand(
        commands,
        {
          type: 'RecordHookCall',
          ticketId,
          actor: ENGINE,
          app: ticket.app,
          deliveryId: work.id,
          stateId,
          attempt,
          outcome,
          retryAt,
          wait: hook?.wait ?? true,
        },
        { correlationId: work.id },
      );
      return result.appended?.position;
    },
  };
}
