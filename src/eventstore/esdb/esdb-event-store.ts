// EventStoreDB adapter (@eventstore/db-client v6). readAll/subscribe see only this product's
// streams (PRODUCT_STREAM), checked by the server's filter and again here. Appends carry ids
// derived per call (event-ids.ts) and are retried once after a transient failure; the
// client's errors come out as the neutral errors of event-store.ts (errors.ts).
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { identityFromStream } from '../store-identity.ts';
import {
  ANY,
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  jsonEvent,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type AppendExpectedRevision,
  type AppendResult as EsdbAppendResult,
  type JSONEventData,
  type JSONType,
} from '@eventstore/db-client';
import {
  AppendTooLargeError,
  PRODUCT_STREAM,
  comparePositions,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type LogPosition,
  type NewEvent,
  type RecordedEvent,
  type Subscription,
} from '../event-store.ts';
import { eventIds } from './event-ids.ts';
import { isTransient, translate } from './errors.ts';
import { isProductStream, realPosition, toRecorded, type EsdbRecord } from './records.ts';
import { resubscribing, type Backoff, type Feed } from './subscription.ts';

const DEFAULT_MAX_COUNT = 1000;
const DEFAULT_MAX_BATCH = 100;
/** The server's default MaxAppendSize. */
export const DEFAULT_MAX_APPEND_SIZE = 1024 * 1024;
const RETRY_DELAY_MS = 250;
/** How far back a retried `any` append looks for itself (other reservations may follow it). */
const LOOKBACK = 1000;

export interface EsdbOptions {
  /** Appends above this are refused before sending; set it when the server's MaxAppendSize is not the default. */
  maxAppendSize?: number;
  backoff?: Backoff;
}

/**
 * What the server counts against MaxAppendSize: data and metadata bytes plus two bytes per
 * character of the type, summed over the append (Event.SizeOnDisk in the server).
 */
export const appendSize = (events: readonly JSONEventData[]): number =>
  events.reduce(
    (sum, e) => sum + Buffer.byteLength(JSON.stringify(e.data)) + Buffer.byteLength(JSON.stringify(e.metadata ?? {})) + e.type.length * 2,
    0,
  );

const toEsdbRevision = (r: ExpectedRevision): AppendExpectedRevision =>
  r === 'any' ? ANY : r === 'no_stream' ? NO_STREAM : r === 'stream_exists' ? STREAM_EXISTS : r;

export class EventStoreDbEventStore implements EventStore {
  private readonly maxAppendSize: number;

  constructor(
    private readonly client: EventStoreDBClient,
    private readonly options: EsdbOptions = {},
  ) {
    this.maxAppendSize = options.maxAppendSize ?? DEFAULT_MAX_APPEND_SIZE;
  }

  static connect(connectionString: string, options: EsdbOptions = {}): EventStoreDbEventStore {
    return new EventStoreDbEventStore(EventStoreDBClient.connectionString(connectionString), options);
  }

  async appendToStream(streamId: string, events: NewEvent[], options: { expectedRevision?: ExpectedRevision } = {}): Promise<AppendResult> {
    if (events.length === 0) throw new Error(`appendToStream(${streamId}): no events to append`);
    const expected = options.expectedRevision ?? 'any';
    const ids = eventIds(randomUUID(), streamId, expected, events.length);
    const data = events.map((e, i) =>
      jsonEvent({ id: ids[i], type: e.type, data: e.data as JSONType, metadata: (e.metadata ?? {}) as JSONType }),
    );
    // One append is one atomic write, so it is refused whole rather than split.
    const size = appendSize(data);
    const context = { operation: `append to ${streamId}`, streamId, expected, appendSize: size };
    if (size > this.maxAppendSize) throw new AppendTooLargeError(streamId, size, this.maxAppendSize);

    const send = () => this.client.appendToStream(streamId, data, { expectedRevision: toEsdbRevision(expected) });
    try {
      return await this.result(streamId, await send());
    } catch (error) {
      if (!isTransient(error)) throw translate(error, context);
    }
    // The first try may have been stored. Look for it; if it is not there, send the same ids
    // again: the server answers a repeat of a stored append as a success (with the first
    // write's revisions) instead of storing it twice. For `any` that check is best effort
    // (a cache of recent ids, lost on restart), hence the look first.
    await sleep(RETRY_DELAY_MS);
    try {
      const stored = await this.findAppended(streamId, ids, expected);
      if (stored) return stored;
      const retried = await send();
      // A repeat's answer may carry no position, or the first event's: read the last one back.
      return await this.readBack(streamId, retried.nextExpectedRevision);
    } catch (error) {
      throw translate(error, { ...context, mayHaveSaved: true });
    }
  }

  private async result(streamId: string, result: EsdbAppendResult): Promise<AppendResult> {
    const position = realPosition(result.position);
    return position
      ? { nextExpectedRevision: result.nextExpectedRevision, position }
      : this.readBack(streamId, result.nextExpectedRevision);
  }

