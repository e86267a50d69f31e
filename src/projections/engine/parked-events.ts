// Parked events: an event a projection cannot apply (after its retries) is set aside with
// its error, together with every later event of the same stream, so that the projection
// goes on with every other stream (as Marten's async daemon and EventStoreDB's persistent
// subscriptions do). `retryParkedStreams` applies them again, in order, after a fix.
import type { Kysely, Transaction } from 'kysely';
import { comparePositions, positionToString, type EventStore, type LogPosition, type RecordedEvent } from '../../eventstore/event-store.ts';
import type { Projection } from '../projection.ts';
import type { ReadModels } from '../read-models.ts';
import { checkpointPosition } from './checkpoints.ts';

/** A stream a projection has set aside: where it stopped and why. */
export interface ParkedStream {
  projection: string;
  streamId: string;
  /** The event that failed. */
  position: LogPosition;
  eventType: string;
  error: string;
  attempts: number;
  parkedAt: Date;
  /** Events parked in all, the failed one included. */
  events: number;
}

/** The error that made an event fail, and how often it was tried. */
export interface ParkReason {
  error: string;
  attempts: number;
}

const positionKey = (p: LogPosition) => positionToString(p);

/** Events of `batch` to park instead of apply, by position. */
export class ParkDecisions {
  private readonly reasons = new Map<string, ParkReason>();
  park(event: RecordedEvent, reason: ParkReason): void {
    this.reasons.set(positionKey(event.position), reason);
  }
  reasonFor(event: RecordedEvent): ParkReason | undefined {
    return this.reasons.get(positionKey(event.position));
  }
}

/** Streams of `streamIds` that `projection` has parked. */
export async function parkedStreamIds(trx: Transaction<ReadModels>, projection: string, streamIds: string[]): Promise<Set<string>> {
  if (streamIds.length === 0) return new Set();
  const rows = await trx
    .selectFrom('projection_parked_events')
    .select('stream_id')
    .distinct()
    .where('projection', '=', projection)
    .where('stream_id', 'in', streamIds)
    .execute();
  return new Set(rows.map((r) => r.stream_id));
}

export async function parkEvent(
  trx: Transaction<ReadModels>,
  projection: string,
  event: RecordedEvent,
  reason?: ParkReason,
): Promise<void> {
  await trx
    .insertInto('projection_parked_events')
    .values({
      projection,
      stream_id: event.streamId,
      position_commit: String(event.position.commit),
      position_prepare: String(event.position.prepare),
      stream_revision: String(event.revision),
      event_type: event.type,
      error: reason?.error ?? null,
      attempts: reason?.attempts ?? 0,
      parked_at: new Date(),
    })
    .onConflict((oc) => oc.columns(['projection', 'position_commit', 'position_prepare']).doNothing())
    .execute();
}

/** Every parked stream (of one projection, or all), oldest failure first; the table must exist. */
export async function listParkedStreams(db: Kysely<ReadModels>, projection?: string): Promise<ParkedStream[]> {
  const rows = await db
    .selectFrom('projection_parked_events')
    .selectAll()
    .$if(projection !== undefined, (q) => q.where('projection', '=', projection!))
    .orderBy('position_commit')
    .orderBy('position_prepare')
    .execute();
  const streams = new Map<string, ParkedStream>();
  for (const row of rows) {
    const key = `${row.projection}\u0000${row.stream_id}`;
    const known = streams.get(key);
    if (known) {
      known.events++;
      continue;
    }
    streams.set(key, {
      projection: row.projection,
      streamId: row.stream_id,
      position: checkpointPosition(row),
      eventType: row.event_type,
      error: row.error ?? 'parked behind an earlier event of its stream',
      attempts: row.attempts,
      parkedAt: new Date(row.parked_at),
      events: 1,
    });
  }
  return [...streams.values()];
}

export async function clearParkedEvents(trx: Transaction<ReadModels>, projection: string): Promise<void> {
  await trx.deleteFrom('projection_parked_events').where('projection', '=', projection).execute();
}

export interface RetryOutcome {
  streamId: string;
  /** Undefined when every parked event of the stream applied. */
  error?: string;
}

/**
 * Applies the parked events of each stream again, in order, under the checkpoint's lock (so
 * that the live projector waits meanwhile). A stream whose events all apply is whole again;
 * one that fails stays parked with the new error.
 */
export async function retryParkedStreams(db: Kysely<ReadModels>, store: EventStore, projection: Projection): Promise<RetryOutcome[]> {
  const outcomes: RetryOutcome[] = [];
  for (const parked of await listParkedStreams(db, projection.name)) {
    // Read before the transaction: the embedded store has one connection.
    let events = await store.readStream(parked.streamId);
    for (;;) {
      try {
        const complete = await db.transaction().execute(async (trx) => {
          await trx.selectFrom('projection_checkpoints').select('name').where('name', '=', projection.name).forUpdate().execute();
          const rows = await trx
            .selectFrom('projection_parked_events')
            .selectAll()
            .where('projection', '=', projection.name)
            .where('stream_id', '=', parked.streamId)
            .orderBy('position_commit')
            .orderBy('position_prepare')
            .execute();
          const wanted = rows.map((r) => events.find((e) => comparePositions(e.position, checkpointPosition(r)) === 0));
          // Parked meanwhile, after the stream was read: read it again.
          if (wanted.some((e) => e === undefined)) return false;
          for (const event of wanted) await projection.apply(trx, event!);
          await trx
            .deleteFrom('projection_parked_events')
            .where('projection', '=', projection.name)
            .where('stream_id', '=', parked.streamId)
            .execute();
          return true;
        });
        if (complete) {
          outcomes.push({ streamId: parked.streamId });
          break;
        }
        events = await store.readStream(parked.streamId);
      } catch (error) {
        const message = describeError(error);
        await db
          .updateTable('projection_parked_events')
          .set((eb) => ({ error: message, attempts: eb('attempts', '+', 1) }))
          .where('projection', '=', projection.name)
          .where('position_commit', '=', String(parked.position.commit))
          .where('position_prepare', '=', String(parked.position.prepare))
          .execute();
        outcomes.push({ streamId: parked.streamId, error: message });
        break;
      }
    }
  }
  return outcomes;
}

export const describeError = (error: unknown): string => {
  const e = error as { message?: string; code?: string };
  const text = e?.message ? `${e.message}${typeof e.code === 'string' ? ` (${e.code})` : ''}` : String(error);
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
};
