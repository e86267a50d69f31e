// The app of a TestApp on a read-model handle that counts the SQL queries each request runs.
import type { Test } from 'tap';
import type { KyselyPlugin } from 'kysely';
import { buildApp } from '../../src/http/app.ts';
import { DEMO_APP, signedHeaders, type TestApp } from './app.ts';

/** Resolves to `queriesFor(url, query?, username?)`: the number of queries a successful GET ran. */
export async function countingApp(t: Test, api: TestApp) {
  let queries = 0;
  const counter: KyselyPlugin = {
    transformQuery: (args) => {
      queries += 1;
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  const app = await buildApp({
    commands: api.runtime.commands,
    readModels: api.runtime.database.db.withPlugin(counter),
    waitForProjections: (position) => api.runtime.projections.waitFor(position),
    ticketStall: () => undefined,
    signatureTtlSeconds: 120,
  });
  t.teardown(() => app.close());
  return async (url: string, query: Record<string, string> = {}, username = 'admin') => {
    const before = queries;
    const res = await app.inject({ method: 'GET', url, query, headers: signedHeaders(DEMO_APP, api.now(), username) });
    t.equal(res.statusCode, 200, url, { body: res.body });
    return queries - before;
  };
}
