// npm run bench: the API as a separate process on the PostgreSQL server (or the embedded
// store), seeded through its HTTP API, loaded over loopback with autocannon, beside the
// machine's own ceiling for one durable write. See docs/performance.md for the method.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { measureCeiling } from './ceiling.ts';
import { startLagSampler } from './lag.ts';
import { measure } from './load.ts';
import { describeMachine, idleShare } from './machine.ts';
import { parseOptions, type Operation } from './options.ts';
import { profileDuring } from './profile.ts';
import { measureRebuild } from './rebuild.ts';
import { markdown, writeResult, type BenchResult } from './report.ts';
import { poolPlan, realisticPlan, seedTickets, type Seeded } from './seed.ts';
import { startApi, type ApiProcess } from './server-process.ts';

const options = parseOptions(process.argv);
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const schema = `bench_${stamp.slice(0, 19).replace(/[-T]/g, '').toLowerCase()}_${process.pid}`;
const postgres = options.store === 'postgres';
await mkdir(options.out, { recursive: true });
const dataDir = await mkdtemp(join(tmpdir(), 'flowledger-bench-'));
const env: Record<string, string> = {
  DATA_DIR: dataDir,
  LOG_LEVEL: options.logLevel,
  ...(postgres ? { DATABASE_URL: options.databaseUrl, DATABASE_SCHEMA: schema } : {}),
};
const say = (line: string) => console.log(line);

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: options.databaseUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** The ceiling needs the server even for an embedded run: it is the machine's limit, not the store's. */
const serverReachable = await admin(async () => true).catch(() => false);
if (postgres && !serverReachable) throw new Error(`cannot reach ${options.databaseUrl}; start PostgreSQL or pass --store embedded`);
const ceilingSchema = postgres ? schema : `${schema}_ceiling`;
if (serverReachable) await admin((c) => c.query(`create schema ${ceilingSchema}`));

let commit = 'unknown';
try {
  commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  if (execFileSync('git', ['status', '--porcelain', '--untracked-files=no', 'src'], { encoding: 'utf8' }).trim())
    commit += ' (src modified)';
} catch {
  // not a git checkout
}

const result: BenchResult = {
  date: new Date().toISOString(),
  commit,
  machine: describeMachine(),
  options,
  store: postgres ? `PostgreSQL server (${options.databaseUrl.replace(/\/\/[^@]*@/, '//')}, schema ${schema})` : 'embedded store',
  seeding: undefined as never,
  handlePoolTopUp: [],
  ceiling: null,
  operations: [],
  lag: null,
  rebuild: null,
  rss: { afterSeedingBytes: null, duringLoadBytes: null },
  profiles: [],
  hadErrors: false,
  notes: [],
};

let api: ApiProcess | undefined;
// Ctrl-C: stop the API, which fails the requests in flight and so reaches the clean-up below.
process.once('SIGINT', () => {
  say('interrupted: stopping the API and dropping the schema');
  void api?.stop();
});
try {
  await measureAll();
  if (result.seeding) {
    const idleBefore = await idleShare();
    say(`rebuilding every read model from the log (idle before ${pct(idleBefore)})`);
    result.rebuild = { idleBefore, figure: await measureRebuild(env) };
  }
} finally {
  if (!options.keep) {
    if (serverReachable)
      await admin((c) =>
        c.query(
          `drop schema if exists ${ceilingSchema} cascade; drop schema if exists ${schema}__rebuild cascade; drop schema if exists ${schema} cascade`,
        ),
      );
    await rm(dataDir, { recursive: true, force: true });
  } else say(`kept: ${postgres ? `schema ${schema}` : `data directory ${dataDir}`}`);
}

const file = await writeResult(options.out, stamp, result);
console.log(`\n${markdown(result)}\nresult: ${file}`);
if (result.hadErrors) process.exitCode = 1;