  private async readBack(streamId: string, revision: bigint): Promise<AppendResult> {
    for await (const e of this.rawStream(streamId, { fromRevision: revision, maxCount: 1 })) {
      return { nextExpectedRevision: revision, position: toRecorded(e).position };
    }
    throw new Error(`EventStoreDB reported ${streamId}@${revision} appended, but it cannot be read back`);
  }

  /** The append whose last event has the last of `ids`, if the stream holds it. */
  private async findAppended(streamId: string, ids: string[], expected: ExpectedRevision): Promise<AppendResult | undefined> {
    const last = ids[ids.length - 1];
    // With a revision the events can only be right after it; otherwise among the latest.
    const candidates =
      typeof expected === 'bigint' || expected === 'no_stream'
        ? this.rawStream(streamId, { fromRevision: expected === 'no_stream' ? 0n : expected + 1n, maxCount: ids.length })
        : this.rawStream(streamId, { fromRevision: END, direction: BACKWARDS, maxCount: LOOKBACK });
    for await (const e of candidates) {
      if (e.id === last) return { nextExpectedRevision: e.revision, position: toRecorded(e).position };
    }
    return undefined;
  }

  private async *rawStream(
    streamId: string,
    options: { fromRevision: bigint | typeof START | typeof END; direction?: typeof FORWARDS | typeof BACKWARDS; maxCount?: number },
  ): AsyncGenerator<EsdbRecord> {
    const read = this.client.readStream(streamId, { direction: FORWARDS, ...options });
    let finished = false;
    try {
      for await (const resolved of read) {
        if (resolved.event) yield resolved.event;
      }
      finished = true;
    } catch (error) {
      finished = true;
      if (error instanceof StreamNotFoundError) return;
      throw translate(error, { operation: `read ${streamId}`, streamId });
    } finally {
      if (!finished) await read.cancel(); // the caller stopped early: end the call on the server too
    }
  }

  async readStream(streamId: string, options: { fromRevision?: bigint } = {}): Promise<RecordedEvent[]> {
    const out: RecordedEvent[] = [];
    for await (const e of this.rawStream(streamId, { fromRevision: options.fromRevision ?? START })) {
      out.push(toRecorded(e));
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
    try {
      for (;;) {
        let seen = 0;
        const read = this.client.readAll({ fromPosition: cursor ?? START, direction: FORWARDS, maxCount: pageSize });
        for await (const resolved of read) {
          seen++;
          const e = resolved.event;
          if (!e) continue;
          // fromPosition is inclusive: skip anything at or before the cursor.
          if (cursor && comparePositions(e.position, cursor) <= 0) continue;
          cursor = { commit: e.position.commit, prepare: e.position.prepare };
          if (!isProductStream(e.streamId)) continue; // also drops `$...` system streams
          out.push(toRecorded(e));
          if (out.length >= maxCount) {
            await read.cancel();
            return out;
          }
        }
        if (seen < pageSize) return out;
      }
    } catch (error) {
      throw translate(error, { operation: 'read $all' });
    }
  }

  subscribe(options: { after?: LogPosition; maxBatch?: number }, handler: (batch: RecordedEvent[]) => Promise<void>): Subscription {
    const maxBatch = Math.max(1, options.maxBatch ?? DEFAULT_MAX_BATCH);
    return resubscribing((after) => this.feed(after, maxBatch), options.after, handler, this.options.backoff);
  }

  private feed(after: LogPosition | undefined, maxBatch: number): Feed {
    const sub = this.client.subscribeToAll(
      { fromPosition: after ?? START, filter: streamNameFilter({ regex: PRODUCT_STREAM.source }) },
      // A batch is what the stream has buffered; its default buffer (16) would cap it there.
      { highWaterMark: maxBatch },
    );
    return {
      async *[Symbol.asyncIterator]() {
        for await (const first of sub as AsyncIterable<AllStreamResolvedEvent>) {
          const raw: AllStreamResolvedEvent[] = [first];
          let next: AllStreamResolvedEvent | null;
          while (raw.length < maxBatch && (next = sub.read() as AllStreamResolvedEvent | null) !== null) raw.push(next);
          yield raw.flatMap((r) => (r.event ? [r.event] : []));
        }
      },
      close: async () => {
        await sub.unsubscribe().catch(() => {}); // rejects when the subscription never opened
        sub.destroy(); // wakes a for-await blocked on the next event
      },
    };
  }

  async headPosition(): Promise<LogPosition> {
    try {
      // The last record of $all, whatever its stream: a subscription after it misses nothing new.
      for await (const resolved of this.client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1 })) {
        const position = realPosition(resolved.event?.position);
        if (position) return position;
      }
      return { commit: 0n, prepare: 0n };
    } catch (error) {
      throw translate(error, { operation: 'read the end of $all' });
    }
  }

  private storeId?: Promise<string>;

  identity(): Promise<string> {
    this.storeId ??= identityFromStream(this, randomUUID()).catch((error) => {
      this.storeId = undefined;
      throw error;
    });
    return this.storeId;
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }
}
