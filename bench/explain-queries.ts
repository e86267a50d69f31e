// Runs the list and detail queries against a seeded schema (bench/seed-read-models.ts) and
// prints each SQL statement's execution time as PostgreSQL measures it (EXPLAIN ANALYZE).
//   DATABASE_URL=postgres://… DATABASE_SCHEMA=bench_1m tsx bench/explain-queries.ts [username] [ticket id]
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { readEnv } from '../src/config/env.ts';
import { loadTicketView, ticketDetail, ticketListPage } from '../src/projections/tickets/views.ts';

const env = readEnv();
if (!env.DATABASE_URL || !env.DATABASE_SCHEMA) throw new Error('set DATABASE_URL and DATABASE_SCHEMA');
const [username = 'user7', ticketId = '500001'] = process.argv.slice(2);
const pool = new pg.Pool({ connectionString: env.DATABASE_URL, options: `-c search_path=${env.DATABASE_SCHEMA}` });
const queries: { sql: string; parameters: readonly unknown[] }[] = [];
const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }), log: (e) => void (e.level === 'query' && queries.push(e.query)) });

const now = new Date();
const page = {
  workflowIds: null,
  createStart: new Date(now.getTime() - 365 * 86_400_000),
  createEnd: new Date(now.getTime() + 3_600_000),
  reverse: true,
  page: 1,
};
const cases: [string, () => Promise<unknown>][] = [
  ['category=all, 10 per page', () => ticketListPage(db, { ...page, username, category: 'all', perPage: 10 })],
  ['category=all, 100 per page', () => ticketListPage(db, { ...page, username, category: 'all', perPage: 100 })],
  [
    'category=all, one workflow fully visible, own tickets in the other',
    () => ticketListPage(db, { ...page, username, category: 'all', perPage: 10, fullyVisibleWorkflowIds: [1] }),
  ],
  ['category=duty, 10 per page', () => ticketListPage(db, { ...page, username, category: 'duty', perPage: 10 })],
  ['category=relation, 10 per page', () => ticketListPage(db, { ...page, username, category: 'relation', perPage: 10 })],
  ['category=owner, 10 per page', () => ticketListPage(db, { ...page, username, category: 'owner', perPage: 10 })],
  [
    'detail',
    async () =>
      ticketDetail(db, await loadTicketView(db, Number(ticketId)), { username: 'admin', superAdmin: true, deptIds: new Set([1]) }),
  ],
];
for (const [label, run] of cases) {
  await run(); // warm the cache
  queries.length = 0;
  await run();
  const times: number[] = [];
  for (const q of queries) {
    const { rows } = await pool.query(`explain (analyze, format json) ${q.sql}`, q.parameters as unknown[]);
    times.push(rows[0]['QUERY PLAN'][0]['Execution Time']);
  }
  const total = times.reduce((a, b) => a + b, 0);
  console.log(
    `${label.padEnd(40)} ${String(queries.length).padStart(2)} queries  ${total.toFixed(2).padStart(7)} ms at the database  (${times.map((t) => t.toFixed(2)).join(' + ')})`,
  );
}
await pool.end();
