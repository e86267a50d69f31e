// Killing a projector (SIGKILL) in the middle of projecting and starting it again leaves
// the read models identical to a fresh rebuild from the log.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import t from 'tap';
import { readEnv } from '../../src/config/env.ts';
import { PostgresEventStore } from '../../src/eventstore/postgres/postgres-event-store.ts';
import { ProjectionRunner } from '../../src/projections/engine/projection-runner.ts';
import { applyStartupConfig, createRuntime, PROJECTIONS } from '../../src/runtime.ts';
import { createTicket } from '../../src/commands/create-ticket.ts';
import { createTestDatabase, TEST_DATABASE_URL } from '../support/database.ts';
import { dumpReadModels, endOfLog } from '../support/read-models.ts';

const skip = TEST_DATABASE_URL ? false : 'needs TEST_DATABASE_URL: a killed process must leave a real server behind';

t.test('a projector killed mid-batch resumes to the same rows as a fresh rebuild', { skip }, async (t) => {
  const live = await createTestDatabase();
  const shadow = await createTestDatabase();
  t.teardown(async () => {
    await live.drop();
    await shadow.drop();
  });

  // Write the log without projecting it.
  const runtime = await createRuntime(readEnv({}), { database: live.database, project: false });
  await applyStartupConfig(runtime, readEnv({})).catch(() => undefined);
  const creates = Array.from({ length: 400 }, (_, i) => i);
  for (let i = 0; i < creates.length; i += 20) {
    await Promise.all(
      creates.slice(i, i + 20).map((n) =>
        createTicket(runtime.commands, {
          workflowId: 2,
          transitionId: 7,
          creator: ['lilei', 'zhangsan', 'wangwu'][n % 3],
          app: 'demo',
          suggestion: `ticket ${n}`,
          values: { title: `vpn ${n}`, vpn_reason: `reason ${n}` },
          parentTicketId: 0,
          parentTicketStateId: 0,
        }),
      ),
    );
  }
  const end = await endOfLog(runtime.store);

  const checkpoint = async () => {
    const rows = await live.database.db.selectFrom('projection_checkpoints').select(['name', 'position_prepare']).execute();
    return rows.reduce(
      (min: number, r: { position_prepare: unknown }) => Math.min(min, Number(r.position_prepare)),
      Number.MAX_SAFE_INTEGER,
    );
  };

  let kills = 0;
  for (let attempt = 0; attempt < 3; attempt++) {
    const child = fork(new URL('../support/project-child.ts', import.meta.url), [TEST_DATABASE_URL!, live.schema!, '7'], {
      execArgv: ['--import=tsx'],
      stdio: 'ignore',
    });
    await once(child, 'message');
    const before = await checkpoint().catch(() => 0);
    // Kill as soon as it has made progress, which lands in the middle of its work.
    for (let i = 0; i < 400; i++) {
      const at = await checkpoint().catch(() => 0);
      if (at > before && at < Number(end.prepare)) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    const reached = await checkpoint();
    child.kill('SIGKILL');
    await once(child, 'exit');
    if (reached < Number(end.prepare)) kills++;
  }
  t.ok(kills >= 1, `the projector was killed before the end of the log ${kills} time(s)`);

  // Start again and let it finish.
  const resumed = new ProjectionRunner(live.database, runtime.store, PROJECTIONS, { batchSize: 50 });
  await resumed.start();
  await resumed.waitFor(end, 60_000);
  await resumed.stop();

  // A fresh rebuild of the same log into another schema.
  const rebuild = new ProjectionRunner(shadow.database, new PostgresEventStore(live.database), PROJECTIONS, { batchSize: 500 });
  await rebuild.start();
  await rebuild.waitFor(end, 60_000);
  await rebuild.stop();

  const [afterCrash, fresh] = await Promise.all([dumpReadModels(live.database.db), dumpReadModels(shadow.database.db)]);
  t.equal(afterCrash.tickets.length, 400, 'every ticket is there');
  t.equal(afterCrash.ticket_flow_logs.length, 400, 'every flow log is there, once');
  t.same(afterCrash, fresh, 'identical to the fresh rebuild');
  await runtime.close();
});
