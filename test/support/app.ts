// An API on a fresh database with the demo configuration, and a client that signs requests.
import type { Test } from 'tap';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { readEnv } from '../../src/config/env.ts';
import { signatureFor } from '../../src/loonflow-signature.ts';
import { applyStartupConfig, buildHttpApp, createRuntime, type Runtime, type RuntimeOptions } from '../../src/runtime.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';

export const DEMO_APP = { name: 'demo', token: 'demo-token-change-me' };

export interface CallOptions {
  as?: string | null;
  body?: unknown;
  query?: Record<string, string | number>;
  headers?: Record<string, string>;
  app?: { name: string; token: string };
}

export interface TestApp {
  app: FastifyInstance;
  runtime: Runtime;
  db: TestDatabase;
  now: () => Date;
  call(
    method: InjectOptions['method'],
    url: string,
    options?: CallOptions,
  ): Promise<{ status: number; body: any; headers: Record<string, unknown> }>;
}

export function signedHeaders(app: { name: string; token: string }, now: Date, username?: string | null): Record<string, string> {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  return {
    appname: app.name,
    timestamp,
    signature: signatureFor(timestamp, app.token),
    ...(username ? { username } : {}),
  };
}

export async function startApp(
  t: Test,
  options: {
    clock?: () => Date;
    random?: () => number;
    env?: Record<string, string>;
    /** Run the reactions (hooks, timers): off unless a test is about them, so the API alone is deterministic. */
    react?: boolean;
    delivery?: RuntimeOptions['delivery'];
  } = {},
): Promise<TestApp> {
  const db = await createTestDatabase();
  const env = readEnv(options.env ?? {});
  const now = options.clock ?? (() => new Date());
  const runtime = await createRuntime(env, {
    database: db.database,
    clock: now,
    random: options.random ?? (() => 0),
    react: options.react ?? false,
    delivery: options.delivery,
  });
  await applyStartupConfig(runtime, env);
  const app = await buildHttpApp(runtime, env);
  t.teardown(async () => {
    await app.close();
    await runtime.close();
    await db.drop();
  });
  return {
    app,
    runtime,
    db,
    now,
    async call(method, url, { as = 'lilei', body, query, headers, app: caller = DEMO_APP } = {}) {
      const response = await app.inject({
        method,
        url,
        query: query ? Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)])) : undefined,
        headers: { ...signedHeaders(caller, now(), as), ...headers },
        ...(body === undefined
          ? {}
          : typeof body === 'string'
            ? { payload: body, headers: { 'content-type': 'application/json', ...signedHeaders(caller, now(), as), ...headers } }
            : { payload: body as object }),
      });
      let parsed: unknown = response.body;
      try {
        parsed = JSON.parse(response.body);
      } catch {
        // left as text: a test asserting the envelope will fail on it
      }
      return { status: response.statusCode, body: parsed, headers: response.headers };
    },
  };
}

/** A valid create body for the vpn workflow of the demo config. */
export const vpnTicket = (extra: Record<string, unknown> = {}) => ({
  workflow_id: 2,
  transition_id: 7,
  title: 'vpn for lilei',
  vpn_reason: 'remote work',
  ...extra,
});

/** A valid create body for the leave workflow of the demo config. */
export const leaveTicket = (extra: Record<string, unknown> = {}) => ({
  workflow_id: 1,
  transition_id: 1,
  title: 'annual leave',
  leave_start: '2026-12-01',
  leave_end: '2026-12-03',
  leave_days: 3,
  leave_type: '1',
  ...extra,
});
