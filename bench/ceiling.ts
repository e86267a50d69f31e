// The machine's ceiling for one durable command: single-row INSERT transactions (begin;
// insert; commit, each commit waiting for the WAL flush) from Node at the same concurrency
// as the load, into a scratch table of the bench schema, for the same duration.
import pg from 'pg';
import { figureOf, type Figure } from './stats.ts';

export interface CeilingFigure extends Figure {
  connections: number;
  /** The server's settings that decide whether a commit is durable. */
  fsync: string;
  synchronousCommit: string;
}

export async function measureCeiling(
  databaseUrl: string,
  schema: string,
  options: { connections: number; duration: number },
): Promise<CeilingFigure> {
  const clients = await Promise.all(
    Array.from({ length: options.connections }, async () => {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      await client.query(`set search_path to ${schema}`);
      return client;
    }),
  );
  try {
    await clients[0].query(
      'create table if not exists bench_ceiling (id bigint generated always as identity primary key, payload text not null, at timestamptz not null default now())',
    );
    const settings = await clients[0].query<{ fsync: string; sync: string }>(
      `select current_setting('fsync') as fsync, current_setting('synchronous_commit') as sync`,
    );
    const latencies: number[] = [];
    const started = performance.now();
    const until = started + options.duration * 1000;
    await Promise.all(
      clients.map(async (client, n) => {
        // Prepared once per connection, as a driver with statement caching would.
        const insert = { name: 'bench_ceiling_insert', text: 'insert into bench_ceiling (payload) values ($1)' };
        while (performance.now() < until) {
          const t = performance.now();
          await client.query('begin');
          await client.query({ ...insert, values: [`row from client ${n}`] });
          await client.query('commit');
          latencies.push(performance.now() - t);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    return {
      ...figureOf(latencies, seconds),
      connections: options.connections,
      fsync: settings.rows[0].fsync,
      synchronousCommit: settings.rows[0].sync,
    };
  } finally {
    await clients[0].query('drop table if exists bench_ceiling').catch(() => undefined);
    await Promise.all(clients.map((c) => c.end()));
  }
}
