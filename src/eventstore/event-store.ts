// The one interface every event store adapter implements. Revisions are 0-based per
// stream; positions order the global log.

/** A place in the global log. Ordered by `commit`, then `prepare`. */
export interface LogPosition {
  readonly commit: bigint;
  readonly prepare: bigint;
}

export const comparePositions = (a: LogPosition, b: LogPosition): number =>
  a.commit !== b.commit ? (a.commit < b.commit ? -1 : 1) : a.prepare === b.prepare ? 0 : a.prepare < b.prepare ? -1 : 1;

export const positionToString = (p: LogPosition): string => `${p.commit}/${p.prepare}`;

export const positionFromString = (s: string): LogPosition => {
  const [commit, prepare] = s.split('/');
  return { commit: BigInt(commit), prepare: BigInt(prepare) };
};

export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint;

export interface EventMetadata {
  /** Who caused the event: an end user's name, or an engine actor such as `loonrobot`. */
  actor?: string;
  app?: string;
  correlationId?: string;
  [key: string]: unknown;
}

export interface NewEvent<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
  metadata?: EventMetadata;
}

export interface RecordedEvent<Type extends string = string, Data = unknown> {
  streamId: string;
  revision: bigint;
  position: LogPosition;
  type: Type;
  data: Data;
  metadata: EventMetadata;
  /** When the store recorded it. */
  recordedAt: Date;
}

export interface AppendResult {
  /** Revision of the last event appended. */
  nextExpectedRevision: bigint;
  /** Position of the last event appended in the global log. */
  position: LogPosition;
}

export interface Subscription {
  /** Stops delivery; resolves once the handler in flight (if any) has returned. */
  close(): Promise<void>;
  /** Settles when the subscription ends: resolves after close(), rejects when the handler throws. */
  readonly done: Promise<void>;
}

export interface EventStore {
  appendToStream(
    streamId: string,
    events: NewEvent[],
    options?: { expectedRevision?: ExpectedRevision },
  ): Promise<AppendResult>;
  /** Events of one stream in revision order; empty when the stream does not exist. */
  readStream(streamId: string, options?: { fromRevision?: bigint }): Promise<RecordedEvent[]>;
  /** Events of the global log strictly after `after` (from the start when omitted). */
  readAll(options?: { after?: LogPosition; maxCount?: number }): Promise<RecordedEvent[]>;
  /**
   * Delivers the global log strictly after `after` in order, in batches, then every new event
   * as it commits. The next batch is delivered only after the handler's promise resolved.
   */
  subscribe(
    options: { after?: LogPosition; maxBatch?: number },
    handler: (batch: RecordedEvent[]) => Promise<void>,
  ): Subscription;
  close(): Promise<void>;
}

export class WrongExpectedRevisionError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: bigint | 'no_stream',
  ) {
    super(`Stream ${streamId} expected revision ${String(expected)} but is at ${String(actual)}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

/**
 * Streams of this product (`config`, `ticket-<id>`, `ticket_ids`, `ticket_sn-<day>`, ...);
 * the EventStoreDB adapter filters `$all` by these prefixes.
 */
export const STREAM_PREFIXES = ['config', 'ticket'] as const;