/** Everything measured against the running API; it is stopped at the end, whatever happens. */
async function measureAll() {
  try {
    say(`starting the API (${result.store}); its log: ${options.out}/${stamp}-api.log`);
    api = await startApi({ env, logFile: join(options.out, `${stamp}-api.log`), inspect: options.profile.length > 0 });
    say(`API pid ${api.pid} answering at ${api.url}`);

    const seeded: Seeded = { ids: [], creators: [], handlePool: [] };
    say(`seeding ${options.tickets} tickets through the API with ${options.seedConnections} concurrent tickets`);
    const idleBeforeSeeding = await idleShare();
    const seeding = await seedTickets(
      api.url,
      { count: options.tickets, connections: options.seedConnections, plan: realisticPlan },
      seeded,
    );
    result.seeding = { idleBefore: idleBeforeSeeding, figure: seeding };
    say(
      `seeded ${seeding.tickets} tickets (${seeding.requests} requests) in ${seeding.seconds.toFixed(1)} s: ${seeding.ticketsPerSecond.toFixed(0)} tickets/s, ${seeding.requestsPerSecond.toFixed(0)} requests/s`,
    );
    result.rss.afterSeedingBytes = await api.peakRss();
    if (!(await api.resetPeak())) result.notes.push('The peak RSS could not be reset after seeding: the load peak includes seeding.');

    if (serverReachable) {
      const idleBefore = await idleShare();
      say(`measuring the insert ceiling (${options.connections} clients, ${options.duration} s, idle before ${pct(idleBefore)})`);
      result.ceiling = {
        idleBefore,
        figure: await measureCeiling(options.databaseUrl, ceilingSchema, { connections: options.connections, duration: options.duration }),
      };
    }

    let offset = options.tickets;
    /** Enough tickets waiting for admin's vote for a handle run, topped up through the API. */
    const ensurePool = async () => {
      const create = result.operations.find((o) => o.figure.operation === 'create')?.figure.perSecond;
      // At most as fast as twice a create or the seeding rate: a handle is one command like a create.
      const rate = Math.max(create ?? 0, seeding.requestsPerSecond) * 2;
      const need = Math.ceil(rate * (options.duration + options.warmup)) + options.connections * 4;
      if (seeded.handlePool.length >= need) return;
      const count = need - seeded.handlePool.length;
      say(`topping up the handle pool with ${count} tickets`);
      result.handlePoolTopUp.push(
        await seedTickets(api!.url, { count, connections: options.seedConnections, plan: poolPlan, offset, label: 'handle pool' }, seeded),
      );
      offset += count;
    };

    const load = (operation: Operation, warmup = options.warmup) =>
      measure(api!.url, operation, seeded, { connections: options.connections, duration: options.duration, warmup });
    for (const operation of options.operations) {
      if (operation === 'handle') await ensurePool();
      const idleBefore = await idleShare();
      const sampler = operation === 'create' && postgres ? await startLagSampler(options.databaseUrl, schema) : undefined;
      const figure = await load(operation);
      if (sampler) result.lag = await sampler.stop();
      const writes = operation === 'create' || operation === 'handle';
      const ceilingRatio = writes && result.ceiling ? figure.perSecond / result.ceiling.figure.perSecond : null;
      result.operations.push({ idleBefore, figure, ceilingRatio });
      const bad = figure.non2xx + figure.errors + figure.timeouts;
      if (bad) result.hadErrors = true;
      say(
        `${operation.padEnd(10)} ${figure.perSecond.toFixed(0).padStart(6)} req/s  p50 ${figure.p50Ms.toFixed(1)} ms  p99 ${figure.p99Ms.toFixed(1)} ms` +
          `${bad ? `  ${bad} NOT 2xx ${JSON.stringify(figure.statusCodes)}` : ''}  (idle before ${pct(idleBefore)})`,
      );
    }
    if (!postgres && options.operations.includes('create'))
      result.notes.push('Projector lag is not measured on the embedded store: its database lives inside the API process.');
    result.rss.duringLoadBytes = await api.peakRss();

    for (const operation of options.profile) {
      if (operation === 'handle') await ensurePool();
      say(`profiling the API during ${operation} (unmeasured pass)`);
      const url = api.inspectorUrl;
      if (!url) throw new Error('the API printed no inspector address');
      result.profiles.push(
        await profileDuring(url, operation, join(options.out, `${stamp}-${operation}.cpuprofile`), () => load(operation, 0)),
      );
    }
  } finally {
    if (api) {
      say('stopping the API');
      await api.stop();
    }
  }
}

function pct(x: number | null) {
  return x === null ? 'n/a' : `${Math.round(x * 100)}%`;
}
