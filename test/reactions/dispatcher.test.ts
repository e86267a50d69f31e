// The dispatcher of reactions on a real database and event store: work runs in log order
// within a stream and concurrently across streams, a slow stream delays nobody else, work due
// later waits for its time, a failed try is tried again, and work left over by a stopped
// process is done by the next one.
import t, { type Test } from 'tap';
import { PostgresEventStore } from '../../src/eventstore/postgres/postgres-event-store.ts';
import { createEventStoreSchema } from '../../src/eventstore/postgres/schema.ts';
import type { LogPosition } from '../../src/eventstore/event-store.ts';
import { ProjectionRunner } from '../../src/projections/engine/projection-runner.ts';
import type { Projection } from '../../src/projections/projection.ts';
import { ReactionDispatcher, type Reaction } from '../../src/reactions/engine/dispatcher.ts';
import { completeWork, createDueWorkTable, scheduleWork, type DueWork } from '../../src/reactions/engine/due-work.ts';
import { createTestDatabase } from '../support/database.ts';

const TABLE = 'reaction_test_work';

interface Requested {
  label: string;
  /** How long doing it takes. */
  ms?: number;
  /** Due this many ms after it was requested. */
  dueInMs?: number;
  /** Fails this many times before it succeeds. */
  failures?: number;
}

const testWork: Projection = {
  name: 'test_work',
  version: 1,
  tables: [TABLE],
  createTables: (db) => createDueWorkTable(db, TABLE),
  async apply(trx, event) {
    if (event.type === 'TestWorkRequested') {
      const data = event.data as Requested;
      const id = `${event.streamId}@${event.position.commit}/${event.position.prepare}`;
      await scheduleWork(trx, TABLE, event, { id, dueAt: new Date(event.recordedAt.getTime() + (data.dueInMs ?? 0)), payload: data });
    }
    if (event.type === 'TestWorkDone') await completeWork(trx, TABLE, (event.data as { workId: string }).workId);
  },
};

