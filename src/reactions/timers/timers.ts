// Timer transitions (issue 9, behaviour §6.4): the timers each decision arms (timers.ts in the
// ticket domain) are due work here; any later event of the ticket voids them. When one falls
// due the engine fires it through the normal command path (FireTimer), so that it is decided
// again (Q24), appended and audited. The table survives restarts, so a timer due while the
// service was down fires when it is back, once.
import type { CommandDeps } from '../../commands/command-deps.ts';
import { loadTicket } from '../../commands/ticket-stream.ts';
import { ENGINE } from '../../domain/ticket/commands.ts';
import { decodeTicketEvent } from '../../domain/ticket/decode.ts';
import { positionToString, type LogPosition } from '../../eventstore/event-store.ts';
import type { Projection } from '../../projections/projection.ts';
import type { Reaction } from '../engine/dispatcher.ts';
import { runEngineCommand } from '../engine/engine-command.ts';
import { cancelStreamWork, createDueWorkTable, scheduleWork } from '../engine/due-work.ts';

export const TIMERS_TABLE = 'reaction_timers';

interface TimerWork {
  ticketId: number;
  transitionId: number;
  /** The moment of the decision that armed it. */
  armedAt: string;
}

export const timerSchedule: Projection = {
  name: 'timers',
  version: 1,
  tables: [TIMERS_TABLE],
  startsAtEnd: true,
  createTables: (db) => createDueWorkTable(db, TIMERS_TABLE),
  async apply(trx, recorded) {
    const event = decodeTicketEvent(recorded.type, recorded.data);
    if (!event) return;
    // Whatever happened to the ticket voids the timers armed before; its decision armed the new ones.
    await cancelStreamWork(trx, TIMERS_TABLE, recorded.streamId);
    const armedAt = event.type === 'TicketCreated' ? event.data.createdAt : event.data.at;
    for (const timer of event.data.armedTimers ?? []) {
      const work: TimerWork = { ticketId: event.data.ticketId, transitionId: timer.transitionId, armedAt };
      await scheduleWork(trx, TIMERS_TABLE, recorded, {
        id: `${recorded.streamId}@${positionToString(recorded.position)}:timer-${timer.transitionId}`,
        dueAt: new Date(timer.dueAt),
        payload: work,
      });
    }
  },
};

export function timerReaction(commands: CommandDeps): Reaction {
  return {
    name: 'timers',
    projection: timerSchedule,
    table: TIMERS_TABLE,
    concurrency: 8,
    async perform(work): Promise<LogPosition | 'done' | undefined> {
      const { ticketId, transitionId, armedAt } = work.payload as TimerWork;
      const { state } = await loadTicket(commands.store, ticketId);
      if (state.status !== 'open') return 'done';
      // The engine acts within the ticket's own app. Void (the ticket moved, or something
      // happened since) or refused: nothing to record.
      const fired = await runEngineCommand(
        commands,
        { type: 'FireTimer', ticketId, actor: ENGINE, app: state.ticket.app, transitionId, armedAt },
        work.id,
      );
      return fired ?? 'done';
    },
  };
}
