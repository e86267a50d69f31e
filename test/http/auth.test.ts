import t from 'tap';
import { signedHeaders, startApp, DEMO_APP } from '../support/app.ts';

t.test('signature auth', async (t) => {
  let now = new Date('2026-11-29T10:00:00Z');
  const api = await startApp(t, { clock: () => now });
  const get = (headers: Record<string, string>) => api.app.inject({ method: 'GET', url: '/api/v1.0/workflows', headers });

  t.test('a correctly signed request is answered', async (t) => {
    const res = await get(signedHeaders(DEMO_APP, now, 'lilei'));
    t.equal(res.statusCode, 200);
    t.equal(res.json().code, 0);
  });

  const refusals: [string, () => Record<string, string>, string][] = [
    ['no signature headers at all', () => ({}), 'signature_missing'],
    ['a missing timestamp', () => ({ ...signedHeaders(DEMO_APP, now), timestamp: '' }), 'signature_missing'],
    ['an unknown app', () => signedHeaders({ name: 'nobody', token: 'x' }, now), 'app_unknown'],
    ['a signature made with the wrong token', () => signedHeaders({ name: 'demo', token: 'wrong' }, now), 'signature_invalid'],
    ['a signature 121 s old', () => signedHeaders(DEMO_APP, new Date(now.getTime() - 121_000)), 'signature_expired'],
    ['a timestamp from the future', () => signedHeaders(DEMO_APP, new Date(now.getTime() + 121_000)), 'signature_expired'],
    [
      'a timestamp that is not a number',
      () => ({ ...signedHeaders(DEMO_APP, now), timestamp: 'soon', signature: 'x' }),
      'signature_invalid',
    ],
  ];
  for (const [name, headers, error] of refusals) {
    t.test(`${name} is a 401`, async (t) => {
      const res = await get(headers());
      t.equal(res.statusCode, 401);
      t.match(res.json(), { code: -1, data: {}, error, msg: /\w+/ });
    });
  }

  t.test('a signature 119 s old is still accepted', async (t) => {
    const res = await get(signedHeaders(DEMO_APP, new Date(now.getTime() - 119_000)));
    t.equal(res.statusCode, 200);
  });

  t.test('acting without a username header is a 400', async (t) => {
    const res = await api.call('GET', '/api/v1.0/tickets', { as: null, query: { category: 'all' } });
    t.equal(res.status, 400);
    t.match(res.body, { code: -1, error: 'missing_username', msg: /username/ });
  });

  t.test('NUL characters anywhere in the input are a 400, never a database error', async (t) => {
    const cases: [string, string, Record<string, string> | undefined, unknown][] = [
      ['GET', '/api/v1.0/tickets', { category: 'all', title: 'a\u0000b' }, undefined],
      ['GET', '/api/v1.0/workflows', { search_value: '\u0000' }, undefined],
      ['POST', '/api/v1.0/tickets', undefined, { workflow_id: 2, transition_id: 7, title: 'x\u0000', vpn_reason: 'r' }],
      ['POST', '/api/v1.0/tickets', undefined, { workflow_id: 2, transition_id: 7, title: 'x', vpn_reason: 'r', 'k\u0000': 1 }],
    ];
    for (const [method, url, query, body] of cases) {
      const res = await api.call(method as 'GET', url, { query, body });
      t.equal(res.status, 400, `${method} ${url}`);
      t.match(res.body, { code: -1, error: 'invalid_request', msg: /NUL/ });
    }
  });

  t.test('an encoded path is authenticated like the plain one', async (t) => {
    const res = await api.app.inject({ method: 'GET', url: '/%61pi/v1.0/tickets?category=all' });
    t.equal(res.statusCode, 401);
    t.match(res.json(), { code: -1, error: 'signature_missing' });
  });

  t.test('text PostgreSQL cannot store (a lone surrogate) is a 400', async (t) => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/api/v1.0/tickets',
      headers: { ...signedHeaders(DEMO_APP, now, 'lilei'), 'content-type': 'application/json' },
      payload: '{"workflow_id":2,"transition_id":7,"title":"x","vpn_reason":"a\\ud800b"}',
    });
    t.equal(res.statusCode, 400);
    t.match(res.json(), { code: -1, error: 'invalid_request', msg: /body\.vpn_reason/ });
  });

  t.test('ids beyond a PostgreSQL integer are a 400, not a 500', async (t) => {
    for (const url of ['/api/v1.0/tickets/3000000000', '/api/v1.0/workflows/3000000000/states', '/api/v1.0/workflows/states/3000000000']) {
      const res = await api.call('GET', url);
      t.equal(res.status, 400, url);
    }
    const list = await api.call('GET', '/api/v1.0/tickets', { query: { category: 'all', state_ids: '3000000000' } });
    t.equal(list.status, 400);
    t.match(list.body, { error: 'invalid_request', msg: /state_ids/ });
    const malformed = await api.app.inject({
      method: 'GET',
      url: '/api/v1.0/tickets/%E0%A4%A',
      headers: signedHeaders(DEMO_APP, now, 'lilei'),
    });
    t.equal(malformed.statusCode, 400);
    t.match(malformed.json(), { code: -1, error: 'invalid_request' });
  });

  t.test('an unknown route answers in the envelope', async (t) => {
    const res = await api.call('GET', '/api/v1.0/nothing-here');
    t.equal(res.status, 404);
    t.match(res.body, { code: -1, error: 'route_not_found' });
  });

  t.teardown(() => {
    now = new Date();
  });
});