async function setUp(t: Test, concurrency = 4) {
  const test = await createTestDatabase();
  await createEventStoreSchema(test.database.db);
  const store = new PostgresEventStore(test.database, { pollIntervalMs: 20 });
  const runner = new ProjectionRunner(test.database, store, [testWork]);
  await runner.start();
  const log: { label: string; event: 'start' | 'end'; at: number }[] = [];
  const tries = new Map<string, number>();
  let running = 0;
  let mostAtOnce = 0;
  const reaction: Reaction = {
    name: 'test',
    projection: testWork,
    table: TABLE,
    concurrency,
    async perform(work: DueWork) {
      const data = work.payload as Requested;
      const tried = (tries.get(work.id) ?? 0) + 1;
      tries.set(work.id, tried);
      if (tried <= (data.failures ?? 0)) throw new Error(`${data.label} failed on try ${tried}`);
      running++;
      mostAtOnce = Math.max(mostAtOnce, running);
      log.push({ label: data.label, event: 'start', at: performance.now() });
      await new Promise((resolve) => setTimeout(resolve, data.ms ?? 0));
      log.push({ label: data.label, event: 'end', at: performance.now() });
      running--;
      const done = await store.appendToStream(work.streamId, [{ type: 'TestWorkDone', data: { workId: work.id } }]);
      return done.position;
    },
  };
  const errors: unknown[] = [];
  const dispatcher = () =>
    new ReactionDispatcher(
      {
        database: test.database,
        clock: () => new Date(),
        waitForProjections: (p) => runner.waitFor(p),
        onError: (_r, e) => errors.push(e),
        pollMs: 20,
        pauseAfterErrorMs: 50,
      },
      [reaction],
    );
  t.teardown(async () => {
    await runner.stop();
    await test.drop();
  });
  const request = async (stream: string, ...work: Requested[]): Promise<LogPosition> => {
    let last!: LogPosition;
    for (const w of work) last = (await store.appendToStream(stream, [{ type: 'TestWorkRequested', data: w }])).position;
    return last;
  };
  const settled = async (labels: number) => {
    const deadline = Date.now() + 15_000;
    while (log.filter((l) => l.event === 'end').length < labels && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  };
  return { test, store, runner, log, errors, dispatcher, request, settled, mostAtOnce: () => mostAtOnce };
}

const order = (log: { label: string; event: string }[], prefix: string) =>
  log.filter((l) => l.event === 'end' && l.label.startsWith(prefix)).map((l) => l.label);

t.test('in log order within a stream, side by side across streams, within the concurrency', async (t) => {
  const s = await setUp(t, 3);
  const d = s.dispatcher();
  d.start();
  t.teardown(() => d.stop());
  for (const stream of ['a', 'b', 'c', 'd', 'e']) {
    await s.request(`ticket-${stream.charCodeAt(0)}`, ...[1, 2, 3].map((n) => ({ label: `${stream}${n}`, ms: 30 })));
  }
  await s.settled(15);
  for (const stream of ['a', 'b', 'c', 'd', 'e'])
    t.same(order(s.log, stream), [`${stream}1`, `${stream}2`, `${stream}3`], `stream ${stream} in order`);
  t.ok(s.mostAtOnce() > 1, `${s.mostAtOnce()} at once across streams`);
  t.ok(s.mostAtOnce() <= 3, 'never more than the concurrency');
});

t.test('a slow stream delays only itself', async (t) => {
  const s = await setUp(t, 4);
  const d = s.dispatcher();
  d.start();
  t.teardown(() => d.stop());
  await s.request('ticket-1', { label: 'slow1', ms: 1500 }, { label: 'slow2' });
  await new Promise((r) => setTimeout(r, 100));
  const started = performance.now();
  await s.request('ticket-2', ...Array.from({ length: 10 }, (_, i) => ({ label: `fast${i}`, ms: 5 })));
  const deadline = Date.now() + 10_000;
  while (order(s.log, 'fast').length < 10 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  const fastDone = s.log.filter((l) => l.label.startsWith('fast') && l.event === 'end').map((l) => l.at - started);
  t.equal(fastDone.length, 10);
  t.same(order(s.log, 'slow'), [], `the other stream finished in ${Math.round(Math.max(...fastDone))} ms while the slow one still ran`);
  await s.settled(12);
  t.same(order(s.log, 'slow'), ['slow1', 'slow2']);
  const slow1 = s.log.find((l) => l.label === 'slow1' && l.event === 'end')!;
  const slow2 = s.log.find((l) => l.label === 'slow2' && l.event === 'start')!;
  t.ok(slow2.at >= slow1.at, "the slow stream's next work waited for the first");
});

t.test('work due later waits for its time; a failed try is tried again', async (t) => {
  const s = await setUp(t);
  const d = s.dispatcher();
  d.start();
  t.teardown(() => d.stop());
  const requested = performance.now();
  await s.request('ticket-1', { label: 'later', dueInMs: 400 });
  await s.request('ticket-2', { label: 'flaky', failures: 2 });
  await s.settled(2);
  const later = s.log.find((l) => l.label === 'later' && l.event === 'start')!;
  t.ok(later.at - requested >= 380, `started ${Math.round(later.at - requested)} ms after it was requested`);
  t.ok(
    s.log.some((l) => l.label === 'flaky' && l.event === 'end'),
    'done on the third try',
  );
  t.equal(s.errors.length, 2, 'each failed try is reported');
});

t.test('work a stopped dispatcher left is done by the next one', async (t) => {
  const s = await setUp(t, 1);
  const first = s.dispatcher();
  first.start();
  await s.request('ticket-1', { label: 'one', ms: 200 }, { label: 'two' }, { label: 'three' });
  await new Promise((r) => setTimeout(r, 100));
  await first.stop();
  t.same(order(s.log, ''), ['one'], 'the work in flight finished before the stop');
  const second = s.dispatcher();
  second.start();
  t.teardown(() => second.stop());
  await s.settled(3);
  t.same(order(s.log, ''), ['one', 'two', 'three'], 'nothing lost, nothing done twice');
});
