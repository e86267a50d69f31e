// A $all subscription that survives dropped connections: when the client's subscription fails
// (node restarted, leader changed, network) it is opened again from the last position the
// handler finished, after a backoff, so that the projection runner never sees the drop. The
// connection is injected (`open`) so that a unit test can drive this with fake batches.
import { setTimeout as sleep } from 'node:timers/promises';
import { UnknownError } from '@eventstore/db-client';
import { comparePositions, EventStoreUnavailableError, type LogPosition, type RecordedEvent, type Subscription } from '../event-store.ts';
import { isTransient, translate } from './errors.ts';
import { isProductStream, realPosition, toRecorded, type EsdbRecord } from './records.ts';

/** One subscription on the server: batches of what it delivers, in log order. */
export interface Feed extends AsyncIterable<EsdbRecord[]> {
  /** Must be safe to call twice and after a failure. */
  close(): Promise<void>;
}

export interface Backoff {
  firstDelayMs: number;
  maxDelayMs: number;
  /** Failed opens in a row after which `done` rejects (the runner then reports and retries). */
  attempts: number;
}

// 0.1 s doubling to 5 s: about 25 s of trying before the runner is told.
export const DEFAULT_BACKOFF: Backoff = { firstDelayMs: 100, maxDelayMs: 5000, attempts: 10 };

const OPERATION = 'subscribe to $all';

/** Wraps what the handler threw, which ends the subscription instead of resubscribing. */
class HandlerFailed {
  constructor(readonly error: unknown) {}
}

// RST_STREAM and other transport resets come out of the client as UnknownError.
const resubscribable = (error: unknown) => isTransient(error) || error instanceof UnknownError;

export function resubscribing(
  open: (after: LogPosition | undefined) => Feed,
  from: LogPosition | undefined,
  handler: (batch: RecordedEvent[]) => Promise<void>,
  backoff: Backoff = DEFAULT_BACKOFF,
): Subscription {
  let closed = false;
  let feed: Feed | undefined;
  const stopped = new AbortController();

  const run = async (): Promise<void> => {
    let after = from;
    let failures = 0;
    for (;;) {
      const opened = Date.now();
      let cause: unknown = new Error('the server ended the subscription');
      feed = open(after);
      try {
        for await (const raw of feed) {
          if (closed) return;
          failures = 0;
          const batch: RecordedEvent[] = [];
          let last = after;
          for (const e of raw) {
            const position = realPosition(e.position);
            if (position && last && comparePositions(position, last) <= 0) continue; // strictly after
            if (isProductStream(e.streamId)) batch.push(toRecorded(e));
            if (position) last = position;
          }
          if (batch.length > 0) await handler(batch).catch((error) => Promise.reject(new HandlerFailed(error)));
          after = last;
        }
      } catch (error) {
        if (closed) return; // cancellation noise after close()
        if (error instanceof HandlerFailed) throw error.error;
        if (!resubscribable(error)) throw translate(error, { operation: OPERATION });
        cause = error;
      } finally {
        await feed.close().catch(() => {});
      }
      if (closed) return;
      if (Date.now() - opened >= backoff.maxDelayMs) failures = 0; // it was up for a while: a new outage
      if (++failures > backoff.attempts) throw new EventStoreUnavailableError(OPERATION, { cause });
      const delay = Math.min(backoff.firstDelayMs * 2 ** (failures - 1), backoff.maxDelayMs);
      await sleep(delay, undefined, { signal: stopped.signal }).catch(() => {});
      if (closed) return;
    }
  };

  const done = run();
  done.catch(() => {}); // an unobserved failure must not crash the process; callers await `done`

  return {
    done,
    close: async () => {
      if (!closed) {
        closed = true;
        stopped.abort();
        await feed?.close().catch(() => {}); // wakes a loop waiting for the next batch
      }
      await done.catch(() => {}); // resolves once the handler in flight returned
    },
  };
}
