// A hostile-input corpus over every endpoint (issue 7, "Done when"): wrong types, 1 MiB
// values in every body field and in every header that can carry one, unknown users,
// numbers as strings, unicode edge cases (NUL, lone surrogates, RTL marks, combining and
// zero-width characters, astral emoji at the bound and one past it). Then: no 5xx, every
// 4xx in the envelope, no protected ticket changed, and creates still answer within their
// usual latency. Runs on PGlite and, with TEST_DATABASE_URL, on the PostgreSQL server.
import { performance } from 'node:perf_hooks';
import t from 'tap';
import { onRealPostgres } from '../support/database.ts';
import type { Test } from 'tap';
import { leaveTicket, startApp, vpnTicket } from '../support/app.ts';

const MiB = 'x'.repeat(1 << 20);
const MiBDigits = '9'.repeat(1 << 20);
const emoji = (n: number) => '😀'.repeat(n);

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT';
interface Request {
  method: Method;
  url: string;
  as?: string | null;
  body?: unknown;
  query?: Record<string, string>;
  headers?: Record<string, string>;
}

// Values that make a field invalid wherever it appears.
const BAD_ID = ['8', 1.5, -1, 2 ** 31, 1e308, MiBDigits, [], {}, true, null];
const BAD_TEXT = [MiB, emoji(10_001), 'a\u0000b', 'a\uD800', '\uDC00x', 12, [], {}, true];
const BAD_USER = [
  MiB,
  'nosuchuser',
  'lisi\u200B', // zero-width space
  '\u202Elisi', // right-to-left override
  '\u200Flisi', // right-to-left mark
  'lisi\u0301', // combining acute accent
  'li\uFEFFsi', // zero-width no-break space (at either end it is trimmed like a blank)
  emoji(50), // within the bound, but nobody's name
  emoji(51),
  'li\u0000si',
  'lisi,zhangsan',
  5,
  [],
  '',
];
const BAD_BOOL = ['yes', 2, MiB, [], {}];
const BAD_FIELD_VALUES = [MiB, [], { [MiB]: 1 }, Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`k${i}`, i]))];

// Headers that can carry a megabyte; each route gets each of them.
const HOSTILE_HEADERS: Record<string, string>[] = [
  {},
  { 'idempotency-key': MiB },
  { 'if-match': MiB },
  { 'if-match': `"${MiBDigits}"` },
  { 'x-request-id': MiB },
  { 'x-request-id': '../\u0000etc' },
];

