import t, { type Test } from 'tap';
import { readEnv } from '../../src/config/env.ts';
import { createTicket } from '../../src/commands/create-ticket.ts';
import { PostgresEventStore } from '../../src/eventstore/postgres/postgres-event-store.ts';
import { ProjectionRunner } from '../../src/projections/engine/projection-runner.ts';
import type { Projection } from '../../src/projections/projection.ts';
import { applyStartupConfig, createRuntime, PROJECTIONS } from '../../src/runtime.ts';
import { createTestDatabase, onRealPostgres } from '../support/database.ts';
import { dumpReadModels } from '../support/read-models.ts';

async function logWithTickets(t: Test, count: number) {
  const test = await createTestDatabase();
  t.teardown(() => test.drop());
  const runtime = await createRuntime(readEnv({}), { database: test.database, project: false });
  await applyStartupConfig(runtime, readEnv({})).catch(() => undefined);
  let last;
  for (let n = 0; n < count; n++) {
    last = await createTicket(runtime.commands, {
      workflowId: 1,
      transitionId: 1,
      creator: n % 2 ? 'lilei' : 'wangwu',
      app: 'demo',
      suggestion: '',
      values: { title: `leave ${n}`, leave_start: '2026-12-01', leave_end: '2026-12-02', leave_days: 2, leave_type: '1' },
      parentTicketId: 0,
      parentTicketStateId: 0,
    });
  }
  return { test, runtime, end: last!.appended.position };
}

t.test('handling events a second time leaves the same rows', async (t) => {
  const { test, runtime, end } = await logWithTickets(t, 5);
  const runner = new ProjectionRunner(test.database, runtime.store, PROJECTIONS);
  await runner.start();
  await runner.waitFor(end);
  await runner.stop();
  const once = await dumpReadModels(test.database.db);
  t.equal(once.tickets.length, 5);

  const events = await runtime.store.readAll({ maxCount: 10_000 });
  await test.database.db.transaction().execute(async (trx) => {
    for (const event of events) for (const projection of PROJECTIONS) await projection.apply(trx, event);
  });
  t.same(await dumpReadModels(test.database.db), once, 'replaying the whole log changed nothing');
});

t.test('a new projection version rebuilds its tables from the log', async (t) => {
  const { test, runtime, end } = await logWithTickets(t, 3);
  const first = new ProjectionRunner(test.database, runtime.store, PROJECTIONS);
  await first.start();
  await first.waitFor(end);
  await first.stop();
  const before = await dumpReadModels(test.database.db);
  await test.database.db.deleteFrom('tickets').where('id', '=', 1).execute();

  const bumped: Projection[] = PROJECTIONS.map((p) => (p.name === 'tickets' ? { ...p, version: p.version + 1 } : p));
  const second = new ProjectionRunner(test.database, runtime.store, bumped);
  await second.start();
  await second.waitFor(end);
  const status = await second.status();
  await second.stop();
  t.same(await dumpReadModels(test.database.db), before, 'the deleted row is back: the tables were rebuilt');
  t.equal(status.find((s) => s.name === 'tickets')?.version, PROJECTIONS.find((p) => p.name === 'tickets')!.version + 1);
});

t.test('read models projected from one event store are rebuilt when pointed at another', async (t) => {
  const first = await logWithTickets(t, 3);
  const runner = new ProjectionRunner(first.test.database, first.runtime.store, PROJECTIONS);
  await runner.start();
  await runner.waitFor(first.end);
  await runner.stop();
  t.equal((await dumpReadModels(first.test.database.db)).tickets.length, 3);

  // Another store with one ticket: its positions mean nothing next to the first one's checkpoints.
  const second = await logWithTickets(t, 1);
  const moved = new ProjectionRunner(first.test.database, second.runtime.store, PROJECTIONS);
  await moved.start();
  await moved.waitFor(second.end);
  await moved.stop();
  t.not(await first.runtime.store.identity(), await second.runtime.store.identity(), 'two stores, two identities');
  const own = new ProjectionRunner(second.test.database, second.runtime.store, PROJECTIONS);
  await own.start();
  await own.waitFor(second.end);
  await own.stop();
  t.same(
    await dumpReadModels(first.test.database.db),
    await dumpReadModels(second.test.database.db),
    'the rows are those of the store now read',
  );
});

t.test('a projection that starts at the end sees only what comes after it first ran', async (t) => {
  const { test, runtime } = await logWithTickets(t, 2);
  const seen: string[] = [];
  const tail: Projection = {
    name: 'tail',
    version: 1,
    tables: [],
    startsAtEnd: true,
    createTables: async () => undefined,
    apply: async (_trx, event) => void seen.push(event.type),
  };
  const runner = new ProjectionRunner(test.database, runtime.store, [tail]);
  await runner.start();
  const later = await runtime.store.appendToStream('ticket_test-markers', [{ type: 'AfterStart', data: {} }]);
  await runner.waitFor(later.position);
  await runner.stop();
  t.same(seen, ['AfterStart'], 'none of the two tickets created before, only the event after');
});

t.test('waiting for a position that the projections never reach is a clear error', async (t) => {
  const { test, runtime, end } = await logWithTickets(t, 1);
  const runner = new ProjectionRunner(test.database, runtime.store, PROJECTIONS);
  await runner.start();
  await runner.waitFor(end);
  await t.rejects(runner.waitFor({ commit: end.commit + 1000n, prepare: end.prepare + 1000n }, 100), {
    code: 'read_model_lagging',
    message: /not caught up/,
  });
  await runner.stop();
});

t.test(
  'one instance per projection across processes; a standby takes over',
  { skip: onRealPostgres ? false : 'PGlite belongs to one process' },
  async (t) => {
    const { test, runtime, end } = await logWithTickets(t, 2);
    const otherProcess = test.connectAgain();
    const a = new ProjectionRunner(test.database, runtime.store, PROJECTIONS, { leaseRetryMs: 50 });
    const b = new ProjectionRunner(otherProcess, new PostgresEventStore(otherProcess), PROJECTIONS, { leaseRetryMs: 50 });
    await a.start();
    await b.start();
    t.same(
      (await a.status()).map((s) => s.leader),
      [true, true, true],
      'the first instance leads every projection',
    );
    t.same(
      (await b.status()).map((s) => s.leader),
      [false, false, false],
      'the second stands by',
    );
    await b.waitFor(end);
    t.pass('a standby still answers read-your-writes from the shared checkpoints');

    await a.stop();
    const more = await createTicket(runtime.commands, {
      workflowId: 1,
      transitionId: 2,
      creator: 'lilei',
      app: 'demo',
      suggestion: '',
      values: { title: 'after failover', leave_start: '2026-12-01', leave_end: '2026-12-02', leave_days: 2, leave_type: '1' },
      parentTicketId: 0,
      parentTicketStateId: 0,
    });
    await b.waitFor(more.appended.position, 5000);
    t.same(
      (await b.status()).map((s) => s.leader),
      [true, true, true],
      'the standby took over',
    );
    const row = await test.database.db.selectFrom('tickets').select('title').where('id', '=', more.ticketId).executeTakeFirst();
    t.equal(row?.title, 'after failover');
    await b.stop();
  },
);
