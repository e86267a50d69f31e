// End-to-end request latencies through the HTTP stack (fastify inject, read-your-writes
// included), on the embedded store or on DATABASE_URL. Reports medians and p95 of one run.
//   npm run bench                      embedded PGlite, 300 tickets
//   DATABASE_URL=postgres://… npm run bench -- 1000
import { mkdtemp, rm } from 'node:fs/promises';
import type { InjectOptions } from 'fastify';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { readEnv } from '../src/config/env.ts';
import { signatureFor } from '../src/loonflow-signature.ts';
import { applyStartupConfig, buildHttpApp, createRuntime } from '../src/runtime.ts';

const count = Number(process.argv[2] ?? 300);
const base = readEnv();
const dataDir = await mkdtemp(join(tmpdir(), 'flowledger-bench-'));
const schema = `bench_${process.pid}`;
if (base.DATABASE_URL) {
  const admin = new pg.Client({ connectionString: base.DATABASE_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
}
const env = readEnv({ ...process.env, DATA_DIR: dataDir, ...(base.DATABASE_URL ? { DATABASE_SCHEMA: schema } : {}) });
const runtime = await createRuntime(env);
await applyStartupConfig(runtime, env);
const app = await buildHttpApp(runtime, env);

const headers = (username: string) => {
  const timestamp = String(Math.floor(Date.now() / 1000));
  return { appname: 'demo', timestamp, signature: signatureFor(timestamp, 'demo-token-change-me'), username };
};
const samples = new Map<string, number[]>();
async function timed(label: string, request: InjectOptions) {
  const started = process.hrtime.bigint();
  const res = await app.inject(request);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (res.statusCode !== 200) throw new Error(`${label}: ${res.statusCode} ${res.body}`);
  samples.set(label, [...(samples.get(label) ?? []), ms]);
  return res.json();
}

const users = ['lilei', 'wangwu', 'zhangsan', 'guiji'];
for (let i = 0; i < count; i++) {
  const username = users[i % users.length];
  const { data } = await timed('POST /tickets', {
    method: 'POST',
    url: '/api/v1.0/tickets',
    headers: headers(username),
    payload: { workflow_id: 2, transition_id: 7, title: `vpn ${i}`, vpn_reason: 'bench', vpn_type: '1' },
  });
  await timed('GET /tickets/{id}', { method: 'GET', url: `/api/v1.0/tickets/${data.ticket_id}`, headers: headers(username) });
  await timed('PATCH /tickets/{id} (handle)', {
    method: 'PATCH',
    url: `/api/v1.0/tickets/${data.ticket_id}`,
    headers: headers('zhangsan'),
    payload: { transition_id: 8, suggestion: 'ok' },
  });
  if (i % 10 === 0) {
    await timed('GET /tickets?category=all', { method: 'GET', url: '/api/v1.0/tickets?category=all&per_page=20', headers: headers(username) });
    await timed('GET /tickets?category=duty', { method: 'GET', url: '/api/v1.0/tickets?category=duty&per_page=20', headers: headers('admin') });
    await timed('GET /tickets/{id}/flowlogs', { method: 'GET', url: `/api/v1.0/tickets/${data.ticket_id}/flowlogs`, headers: headers(username) });
  }
}

const quantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))];
console.log(`flowledger bench: ${count} tickets on ${base.DATABASE_URL ? 'PostgreSQL' : 'embedded PGlite'}`);
for (const [label, values] of samples) {
  console.log(`${label.padEnd(32)} n=${String(values.length).padStart(5)}  median ${quantile(values, 0.5).toFixed(2).padStart(7)} ms  p95 ${quantile(values, 0.95).toFixed(2).padStart(7)} ms`);
}

await app.close();
await runtime.close();
await rm(dataDir, { recursive: true, force: true });
if (base.DATABASE_URL) {
  const admin = new pg.Client({ connectionString: base.DATABASE_URL });
  await admin.connect();
  await admin.query(`drop schema ${schema} cascade`);
  await admin.end();
}
