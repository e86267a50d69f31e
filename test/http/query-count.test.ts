// Every read endpoint runs a fixed number of SQL queries, whatever the page size.
import t from 'tap';
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { readEnv } from '../../src/config/env.ts';
import { buildApp } from '../../src/http/app.ts';
import { signedHeaders, startApp, DEMO_APP, vpnTicket, leaveTicket } from '../support/app.ts';

class QueryCounter implements KyselyPlugin {
  count = 0;
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.count++;
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

t.test('queries per request do not grow with the page', async (t) => {
  const api = await startApp(t);
  const creators = ['lilei', 'wangwu', 'zhangsan', 'guiji', 'jack'];
  for (let i = 0; i < 110; i++) {
    const body = i % 2 ? vpnTicket({ title: `vpn ${i}` }) : leaveTicket({ title: `leave ${i}` });
    const res = await api.call('POST', '/api/v1.0/tickets', { body, as: creators[i % creators.length] });
    t.equal(res.status, 200);
  }
  const counter = new QueryCounter();
  const counted = await buildApp({
    commands: api.runtime.commands,
    readModels: api.runtime.database.db.withPlugin(counter),
    waitForProjections: (p) => api.runtime.projections.waitFor(p),
    signatureTtlSeconds: readEnv({}).SIGNATURE_TTL_SECONDS,
  });
  t.teardown(() => counted.close());
  const queriesFor = async (url: string, username = 'zhangsan') => {
    counter.count = 0;
    const res = await counted.inject({ method: 'GET', url, headers: signedHeaders(DEMO_APP, new Date(), username) });
    t.equal(res.statusCode, 200, `${url}: ${res.body.slice(0, 200)}`);
    return counter.count;
  };

  for (const category of ['all', 'owner', 'duty', 'relation', 'worked']) {
    const ten = await queriesFor(`/api/v1.0/tickets?category=${category}&per_page=10`);
    const hundred = await queriesFor(`/api/v1.0/tickets?category=${category}&per_page=100`);
    t.equal(hundred, ten, `${category}: a page of 100 runs as many queries (${hundred}) as a page of 10`);
    t.ok(hundred <= 6, `${category}: ${hundred} queries`);
  }
  const page = await counted.inject({
    method: 'GET',
    url: '/api/v1.0/tickets?category=all&per_page=100',
    headers: signedHeaders(DEMO_APP, new Date(), 'admin'),
  });
  t.equal(page.json().data.value.length, 100, 'the page really holds 100 tickets');
  t.ok((await queriesFor('/api/v1.0/tickets/1')) <= 7, 'detail');
  t.ok((await queriesFor('/api/v1.0/tickets/1/transitions')) <= 3, 'transitions');
});
