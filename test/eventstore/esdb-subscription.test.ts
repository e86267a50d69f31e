// The EventStoreDB adapter's resubscribing loop, driven by fake feeds in place of the client's
// subscription: each open plays a script of batches and then fails, ends or waits.
import t from 'tap';
import { AccessDeniedError, UnavailableError } from '@eventstore/db-client';
import {
  EventStoreAccessDeniedError,
  EventStoreUnavailableError,
  type LogPosition,
  type RecordedEvent,
} from '../../src/eventstore/event-store.ts';
import type { EsdbRecord } from '../../src/eventstore/esdb/records.ts';
import { resubscribing, type Backoff, type Feed } from '../../src/eventstore/esdb/subscription.ts';

interface Script {
  batches: EsdbRecord[][];
  /** After the batches: fail with this error, end, or wait until closed. */
  then: Error | 'end' | 'wait';
  closeRejects?: boolean;
}

function fakeServer(scripts: Script[]) {
  const opens: (LogPosition | undefined)[] = [];
  const open = (after: LogPosition | undefined): Feed => {
    opens.push(after);
    const script = scripts.shift() ?? { batches: [], then: 'wait' };
    let closed!: () => void;
    const whenClosed = new Promise<void>((resolve) => (closed = resolve));
    return {
      async *[Symbol.asyncIterator]() {
        for (const batch of script.batches) yield batch;
        if (script.then === 'wait') return await whenClosed;
        if (script.then !== 'end') throw script.then;
      },
      close: async () => {
        closed();
        if (script.closeRejects) throw new Error('the subscription never opened');
      },
    };
  };
  return { open, opens };
}

const at = (n: number): LogPosition => ({ commit: BigInt(n), prepare: BigInt(n) });
const rec = (streamId: string, n: number | LogPosition): EsdbRecord => ({
  streamId,
  id: `id-${String(n)}`,
  revision: 0n,
  position: typeof n === 'number' ? at(n) : n,
  type: 'Happened',
  data: { n },
  metadata: { actor: 'tester' },
  created: new Date(),
});

const quick: Backoff = { firstDelayMs: 5, maxDelayMs: 40, attempts: 3 };

function collecting() {
  const seen: RecordedEvent[] = [];
  return { seen, handler: async (batch: RecordedEvent[]) => void seen.push(...batch) };
}

const until = async (check: () => boolean, ms = 2000) => {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 2));
};

t.test('a dropped subscription is opened again from the last position the handler finished', async (t) => {
  const server = fakeServer([
    { batches: [[rec('ticket-1', 10), rec('ticket-2', 20)]], then: new UnavailableError() },
    { batches: [[rec('ticket-2', 20), rec('ticket-1', 30)]], then: 'wait' }, // the server repeats 20: dropped here
  ]);
  const { seen, handler } = collecting();
  const started = Date.now();
  const subscription = resubscribing(server.open, at(5), handler, quick);
  await until(() => seen.length >= 3);
  t.same(
    seen.map((e) => e.position.commit),
    [10n, 20n, 30n],
    'each event once, in order',
  );
  t.same(server.opens, [at(5), at(20)], 'resumed after the last delivered position');
  t.ok(Date.now() - started >= quick.firstDelayMs, 'after a backoff');
  await subscription.close();
  await subscription.done;
  t.pass('done resolved: the runner never saw the drop');
});

t.test('a subscription the server ends is opened again too', async (t) => {
  const server = fakeServer([
    { batches: [[rec('config', 10)]], then: 'end' },
    { batches: [[rec('config', 11)]], then: 'wait' },
  ]);
  const { seen, handler } = collecting();
  const subscription = resubscribing(server.open, undefined, handler, quick);
  await until(() => seen.length >= 2);
  t.same(server.opens, [undefined, at(10)]);
  await subscription.close();
});

t.test('the delay doubles, and after the attempts in a row done rejects as unavailable', async (t) => {
  const down = () => ({ batches: [], then: new UnavailableError() });
  const server = fakeServer([down(), down(), down(), down(), down()]);
  const started = Date.now();
  const subscription = resubscribing(server.open, at(1), collecting().handler, quick);
  await t.rejects(subscription.done, EventStoreUnavailableError);
  t.equal(server.opens.length, quick.attempts + 1, 'the first open and one per attempt');
  t.ok(Date.now() - started >= 5 + 10 + 20, 'waited 5, 10 and 20 ms between them');
  t.same(server.opens, [at(1), at(1), at(1), at(1)]);
  await subscription.close();
});

