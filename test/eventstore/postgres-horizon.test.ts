// Only event-store writers hold the log back: a transaction that holds a transaction id
// elsewhere on the server (another database, or an unrelated table of this one) no longer
// stops the projections, so commands keep their usual latency while it is open.
// Needs the real server: the embedded store has one connection, so nothing can be held open beside it.
import t, { type Test } from 'tap';
import pg from 'pg';
import { startApp, vpnTicket, type TestApp } from '../support/app.ts';
import { TEST_DATABASE_URL } from '../support/database.ts';

const HOLD_MS = 10_000;

/** Opens a transaction that has a transaction id and keeps it open until release(). */
async function holdTransaction(connectionString: string, write: string): Promise<{ release(): Promise<void> }> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  await client.query('begin');
  await client.query(write);
  return {
    async release() {
      await client.query('rollback');
      await client.end();
    },
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function timedCreate(t: Test, api: TestApp): Promise<number> {
  const started = performance.now();
  const created = await api.call('POST', '/api/v1.0/tickets', { body: vpnTicket() });
  const took = performance.now() - started;
  if (created.status !== 200) t.fail(`a create answered ${created.status} ${JSON.stringify(created.body)}`);
  return took;
}

t.test(
  'a foreign open transaction does not hold the projections back',
  { skip: TEST_DATABASE_URL ? false : 'needs TEST_DATABASE_URL (a second connection)' },
  async (t) => {
    const api = await startApp(t);
    const usual: number[] = [];
    for (let i = 0; i < 10; i++) usual.push(await timedCreate(t, api));
    const bound = 3 * median(usual) + 100;

    const otherDatabase = new URL(TEST_DATABASE_URL!);
    otherDatabase.pathname = '/postgres';
    const holders: [string, () => Promise<{ release(): Promise<void> }>][] = [
      ['another database', () => holdTransaction(otherDatabase.toString(), 'select txid_current()')],
      [
        'an unrelated table of the same database',
        async () => {
          const setup = new pg.Client({ connectionString: TEST_DATABASE_URL });
          await setup.connect();
          await setup.query(`create table if not exists ${api.db.schema}.unrelated (n int)`);
          await setup.end();
          return holdTransaction(TEST_DATABASE_URL!, `insert into ${api.db.schema}.unrelated values (1)`);
        },
      ],
    ];
    for (const [where, hold] of holders) {
      const held = await hold();
      const during: number[] = [];
      const until = performance.now() + HOLD_MS;
      try {
        while (performance.now() < until) during.push(await timedCreate(t, api));
      } finally {
        await held.release();
      }
      t.ok(during.length >= 10, `${during.length} creates answered while a transaction in ${where} was open for ${HOLD_MS / 1000} s`);
      t.ok(
        median(during) <= bound,
        `creates kept their usual latency with a transaction open in ${where}: median ${median(during).toFixed(1)} ms (usual ${median(usual).toFixed(1)} ms)`,
      );
    }
  },
);

t.test(
  'an appending transaction left open still holds later events back',
  { skip: TEST_DATABASE_URL ? false : 'needs TEST_DATABASE_URL (a second connection)' },
  async (t) => {
    const api = await startApp(t);
    const before = await api.runtime.store.appendToStream('ticket_test-markers', [{ type: 'TestMarkerAppended', data: {} }]);
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL, options: `-c search_path=${api.db.schema}` });
    await client.connect();
    await client.query('begin');
    await client.query(
      `select * from es_append('ticket_test-slow', 'any', array['Slow']::text[], array['{}']::jsonb[], array['{}']::jsonb[])`,
    );
    await api.runtime.store.appendToStream('ticket_test-fast', [{ type: 'Fast', data: {} }]);
    const held = await api.runtime.store.readAll({ after: before.position });
    t.notOk(
      held.some((e) => e.type === 'Fast'),
      'an event after an open append is not read yet',
    );
    await client.query('commit');
    await client.end();
    const read = (await api.runtime.store.readAll({ after: before.position })).map((e) => e.type);
    t.same(read, ['Slow', 'Fast'], 'once it commits, both are read, the earlier transaction first');
  },
);

t.test(
  'es_append refuses to run after another write in its transaction',
  { skip: TEST_DATABASE_URL ? false : 'needs TEST_DATABASE_URL' },
  async (t) => {
    const api = await startApp(t);
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL, options: `-c search_path=${api.db.schema}` });
    await client.connect();
    t.teardown(() => client.end());
    await client.query('begin');
    await client.query('create temporary table scratch (n int)');
    await client.query('insert into scratch values (1)');
    await t.rejects(
      client.query(`select * from es_append('ticket_test-late', 'any', array['Late']::text[], array['{}']::jsonb[], array['{}']::jsonb[])`),
      /first write of its transaction/,
      'a writer that already has a transaction id could be skipped, so it is refused',
    );
    await client.query('rollback');
  },
);

t.test(
  'concurrent writers do not let a foreign transaction hold the horizon',
  { skip: TEST_DATABASE_URL ? false : 'needs TEST_DATABASE_URL (several connections)' },
  async (t) => {
    const api = await startApp(t);
    const otherDatabase = new URL(TEST_DATABASE_URL!);
    otherDatabase.pathname = '/postgres';
    const foreign = new pg.Client({ connectionString: otherDatabase.toString() });
    await foreign.connect();
    await foreign.query('begin');
    const foreignXid = BigInt((await foreign.query('select txid_current() as x')).rows[0].x);
    const connect = async () => {
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL, options: `-c search_path=${api.db.schema}` });
      await client.connect();
      return client;
    };
    let stop = false;
    // Writers caught between their lock and their transaction id, or ending, must not send the
    // reader back to the oldest transaction of the server.
    const writers = [1, 2, 3, 4].map(async (n) => {
      const client = await connect();
      while (!stop)
        await client.query(`select * from es_append($1, 'any', array['E']::text[], array['{}']::jsonb[], array['{}']::jsonb[])`, [
          `ticket_test-w${n}`,
        ]);
      await client.end();
    });
    const reader = await connect();
    let reads = 0;
    let held = 0;
    for (const until = Date.now() + 3000; Date.now() < until; reads++) {
      if (BigInt((await reader.query('select es_horizon()::text as h')).rows[0].h) <= foreignXid) held++;
    }
    stop = true;
    await Promise.all(writers);
    await reader.end();
    await foreign.query('rollback');
    await foreign.end();
    t.ok(held <= reads / 100, `${held} of ${reads} horizon reads fell back to the foreign transaction`);
  },
);
