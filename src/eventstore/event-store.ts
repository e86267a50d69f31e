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
  appendToStream(streamId: string, events: NewEvent[], options?: { expectedRevision?: ExpectedRevision }): Promise<AppendResult>;
  /** Events of one stream in revision order; empty when the stream does not exist. */
  readStream(streamId: string, options?: { fromRevision?: bigint }): Promise<RecordedEvent[]>;
  /** Events of the global log strictly after `after` (from the start when omitted). */
  readAll(options?: { after?: LogPosition; maxCount?: number }): Promise<RecordedEvent[]>;
  /**
   * Delivers the global log strictly after `after` in order, in batches, then every new event
   * as it commits. The next batch is delivered only after the handler's promise resolved.
   */
  subscribe(options: { after?: LogPosition; maxBatch?: number }, handler: (batch: RecordedEvent[]) => Promise<void>): Subscription;
  /** The position after which events appended from now on come (the start when the log is empty). */
  headPosition(): Promise<LogPosition>;
  /** A stable id of this store (not of a connection): checkpoints are only valid for the store they were read from. */
  identity(): Promise<string>;
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
 * An append the store refuses for its size (EventStoreDB: 1 MiB by default, all events of one
 * append together). Nothing was stored; a multi-event append is atomic, so it is never split.
 */
export class AppendTooLargeError extends Error {
  constructor(
    readonly streamId: string,
    readonly size: number | undefined,
    readonly limit: number,
  ) {
    super(
      `Not saved: the events for ${streamId} take ${size === undefined ? 'more than' : `${size} bytes, over`} the ` +
        `${limit} bytes the event store accepts in one append. Make the change smaller (a configuration ` +
        `can be applied in several documents) or raise the server's MaxAppendSize.`,
    );
    this.name = 'AppendTooLargeError';
  }
}

/** The store did not answer (down, overloaded, no leader); the same call may succeed later. */
export class EventStoreUnavailableError extends Error {
  constructor(operation: string, options: { cause: unknown; mayHaveSaved?: boolean }) {
    super(
      `The event store is unavailable (${operation}: ${options.cause instanceof Error ? options.cause.message : String(options.cause)}). ` +
        (options.mayHaveSaved ? 'The change may have been saved; read it back before repeating it.' : 'Try again shortly.'),
      { cause: options.cause },
    );
    this.name = 'EventStoreUnavailableError';
  }
}

/** The store refuses this service's credentials: a deployment error, not the caller's. */
export class EventStoreAccessDeniedError extends Error {
  constructor(operation: string, options: { cause: unknown }) {
    super(
      `The event store denied access (${operation}). Its user needs read and write on this product's ` +
        'streams and read on $all (on EventStoreDB an admin, or an ACL granting them).',
      { cause: options.cause },
    );
    this.name = 'EventStoreAccessDeniedError';
  }
}

/** The stream was deleted for good (an EventStoreDB tombstone) outside this service. */
export class DeletedStreamError extends Error {
  constructor(readonly streamId: string) {
    super(`Stream ${streamId} was deleted in the event store and can be neither read nor written again.`);
    this.name = 'DeletedStreamError';
  }
}

/**
 * Every stream this product writes: `config`, `ticket-<id>`, `ticket_ids`, `ticket_sn-<yyyymmdd>`,
 * `ticket_idempotency-<app>-<sha256 prefix>`. The EventStoreDB adapter reads only these from a
 * `$all` that other products may share. Written to mean the same in JavaScript and .NET (the
 * server's filter): `[0-9]`, not `\d`, and `[\s\S]` for an app name with any character.
 */
export const PRODUCT_STREAM = /^(?:config|ticket-[0-9]+|ticket_ids|ticket_sn-[0-9]{8}|ticket_idempotency-[\s\S]+-[0-9a-f]{40})$/;