t.test('a delivered batch starts the count of failures again', async (t) => {
  const blip = (n: number) => ({ batches: [[rec('ticket-1', n)]], then: new UnavailableError() });
  const server = fakeServer([blip(1), blip(2), blip(3), blip(4), blip(5), { batches: [], then: 'wait' }]);
  const { seen, handler } = collecting();
  const subscription = resubscribing(server.open, undefined, handler, quick);
  await until(() => server.opens.length >= 6);
  t.equal(seen.length, 5, 'five drops, each after progress, never give up');
  await subscription.close();
  await subscription.done;
});

t.test("the handler's failure ends the subscription without resubscribing", async (t) => {
  const server = fakeServer([{ batches: [[rec('ticket-1', 10)]], then: 'wait' }]);
  const subscription = resubscribing(server.open, undefined, async () => Promise.reject(new Error('projection bug')), quick);
  await t.rejects(subscription.done, { message: 'projection bug' });
  t.equal(server.opens.length, 1);
  await subscription.close();
});

t.test('access denied is a deployment error: not retried, reported as such', async (t) => {
  const server = fakeServer([{ batches: [], then: new AccessDeniedError() }]);
  const subscription = resubscribing(server.open, undefined, collecting().handler, quick);
  await t.rejects(subscription.done, EventStoreAccessDeniedError);
  t.equal(server.opens.length, 1);
});

t.test('only product streams strictly after the start are delivered; foreign ones still move the resume point', async (t) => {
  const server = fakeServer([
    {
      batches: [[rec('ticket-1', 5), rec('tickets-x', 15), rec('$ce-ticket', 16), rec('ticket-1', 30), rec('configuration', 40)]],
      then: new UnavailableError(),
    },
    { batches: [], then: 'wait' },
  ]);
  const { seen, handler } = collecting();
  const subscription = resubscribing(server.open, at(10), handler, quick);
  await until(() => server.opens.length >= 2);
  t.same(
    seen.map((e) => [e.streamId, e.position.commit]),
    [['ticket-1', 30n]],
  );
  t.same(server.opens[1], at(40), 'the filtered-out tail is not read again');
  await subscription.close();
});

t.test('a product event without a position fails the subscription instead of being delivered', async (t) => {
  const server = fakeServer([{ batches: [[rec('ticket-1', { commit: 0n, prepare: 0n })]], then: 'wait' }]);
  const { seen, handler } = collecting();
  const subscription = resubscribing(server.open, undefined, handler, quick);
  await t.rejects(subscription.done, /no position/);
  t.equal(seen.length, 0);
});

t.test('close() resolves at once during a backoff, and when the feed fails to close', async (t) => {
  const server = fakeServer([{ batches: [], then: new UnavailableError(), closeRejects: true }]);
  const subscription = resubscribing(server.open, undefined, collecting().handler, {
    firstDelayMs: 10_000,
    maxDelayMs: 10_000,
    attempts: 3,
  });
  await until(() => server.opens.length >= 1);
  await new Promise((r) => setTimeout(r, 10));
  const started = Date.now();
  await subscription.close();
  await subscription.done;
  t.ok(Date.now() - started < 1000, 'did not wait for the backoff');
  t.equal(server.opens.length, 1, 'and did not open again');
});

t.test('close() resolves after the subscription already failed, twice', async (t) => {
  const server = fakeServer([{ batches: [], then: new AccessDeniedError(), closeRejects: true }]);
  const subscription = resubscribing(server.open, undefined, collecting().handler, quick);
  await t.rejects(subscription.done);
  await subscription.close();
  await subscription.close();
  t.pass();
});

t.test('close() waits for the handler in flight', async (t) => {
  const server = fakeServer([{ batches: [[rec('ticket-1', 1)], [rec('ticket-1', 2)]], then: 'wait' }]);
  let finished = 0;
  let entered!: () => void;
  const inHandler = new Promise<void>((r) => (entered = r));
  const subscription = resubscribing(
    server.open,
    undefined,
    async () => {
      entered();
      await new Promise((r) => setTimeout(r, 30));
      finished++;
    },
    quick,
  );
  await inHandler;
  await subscription.close();
  t.equal(finished, 1, 'the batch in flight finished, the next one was not started');
});
