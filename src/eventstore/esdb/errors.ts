// The client's errors (@eventstore/db-client CommandError classes) as the adapter-neutral
// errors of event-store.ts, so that none of them reaches the HTTP edge as a bare 500.
import {
  AccessDeniedError,
  CancelledError,
  DeadlineExceededError,
  MaxAppendSizeExceededError,
  NotLeaderError,
  StreamDeletedError,
  TimeoutError,
  UnavailableError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import {
  AppendTooLargeError,
  DeletedStreamError,
  EventStoreAccessDeniedError,
  EventStoreUnavailableError,
  WrongExpectedRevisionError,
  type ExpectedRevision,
} from '../event-store.ts';

/**
 * Failures after which the same call may succeed: the node is down or lost leadership (the
 * client then reconnects, to the new leader for NotLeader), or the deadline passed. For an
 * append the outcome is unknown: it may have been stored.
 */
export const isTransient = (error: unknown): boolean =>
  error instanceof UnavailableError ||
  error instanceof DeadlineExceededError ||
  error instanceof TimeoutError ||
  error instanceof CancelledError ||
  error instanceof NotLeaderError;

export interface Context {
  /** What was being done, for the message: `append to ticket-7`, `read $all`. */
  operation: string;
  streamId?: string;
  expected?: ExpectedRevision;
  appendSize?: number;
  /** An append whose first try failed transiently: it may be stored after all. */
  mayHaveSaved?: boolean;
}

/** The neutral error for a client error; anything else is returned unchanged. */
export function translate(error: unknown, context: Context): unknown {
  if (error instanceof WrongExpectedVersionError) {
    return new WrongExpectedRevisionError(context.streamId ?? error.streamName, context.expected ?? 'any', error.actualVersion);
  }
  if (error instanceof MaxAppendSizeExceededError) {
    return new AppendTooLargeError(context.streamId ?? '?', context.appendSize, error.maxAppendSize);
  }
  if (error instanceof StreamDeletedError) return new DeletedStreamError(context.streamId ?? error.streamName);
  if (error instanceof AccessDeniedError) return new EventStoreAccessDeniedError(context.operation, { cause: error });
  if (isTransient(error)) {
    return new EventStoreUnavailableError(context.operation, { cause: error, mayHaveSaved: context.mayHaveSaved });
  }
  return error;
}
