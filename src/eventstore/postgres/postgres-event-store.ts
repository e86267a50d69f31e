import { sql } from 'kysely';
import type { Database } from '../../db/database.ts';
import {
  WrongExpectedRevisionError,
  type AppendResult,
  type EventMetadata,
  type EventStore,
  type ExpectedRevision,
  type LogPosition,
  type NewEvent,
  type RecordedEvent,
  type Subscription,
} from '../event-store.ts';
import { EVENTS_CHANNEL } from './schema.ts';

interface EventRow {
  global_position: number | string;
  txid: string;
  stream_id: string;
  stream_revision: number | string;
  type: string;
  data: unknown;
  metadata: EventMetadata;
  recorded_at: Date | string;
}

const START: LogPosition = { commit: 0n, prepare: 0n };

const toRecorded = (row: EventRow): RecordedEvent => ({
  streamId: row.stream_id,
  revision: BigInt(row.stream_revision),
  position: { commit: BigInt(row.txid), prepare: BigInt(row.global_position) },
  type: row.type,
  data: row.data,
  metadata: row.metadata ?? {},
  recordedAt: new Date(row.recorded_at),
});

export interface PostgresEventStoreOptions {
  /** How often a subscriber looks for new events when no NOTIFY arrives. */
  pollIntervalMs?: number;
}

export class PostgresEventStore implements EventStore {
  private readonly pollIntervalMs: number;

  constructor(
    private readonly database: Database,
    options: PostgresEventStoreOptions = {},
  ) {
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
  }

  async appendToStream(streamId: string, events: NewEvent[], options: { expectedRevision?: ExpectedRevision } = {}): Promise<AppendResult> {
    const expected = options.expectedRevision ?? 'any';
    try {
      const { rows } = await sql<{ next_revision: number | string; txid: string; last_position: number | string }>`
        select * from es_append(
          ${streamId}, ${String(expected)},
          ${events.map((e) => e.type)}::text[],
          ${events.map((e) => JSON.stringify(e.data))}::jsonb[],
          ${events.map((e) => JSON.stringify(e.metadata ?? {}))}::jsonb[])`.execute(this.database.db);
      const row = rows[0];
      return {
        nextExpectedRevision: BigInt(row.next_revision),
        position: { commit: BigInt(row.txid), prepare: BigInt(row.last_position) },
      };
    } catch (error) {
      const e = error as { code?: string; detail?: string };
      if (e.code === 'FL409') {
        const actual = e.detail === 'no_stream' || !e.detail ? 'no_stream' : BigInt(e.detail);
        throw new WrongExpectedRevisionError(streamId, expected, actual);
      }
      // Two first appends racing on a new stream can also meet at the unique key.
      if (e.code === '23505') throw new WrongExpectedRevisionError(streamId, expected, 'no_stream');
      throw error;
    }
  }

  async readStream(streamId: string, options: { fromRevision?: bigint } = {}): Promise<RecordedEvent[]> {
    const { rows } = await sql<EventRow>`
      select global_position, transaction_id::text as txid, stream_id, stream_revision, type, data, metadata, recorded_at
        from es_events
       where stream_id = ${streamId} and stream_revision >= ${String(options.fromRevision ?? 0n)}::bigint
       order by stream_revision`.execute(this.database.db);
    return rows.map(toRecorded);
  }

  async readAll(options: { after?: LogPosition; maxCount?: number } = {}): Promise<RecordedEvent[]> {
    const after = options.after ?? START;
    const { rows } = await sql<EventRow>`
      select * from es_read_all(${String(after.commit)}::xid8, ${String(after.prepare)}::bigint, ${options.maxCount ?? 1000})`.execute(
      this.database.db,
    );
    return rows.map(toRecorded);
  }

  subscribe(options: { after?: LogPosition; maxBatch?: number }, handler: (batch: RecordedEvent[]) => Promise<void>): Subscription {
    let closed = false;
    let wake: (() => void) | undefined;
    let notified = false;
    const onNotify = () => {
      notified = true;
      wake?.();
    };
    const sleep = (ms: number) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(done, ms);
        function done() {
          clearTimeout(timer);
          wake = undefined;
          resolve();
        }
        wake = done;
      });
    const run = async () => {
      const unlisten = await this.database.listen(EVENTS_CHANNEL, onNotify);
      try {
        let after = options.after;
        // After a NOTIFY the event may still sit behind an older open transaction; look again soon.
        let eagerPolls = 0;
        while (!closed) {
          notified = false;
          const batch = await this.readAll({ after, maxCount: options.maxBatch ?? 500 });
          if (closed) break;
          if (batch.length > 0) {
            await handler(batch);
            after = batch[batch.length - 1].position;
            continue;
          }
          if (notified) eagerPolls = 40;
          await sleep(eagerPolls-- > 0 ? 10 : this.pollIntervalMs);
        }
      } finally {
        await unlisten();
      }
    };
    const done = run();
    return {
      done,
      async close() {
        closed = true;
        wake?.();
        await done.catch(() => undefined);
      },
    };
  }

  async headPosition(): Promise<LogPosition> {
    const { rows } = await sql<{ txid: string; last_position: number | string }>`select * from es_head()`.execute(this.database.db);
    return rows[0] ? { commit: BigInt(rows[0].txid), prepare: BigInt(rows[0].last_position) } : START;
  }

  async identity(): Promise<string> {
    const { rows } = await sql<{ store_id: string }>`select store_id from es_store`.execute(this.database.db);
    return rows[0].store_id;
  }

  async close(): Promise<void> {
    // The database handle is shared with the read models; its owner closes it.
  }
}
