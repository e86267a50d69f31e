// The bench's command line: what to seed, how long and how hard to load, which store.
import { Command, InvalidArgumentError, Option } from 'commander';

export const OPERATIONS = ['detail', 'list-all', 'list-duty', 'flowlogs', 'create', 'handle'] as const;
export type Operation = (typeof OPERATIONS)[number];

export interface BenchOptions {
  tickets: number;
  duration: number;
  warmup: number;
  connections: number;
  seedConnections: number;
  operations: Operation[];
  store: 'postgres' | 'embedded';
  databaseUrl: string;
  keep: boolean;
  profile: Operation[];
  logLevel: string;
  out: string;
}

const positive = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a whole number`);
  return n;
};

const operationList = (value: string): Operation[] => {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const name of names) {
    if (!(OPERATIONS as readonly string[]).includes(name))
      throw new InvalidArgumentError(`unknown operation "${name}" (one of ${OPERATIONS.join(', ')})`);
  }
  return names as Operation[];
};

export function parseOptions(argv: string[]): BenchOptions {
  const program = new Command()
    .name('npm run bench --')
    .description(
      'Load benchmark of the API as a separate process: seed through the API, load it with autocannon, measure the machine ceiling.',
    )
    .option('-t, --tickets <n>', 'tickets to seed through the API before measuring', positive('--tickets'), 100_000)
    .option('-d, --duration <s>', 'seconds of load per operation', positive('--duration'), 10)
    .option('-w, --warmup <s>', 'seconds of unmeasured load before each operation (JIT, caches)', positive('--warmup'), 1)
    .option('-c, --connections <n>', 'concurrent connections of the load and of the insert ceiling', positive('--connections'), 16)
    .option('--seed-connections <n>', 'concurrent tickets while seeding', positive('--seed-connections'), 32)
    .option('-o, --operations <list>', `operations to measure, comma separated`, operationList, [...OPERATIONS])
    .addOption(
      new Option('-s, --store <store>', 'where the API keeps events and read models').choices(['postgres', 'embedded']).default('postgres'),
    )
    .option(
      '--database-url <url>',
      'PostgreSQL server (a fresh schema is made in it)',
      process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    )
    .option('--keep', 'keep the seeded schema (or data directory) afterwards', false)
    .option(
      '--profile <list>',
      'also take a CPU profile of the API during these operations (a separate, unmeasured pass)',
      operationList,
      [],
    )
    // Request logging at info costs the API two JSON lines per request; the figures are the engine's.
    .option('--log-level <level>', 'LOG_LEVEL of the API process', 'warn')
    .option('--out <dir>', 'where the JSON result goes', 'bench/results')
    .showHelpAfterError();
  program.parse(argv, { from: 'node' });
  return program.opts<BenchOptions>();
}
