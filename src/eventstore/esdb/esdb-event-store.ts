// EventStoreDB adapter (@eventstore/db-client v6). readAll/subscribe see only streams whose
// names start with STREAM_PREFIXES; on a shared server another product's `config…` or
// `ticket…` streams would pass the filter, and the projections would ignore their events.
import {
  ANY,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  WrongExpectedVersionError,
  jsonEvent,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type AppendExpectedRevision,
  type JSONType,
  type Position,
  type ResolvedEvent,
} from '@eventstore/db-client';
import {
  STREAM_PREFIXES,
  WrongExpectedRevisionError,
  comparePositions,
  type AppendResult,
  type EventMetadata,
  type EventStore,
  type ExpectedRevision,
  type LogPosition,
  type NewEvent,
  type RecordedEvent,
  type Subscription,
} from '../event-store.ts';

const DEFAULT_MAX_COUNT = 1000;
const DEFAULT_MAX_BATCH = 100;

const isProductStream = (streamId: string): boolean => STREAM_PREFIXES.some((p) => streamId.startsWith(p));

const toEsdbRevision = (r: ExpectedRevision): AppendExpectedRevision =>
  r === 'any' ? ANY : r === 'no_stream' ? NO_STREAM : r === 'stream_exists' ? STREAM_EXISTS : r;

const toPosition = (p: Position): LogPosition => ({ commit: p.commit, prepare: p.prepare });

const toMetadata = (m: unknown): EventMetadata =>
  m !== null && typeof m === 'object' && !Array.isArray(m) && !(m instanceof Uint8Array) ? (m as EventMetadata) : {};

type EsdbRecorded = NonNullable<ResolvedEvent['event'] | AllStreamResolvedEvent['event']>;

const toRecorded = (e: EsdbRecorded): RecordedEvent => {
  // Positions on stream reads are only sent by servers >= 22.6; we need them for every event.
  if (!e.position) throw new Error(`EventStoreDB returned no position for ${e.streamId}@${e.revision}; server >= 22.6 required`);
  return {
    streamId: e.streamId,
    revision: e.revision,
    position: toPosition(e.position),
    type: e.type,
    data: e.data,
    metadata: toMetadata(e.metadata),
    recordedAt: e.created,
  };
};

export class EventStoreDbEventStore implements EventStore {
  private constructor(private readonly client: EventStoreDBClient) {}

  static connect(connectionString: string): EventStoreDbEventStore {
    return new EventStoreDbEventStore(EventStoreDBClient.connectionString(connectionString));
  }

  async appendToStream(
    streamId: string,
    events: NewEvent[],
    options: { expectedRevision?: ExpectedRevision } = {},
  ): Promise<AppendResult> {
    if (events.length === 0) throw new Error(`appendToStream(${streamId}): no events to append`);
    const expected = options.expectedRevision ?? 'any';
    const data = events.map((e) =>
      jsonEvent({ type: e.type, data: e.data as JSONType, metadata: (e.metadata ?? {}) as JSONType }),
    );
    try {
      const result = await this.client.appendToStream(streamId, data, { expectedRevision: toEsdbRevision(expected) });
      if (!result.position) throw new Error(`EventStoreDB returned no log position for append to ${streamId}`);
      return { nextExpectedRevision: result.nextExpectedRevision, position: toPosition(result.position) };
    } catch (err) {
      if (err instanceof WrongExpectedVersionError) {
        throw new WrongExpectedRevisionError(streamId, expected, err.actualVersion);
      }
      throw err;
    }
  }

  async readStream(streamId: string, options: { fromRevision?: bigint } = {}): Promise<RecordedEvent[]> {
    const out: RecordedEvent[] = [];
    try {
      const read = this.client.readStream(streamId, { fromRevision: options.fromRevision ?? START, direction: FORWARDS });
      for await (const resolved of read) if (resolved.event) out.push(toRecorded(resolved.event));
    } catch (err) {
      if (err instanceof StreamNotFoundError) return [];
      throw err;
    }
    return out;
  }

  async readAll(options: { after?: LogPosition; maxCount?: number } = {}): Promise<RecordedEvent[]> {
    const maxCount = options.maxCount ?? DEFAULT_MAX_COUNT;
    const out: RecordedEvent[] = [];
    if (maxCount <= 0) return out;
    // v6 readAll has no server-side filter: page through $all and filter client-side, so a page
    // full of foreign/system events does not look like the end of the log. Pages start at the
    // cursor inclusively, hence pageSize >= 2 to always make progress.
    const pageSize = Math.max(maxCount, 100) + 1;
    let cursor = options.after;
    for (;;) {
      let seen = 0;
      const read = this.client.readAll({ fromPosition: cursor ?? START, direction: FORWARDS, maxCount: pageSize });
      for await (const resolved of read) {
        seen++;
        const e = resolved.event;
        if (!e) continue;
        // fromPosition is inclusive: skip anything at or before the cursor.
        if (cursor && comparePositions(e.position, cursor) <= 0) continue;
        cursor = toPosition(e.position);
        if (!isProductStream(e.streamId)) continue; // also drops `$...` system streams
        out.push(toRecorded(e));
        if (out.length >= maxCount) {
          await read.cancel();
          return out;
        }
      }
      if (seen < pageSize) return out;
    }
  }

  subscribe(
    options: { after?: LogPosition; maxBatch?: number },
    handler: (batch: RecordedEvent[]) => Promise<void>,
  ): Subscription {
    const maxBatch = Math.max(1, options.maxBatch ?? DEFAULT_MAX_BATCH);
    const after = options.after;
    const sub = this.client.subscribeToAll({
      fromPosition: after ?? START,
      filter: streamNameFilter({ prefixes: [...STREAM_PREFIXES] }),
    });
    let closed = false;

    const run = async (): Promise<void> => {
      try {
        for await (const first of sub as AsyncIterable<AllStreamResolvedEvent>) {
          if (closed) break;
          // Drain whatever is already buffered (non-blocking) into the same batch.
          const raw: AllStreamResolvedEvent[] = [first];
          let next: AllStreamResolvedEvent | null;
          while (raw.length < maxBatch && (next = sub.read() as AllStreamResolvedEvent | null) !== null) raw.push(next);
          const batch: RecordedEvent[] = [];
          for (const r of raw) {
            const e = r.event;
            if (!e || !isProductStream(e.streamId)) continue;
            if (after && comparePositions(e.position, after) <= 0) continue; // strictly after
            batch.push(toRecorded(e));
          }
          if (batch.length > 0) await handler(batch); // awaited: never concurrent
        }
        if (!closed) throw new Error('EventStoreDB subscription ended unexpectedly');
      } catch (err) {
        if (closed) return; // cancellation / premature-close noise after close()
        closed = true;
        await sub.unsubscribe().catch(() => {});
        throw err;
      }
    };

    const done = run();
    done.catch(() => {}); // keep an unobserved failure from crashing the process; callers await `done`

    return {
      done,
      close: async () => {
        if (!closed) {
          closed = true;
          await sub.unsubscribe();
          sub.destroy(); // wakes a for-await blocked on the next event
        }
        await done.catch(() => {}); // resolves after the handler in flight returned
      },
    };
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }
}