t.test('a hostile corpus leaves the engine answering and protected tickets untouched', async (t) => {
  const api = await startApp(t);
  const must = async (method: Method, url: string, as: string, body: unknown = {}) => {
    const res = await api.call(method, url, { as, body });
    if (res.status !== 200) throw new Error(`${method} ${url} as ${as}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    return res;
  };
  const create = async (body: Record<string, unknown>, as = 'lilei') =>
    (await must('POST', '/api/v1.0/tickets', as, body)).body.data.ticket_id as number;
  const url = (id: number, action = '') => `/api/v1.0/tickets/${id}${action}`;

  // Protected tickets, one in each kind of state.
  const P = await create(vpnTicket()); // state 7: zhangsan and admin must both handle
  const L = await create(leaveTicket()); // state 3: zhangsan and lisi must both handle
  const D = await create(leaveTicket({ transition_id: 2 })); // lilei's draft: only lilei (and admins) may touch it
  const H = await create(vpnTicket({ vpn_type: '2' }));
  await must('PATCH', url(H), 'zhangsan', { transition_id: 8 });
  await must('PATCH', url(H), 'admin', { transition_id: 8 });
  await must('POST', url(H, '/accept'), 'guiji');
  await must('PATCH', url(H, ''), 'guiji', { transition_id: 9 }); // now waiting for the hook
  const protectedTickets = { P, L, D, H };

  const snapshot = async (id: number) => {
    const detail = await api.call('GET', url(id), { as: 'admin' });
    const logs = await api.call('GET', url(id, '/flowlogs'), { as: 'admin', query: { per_page: 1000, ticket_data: 1 } });
    const steps = await api.call('GET', url(id, '/flowsteps'), { as: 'admin' });
    return { etag: detail.headers.etag, detail: detail.body, logs: logs.body, steps: steps.body };
  };
  const before = Object.fromEntries(await Promise.all(Object.entries(protectedTickets).map(async ([k, id]) => [k, await snapshot(id)])));
  const configBefore = (await api.runtime.store.readStream('config')).length;

  /** A create and a GET of it; the create's time in ms. */
  const timedCreate = async (t: Test) => {
    const started = performance.now();
    const res = await api.call('POST', '/api/v1.0/tickets', { body: vpnTicket() });
    const ms = performance.now() - started;
    t.equal(res.status, 200, `a create answers: ${JSON.stringify(res.body).slice(0, 200)}`);
    const read = await api.call('GET', url(res.body.data.ticket_id), { as: 'lilei' });
    t.equal(read.status, 200, 'and a GET of it works');
    return ms;
  };
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  await timedCreate(t); // warm-up
  const createsBefore: number[] = [];
  for (let i = 0; i < 7; i++) createsBefore.push(await timedCreate(t));

  t.test(
    "the issue's reproduction: deliver with a 1 MiB target_username is a 400" + (onRealPostgres ? ' on the PostgreSQL server' : ''),
    async (t) => {
      const res = await api.call('POST', url(P, '/deliver'), { as: 'zhangsan', body: { target_username: MiB, suggestion: 'x' } });
      t.equal(res.status, 400);
      t.match(res.body, { code: -1, error: 'invalid_request', msg: /target_username.*at most 50 characters/ });
    },
  );

  // --- The corpus ---------------------------------------------------------------------
  const corpus: (Request & { mustRefuse: boolean })[] = [];
  const callers = ['zhangsan', 'admin', 'lilei', 'lisi', 'hanmeimei', 'nosuchuser', emoji(50), 'admin\u200B', MiB, null];
  let turn = 0;
  const next = <T>(xs: T[]) => xs[turn++ % xs.length];

  /** One field of a valid body replaced by each bad value, rotating callers and hostile headers. */
  const vary = (
    method: Method,
    path: string,
    ids: number[],
    base: Record<string, unknown>,
    fields: Record<string, unknown[]>,
    legit: string[],
  ) => {
    for (const id of ids) {
      HOSTILE_HEADERS.forEach((headers, i) => {
        // Each hostile header on an otherwise invalid request, by a legitimate caller.
        // A megabyte suggestion and an unknown key: refused by every action, strict body or not.
        corpus.push({
          method,
          url: url(id, path),
          as: legit[i % legit.length],
          body: { ...base, suggestion: MiB, evil: 'x' },
          headers,
          mustRefuse: true,
        });
      });
      for (const [field, values] of Object.entries(fields)) {
        for (const value of values) {
          const as = turn % 3 === 0 ? next(callers) : legit[turn++ % legit.length];
          corpus.push({
            method,
            url: url(id, path),
            as,
            body: { ...base, [field]: value },
            headers: next(HOSTILE_HEADERS),
            mustRefuse: true,
          });
        }
      }
    }
  };

  const leaveFields = { title: 't', leave_start: '2026-12-01', leave_end: '2026-12-03', leave_days: 3, leave_type: '1' };
  const badLeaveFields = {
    title: [MiB, emoji(501), 'a\u0000', 42],
    leave_start: [MiB, '2026-02-30', 20261201],
    leave_days: [MiBDigits, '3.5', 'three', 1e308],
    leave_type: [MiB, '9', ['1']],
    leave_proxy: BAD_USER.filter((v) => v !== ''),
    leave_reason: [emoji(100_001), MiB.repeat(1), 'a\uD800'],
  };
  const all = [P, L, D, H];
  const open = [P, L, D];

  vary('PATCH', '', [P, L], { transition_id: 8, suggestion: 'ok' }, { transition_id: BAD_ID, suggestion: BAD_TEXT }, [
    'zhangsan',
    'admin',
    'lisi',
  ]);
  vary(
    'PATCH',
    '',
    [D],
    { transition_id: 2, suggestion: 'ok', ...leaveFields },
    { transition_id: BAD_ID, suggestion: BAD_TEXT, ...badLeaveFields },
    ['lilei'],
  );
  vary(
    'POST',
    '/deliver',
    open,
    { target_username: 'lisi', suggestion: 'x' },
    { target_username: BAD_USER, suggestion: BAD_TEXT, from_admin: BAD_BOOL },
    ['zhangsan', 'admin', 'lilei'],
  );
  vary('POST', '/add_node', open, { target_username: 'guiji' }, { target_username: BAD_USER, suggestion: BAD_TEXT }, ['zhangsan', 'lilei']);
  vary('POST', '/add_node_end', [P], { suggestion: 'x' }, { suggestion: BAD_TEXT }, ['zhangsan']);
  vary('PUT', '/state', all, { state_id: 8, suggestion: 'forced' }, { state_id: BAD_ID, suggestion: BAD_TEXT }, ['admin']);
  vary('PATCH', '/fields', [D], {}, badLeaveFields, ['admin', 'lilei']);
  vary(
    'PATCH',
    '/fields',
    [P, H],
    {},
    { title: [MiB, emoji(501)], vpn_reason: [emoji(100_001), MiB, 'a\u0000'], vpn_type: ['3', MiB], [MiB]: ['x'] },
    ['admin'],
  );
  vary('POST', '/comments', all, { suggestion: 'hi' }, { suggestion: [...BAD_TEXT, ''] }, ['admin', 'lilei']);
  vary('POST', '/close', all, { suggestion: 'x' }, { suggestion: BAD_TEXT }, ['admin', 'lilei']);
  vary('POST', '/retreat', [D, L], { suggestion: 'x' }, { suggestion: BAD_TEXT }, ['lilei']);
  vary('POST', '/hook_call_back', [H, P], { result: true }, { msg: BAD_TEXT, result: BAD_BOOL, field_value: BAD_FIELD_VALUES }, [
    'admin',
    'lilei',
  ]);
  // Nothing to accept or retry on these tickets, whoever asks and whatever they send.
  for (const path of ['/accept', '/retry_script']) {
    for (const id of open) {
      HOSTILE_HEADERS.forEach((headers) =>
        corpus.push({ method: 'POST', url: url(id, path), as: next(callers), body: { anything: MiB }, headers, mustRefuse: true }),
      );
    }
  }
  // An unknown ticket, a non-id and an id past PostgreSQL's integers, on every action.
  for (const path of ['', '/deliver', '/state', '/fields', '/comments', '/close', '/hook_call_back']) {
    for (const raw of ['999999', 'abc', MiBDigits.slice(0, 50), '%00']) {
      corpus.push({
        method: path === '/state' ? 'PUT' : path === '' || path === '/fields' ? 'PATCH' : 'POST',
        url: `/api/v1.0/tickets/${raw}${path}`,
        as: 'admin',
        body: { suggestion: 'x', state_id: 8, target_username: 'lisi', transition_id: 8 },
        mustRefuse: true,
      });
    }
  }

  // Creates: every field of a valid body, one at a time (no ticket may be created).
  const createBase = leaveTicket();
  const createBad: Record<string, unknown[]> = {
    workflow_id: BAD_ID,
    transition_id: BAD_ID,
    suggestion: BAD_TEXT,
    parent_ticket_id: ['1', MiBDigits, -1, 2 ** 31],
    ...badLeaveFields,
  };
  for (const [field, values] of Object.entries(createBad)) {
    for (const value of values)
      corpus.push({
        method: 'POST',
        url: '/api/v1.0/tickets',
        as: next(['lilei', 'jack', 'nosuchuser']),
        body: { ...createBase, [field]: value },
        headers: next(HOSTILE_HEADERS),
        mustRefuse: true,
      });
  }
  HOSTILE_HEADERS.forEach((headers) =>
    corpus.push({ method: 'POST', url: '/api/v1.0/tickets', as: MiB, body: createBase, headers, mustRefuse: true }),
  );
  corpus.push({ method: 'POST', url: '/api/v1.0/tickets', body: createBase, headers: { 'idempotency-key': MiB }, mustRefuse: true });
  corpus.push({ method: 'POST', url: '/api/v1.0/tickets', body: createBase, headers: { 'idempotency-key': emoji(256) }, mustRefuse: true });
  for (const body of [
    'null',
    '[]',
    '"x"',
    '{"a":',
    '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]',
  ]) {
    corpus.push({ method: 'POST', url: '/api/v1.0/tickets', body, mustRefuse: true });
  }
  corpus.push({
    method: 'POST',
    url: '/api/v1.0/tickets',
    body: JSON.stringify(createBase),
    headers: { 'content-type': 'text/plain' },
    mustRefuse: true,
  });
  corpus.push({
    method: 'POST',
    url: url(P, '/comments'),
    as: 'admin',
    body: '{"suggestion":"hi"}',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    mustRefuse: true,
  });

  // Configuration: each hostile document is refused whole, by a super admin too.
  const configs: unknown[] = [
    { users: [{ username: MiB }] },
    { users: [{ username: emoji(51) }] },
    { users: [{ username: 'ok', alias: MiB }] },
    { apps: [{ name: MiB, token: 't' }] },
    { apps: [{ name: 'a', token: MiB }] },
    { apps: [{ name: 'a', token: 't', ticket_sn_prefix: 'p'.repeat(51) }] },
    { depts: [{ id: 9, name: 'd', label: { blob: MiB } }] },
    { depts: [{ id: '9', name: 'd' }] },
    { notices: [{ id: 9, name: 'n', hook_url: `http://h.example/${MiB}`, hook_token: 't' }] },
    { workflows: [{ id: 9, name: MiB }] },
    { workflows: [{ id: 9, name: 'w', custom_fields: [{ id: 1, field_key: MiB, field_name: 'f', field_type_id: 5 }] }] },
    { roles: [{ id: 9, name: 'r', members: [MiB] }] },
    { users: [{ username: 'a\u0000b' }] },
    MiB,
  ];
  for (const body of configs) {
    for (const as of ['admin', 'lilei'])
      corpus.push({ method: 'PUT', url: '/api/v1.0/config', as, body, headers: next(HOSTILE_HEADERS), mustRefuse: true });
  }

  // Reads: a megabyte or a wrong type in every query parameter; nothing to protect, no 5xx.
  const queries: [string, Record<string, string>][] = [
    ['/api/v1.0/tickets', { category: 'all', title: MiB }],
    ['/api/v1.0/tickets', { category: 'all', sn: MiB }],
    ['/api/v1.0/tickets', { category: 'all', creator: MiB }],
    ['/api/v1.0/tickets', { category: MiB }],
    ['/api/v1.0/tickets', { category: 'all', ticket_ids: MiBDigits }],
    ['/api/v1.0/tickets', { category: 'all', workflow_ids: `1,${'2,'.repeat(1000)}x` }],
    ['/api/v1.0/tickets', { category: 'all', create_start: MiB }],
    ['/api/v1.0/tickets', { category: 'all', page: MiBDigits }],
    ['/api/v1.0/tickets', { category: 'all', parent_ticket_id: '1.5' }],
    ['/api/v1.0/tickets', { category: 'duty', title: '\u202E\u200B\u0301😀' }],
    ['/api/v1.0/tickets/states', { ticket_ids: MiBDigits }],
    ['/api/v1.0/tickets/states', { ticket_ids: `${P},${'1,'.repeat(2000)}` }],
    [url(P, '/flowlogs'), { per_page: MiBDigits, desc: MiB }],
    ['/api/v1.0/workflows', { search_value: MiB }],
    ['/api/v1.0/workflows', { name: MiB, from_admin: MiB }],
    ['/api/v1.0/workflows/1/states', { search_value: MiB }],
    ['/api/v1.0/workflows/1/custom_fields', { search_value: emoji(256) }],
    ['/api/v1.0/accounts/simple_users', { search_value: MiB }],
    ['/api/v1.0/accounts/simple_depts', { search_value: 'a\u0000' }],
  ];
  for (const [path, query] of queries) {
    for (const as of ['admin', 'hanmeimei', MiB])
      corpus.push({ method: 'GET', url: path, as, query, headers: next(HOSTILE_HEADERS), mustRefuse: false });
  }
  for (const path of ['', '/transitions', '/flowlogs', '/flowsteps', '/participant_info']) {
    for (const as of ['hanmeimei', 'nosuchuser', emoji(51), 'admin'])
      corpus.push({ method: 'GET', url: url(D, path), as, headers: next(HOSTILE_HEADERS), mustRefuse: false });
  }
  for (const path of [
    `/api/v1.0/tickets/${'9'.repeat(200)}`,
    '/api/v1.0/workflows/states/99999999999',
    '/api/v1.0/workflows/0/init_state',
    `/api/v1.0/workflows/${MiBDigits.slice(0, 5000)}/transitions`,
  ]) {
    corpus.push({ method: 'GET', url: path, as: 'admin', mustRefuse: false });
  }

  t.test(`${corpus.length} hostile requests: no 5xx, every 4xx in the envelope, every write refused`, async (t) => {
    t.ok(corpus.length >= 500, `several hundred requests (${corpus.length})`);
    const statuses = new Map<number, number>();
    let problems = 0;
    for (const r of corpus) {
      const res = await api.call(r.method, r.url, { as: r.as, body: r.body, query: r.query, headers: r.headers });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      const what = () =>
        `${r.method} ${r.url.slice(0, 80)} as ${String(r.as).slice(0, 20)} ${JSON.stringify(r.body ?? r.query ?? null).slice(0, 160)} → ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`;
      const enveloped =
        res.status < 400 || (res.body?.code === -1 && typeof res.body?.msg === 'string' && typeof res.body?.error === 'string');
      const refusedIfNeeded = !r.mustRefuse || (res.status >= 400 && res.status < 500);
      if (res.status >= 500 || !enveloped || !refusedIfNeeded) {
        problems++;
        if (problems <= 20) t.fail(what());
      }
    }
    t.equal(problems, 0, 'every answer as required');
    t.comment(`statuses: ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}`);
  });

  t.test('at exactly the bound a value is stored and read back; one past it is refused', async (t) => {
    const S = await create(vpnTicket());
    const atBound = await api.call('POST', url(S, '/comments'), { as: 'admin', body: { suggestion: emoji(10_000) } });
    t.equal(atBound.status, 200, '10,000 astral characters are 10,000 characters');
    const past = await api.call('POST', url(S, '/comments'), { as: 'admin', body: { suggestion: emoji(10_001) } });
    t.match(past, { status: 400, body: { code: -1, error: 'suggestion_too_long' } });
    const marks = '\u202Eright-to-left\u200F e\u0301\u0301\u0301 zero\u200Bwidth\uFEFF';
    t.equal(
      (await api.call('POST', url(S, '/comments'), { as: 'admin', body: { suggestion: marks } })).status,
      200,
      'RTL, combining and zero-width characters are text',
    );
    const logs = await api.call('GET', url(S, '/flowlogs'), { as: 'admin', query: { per_page: 100 } });
    const suggestions = logs.body.data.value.map((l: { suggestion: string }) => l.suggestion);
    t.ok(suggestions.includes(emoji(10_000)) && suggestions.includes(marks), 'both read back unchanged');

    const titled = await create(vpnTicket({ title: emoji(500), vpn_reason: emoji(100_000) }));
    const detail = await api.call('GET', url(titled), { as: 'lilei' });
    t.equal(detail.body.data.value.title, emoji(500), 'a title of 500 astral characters is stored whole');
    t.match(await api.call('POST', '/api/v1.0/tickets', { body: vpnTicket({ title: emoji(501) }) }), {
      status: 400,
      body: { error: 'invalid_field_value', msg: /title.*at most 500 characters/ },
    });
    const keyed = await api.call('POST', '/api/v1.0/tickets', { body: vpnTicket(), headers: { 'idempotency-key': 'k'.repeat(255) } });
    t.equal(keyed.status, 200, 'an Idempotency-Key of 255 characters');
    t.match(await api.call('POST', '/api/v1.0/tickets', { body: vpnTicket(), headers: { 'idempotency-key': 'k'.repeat(256) } }), {
      status: 400,
      body: { msg: /Idempotency-Key.*255/ },
    });
  });

  t.test('no protected ticket changed', async (t) => {
    for (const [name, id] of Object.entries(protectedTickets)) {
      const after = await snapshot(id);
      t.equal(after.etag, before[name].etag, `${name} (${id}): same revision`);
      t.strictSame(after.detail, before[name].detail, `${name}: same detail`);
      t.strictSame(after.logs, before[name].logs, `${name}: same flow logs`);
      t.strictSame(after.steps, before[name].steps, `${name}: same flow steps`);
    }
    t.equal((await api.runtime.store.readStream('config')).length, configBefore, 'the configuration is unchanged');
  });

  t.test('the projections are not stalled: creates answer within their usual time', async (t) => {
    const createsAfter: number[] = [];
    for (let i = 0; i < 7; i++) createsAfter.push(await timedCreate(t));
    const [b, a] = [median(createsBefore), median(createsAfter)];
    t.comment(`median create: ${b.toFixed(1)} ms before the corpus, ${a.toFixed(1)} ms after`);
    t.ok(a <= 3 * b + 100, `median after (${a.toFixed(1)} ms) ≤ 3 × median before (${b.toFixed(1)} ms) + 100 ms`);
  });
});
