// Optimistic concurrency at the HTTP edge: If-Match against the ticket revision, and truly
// simultaneous requests on one ticket. Run it on PGlite and on a real PostgreSQL server
// (TEST_DATABASE_URL): the second is where requests really overlap.
import t from 'tap';
import type { InjectOptions } from 'fastify';
import { leaveTicket, signedHeaders, startApp, DEMO_APP, type TestApp } from '../support/app.ts';
import { onRealPostgres } from '../support/database.ts';

function helpers(api: TestApp) {
  const create = async (body: Record<string, unknown>, as = 'lilei') => {
    const res = await api.call('POST', '/api/v1.0/tickets', { body, as });
    if (res.status !== 200) throw new Error(`create: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.data.ticket_id as number;
  };
  const must = async (method: 'PATCH' | 'POST' | 'PUT', url: string, as: string, body: unknown = {}) => {
    const res = await api.call(method, url, { as, body });
    if (res.status !== 200) throw new Error(`${method} ${url} as ${as}: ${res.status} ${JSON.stringify(res.body)}`);
    return res;
  };
  const detail = async (id: number) => {
    const res = await api.call('GET', `/api/v1.0/tickets/${id}`, { as: 'admin' });
    return { etag: res.headers.etag as string, value: res.body.data.value };
  };
  const flowLogs = (id: number) =>
    api.runtime.database.db.selectFrom('ticket_flow_logs').selectAll().where('ticket_id', '=', id).orderBy('id').execute();
  const events = async (id: number) => (await api.runtime.store.readStream(`ticket-${id}`)).map((e) => e.type);
  /** Raw app.inject, fired without awaiting anything else first. */
  const inject = (method: InjectOptions['method'], url: string, as: string, body: object) =>
    api.app.inject({ method, url, headers: signedHeaders(DEMO_APP, api.now(), as), payload: body });
  /** A leave ticket at the hr state, accepted by jack: a single person assignee. */
  const acceptedByJack = async () => {
    const id = await create(leaveTicket());
    await must('PATCH', `/api/v1.0/tickets/${id}`, 'zhangsan', { transition_id: 3 });
    await must('PATCH', `/api/v1.0/tickets/${id}`, 'lisi', { transition_id: 3 });
    await must('POST', `/api/v1.0/tickets/${id}/accept`, 'jack');
    return id;
  };
  return { create, must, detail, flowLogs, events, inject, acceptedByJack };
}

const revisionOf = (etag: string) => Number(JSON.parse(etag));

t.test(`concurrency on ${onRealPostgres ? 'PostgreSQL' : 'PGlite'}`, async (t) => {
  const api = await startApp(t);
  const h = helpers(api);

  t.test('If-Match', async (t) => {
    const id = await h.acceptedByJack();
    const url = `/api/v1.0/tickets/${id}`;
    const first = await h.detail(id);
    t.match(first.etag, /^"\d+"$/, 'the detail carries the revision as ETag');
    await h.must('POST', `${url}/comments`, 'lilei', { suggestion: 'moves the revision on' });
    const current = await h.detail(id);
    t.equal(revisionOf(current.etag), revisionOf(first.etag) + 1);
    const logs = (await h.flowLogs(id)).length;

    // A stale revision on every kind of mutation: 409 and nothing changes.
    const stale = { 'if-match': first.etag };
    const mutations: ['PATCH' | 'POST' | 'PUT', string, string, object][] = [
      ['PATCH', url, 'jack', { transition_id: 5 }],
      ['POST', `${url}/deliver`, 'jack', { target_username: 'lisi' }],
      ['POST', `${url}/add_node`, 'jack', { target_username: 'lisi' }],
      ['PUT', `${url}/state`, 'admin', { state_id: 5 }],
      ['PATCH', `${url}/fields`, 'admin', { title: 'stale' }],
      ['POST', `${url}/comments`, 'lilei', { suggestion: 'stale' }],
      ['POST', `${url}/close`, 'admin', {}],
    ];
    for (const [method, path, as, body] of mutations) {
      const res = await api.call(method, path, { as, body, headers: stale });
      t.equal(res.status, 409, `${method} ${path.replace(url, '') || '(handle)'} with a stale If-Match`);
      t.match(res.body, {
        code: -1,
        data: {},
        error: 'revision_mismatch',
        msg: new RegExp(`revision ${revisionOf(current.etag)}\\b.*${revisionOf(first.etag)}`),
      });
    }
    const unchanged = await h.detail(id);
    t.equal(unchanged.etag, current.etag, 'the ETag did not move');
    t.same(unchanged.value, current.value, 'the detail did not change');
    t.equal((await h.flowLogs(id)).length, logs, 'no flow log was written');

    for (const form of [current.etag, `W/${current.etag}`, String(revisionOf(current.etag))]) {
      const bad = await api.call('POST', `${url}/comments`, {
        as: 'lilei',
        body: { suggestion: 'x' },
        headers: { 'if-match': `${form}x` },
      });
      t.equal(bad.status, 400, `a malformed If-Match (${form}x) is a 400`);
      t.match(bad.body, { code: -1, error: 'invalid_request', msg: /If-Match/ });
    }

    const ok = await api.call('PATCH', url, { as: 'jack', body: { transition_id: 5 }, headers: { 'if-match': current.etag } });
    t.equal(ok.status, 200, 'with the current revision the handle goes through');
    t.same(ok.body, { code: 0, msg: '', data: {} });
    t.equal(ok.headers.etag, `"${revisionOf(current.etag) + 1}"`, 'the response ETag is the next revision');
    const after = await h.detail(id);
    t.equal(after.etag, ok.headers.etag, 'the detail agrees with the response ETag');
    t.match(after.value, { state_id: 5, act_state_id: 4 });

    const again = await api.call('POST', `${url}/comments`, {
      as: 'lilei',
      body: { suggestion: 'x' },
      headers: { 'if-match': current.etag },
    });
    t.equal(again.status, 409, 'the same If-Match is stale once used');
    t.match(again.body, { error: 'revision_mismatch' });

    const weak = await api.call('POST', `${url}/comments`, {
      as: 'lilei',
      body: { suggestion: 'weak form' },
      headers: { 'if-match': `W/${after.etag}` },
    });
    t.equal(weak.status, 200, 'a weak ETag form is accepted');
    t.equal(weak.headers.etag, `"${revisionOf(after.etag) + 1}"`);
  });

  t.test('If-Match on an unknown ticket is still a 404', async (t) => {
    const res = await api.call('POST', '/api/v1.0/tickets/876543/comments', {
      as: 'lilei',
      body: { suggestion: 'x' },
      headers: { 'if-match': '"0"' },
    });
    t.equal(res.status, 404, 'unknown ticket');
    t.match(res.body, { code: -1, error: 'ticket_not_found', msg: /876543/ }, 'names the ticket');
    t.notMatch(JSON.stringify(res.body), /no_stream/, 'no internal wording leaks');
  });

  t.test('10 simultaneous handles by the single assignee: exactly one goes through', async (t) => {
    const id = await h.acceptedByJack();
    const before = await h.detail(id);
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => h.inject('PATCH', `/api/v1.0/tickets/${id}`, 'jack', { transition_id: 5 })),
    );
    const statuses = responses.map((r) => r.statusCode);
    t.equal(statuses.filter((s) => s === 200).length, 1, `exactly one 200 (got ${statuses.join(',')})`);
    t.equal(statuses.filter((s) => s === 409).length, 9, 'the nine others are 409s');
    for (const r of responses.filter((r) => r.statusCode === 409)) {
      const body = JSON.parse(r.body);
      t.match(body, { code: -1, data: {}, error: /^(concurrent_change|wrong_state)$/, msg: /\w/ }, `a 409: ${body.error}`);
    }
    const winner = responses.find((r) => r.statusCode === 200)!;
    t.equal(winner.headers.etag, `"${revisionOf(before.etag) + 1}"`, 'the winner moved the revision by one');
    const after = await h.detail(id);
    t.equal(after.etag, winner.headers.etag);
    t.match(after.value, { state_id: 5, act_state_id: 4 });
    const handles = (await h.flowLogs(id)).filter((l) => l.intervene_type_id === 0 && l.transition_id === 5);
    t.equal(handles.length, 1, 'the flow log shows exactly one handle');
    t.equal(
      (await h.events(id)).filter((type) => type === 'TicketHandled').length,
      3,
      'one TicketHandled in the stream besides the two TL approvals',
    );
    const worked = await api.call('GET', '/api/v1.0/tickets', { as: 'jack', query: { category: 'worked', per_page: 1000 } });
    t.equal(worked.body.data.value.filter((i: { id: number }) => i.id === id).length, 1, "listed once in jack's worked list");
    if (onRealPostgres)
      t.comment(
        `statuses on PostgreSQL: ${statuses.join(',')}; errors: ${responses.map((r) => (r.statusCode === 200 ? 'ok' : JSON.parse(r.body).error)).join(',')}`,
      );
  });

  t.test('simultaneous accepts by both hr members: exactly one owns the ticket', async (t) => {
    const id = await h.create(leaveTicket());
    await h.must('PATCH', `/api/v1.0/tickets/${id}`, 'zhangsan', { transition_id: 3 });
    await h.must('PATCH', `/api/v1.0/tickets/${id}`, 'lisi', { transition_id: 3 });
    const who = Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? 'jack' : 'hanmeimei'));
    const responses = await Promise.all(who.map((as) => h.inject('POST', `/api/v1.0/tickets/${id}/accept`, as, {})));
    const winners = who.filter((_, i) => responses[i].statusCode === 200);
    t.equal(winners.length, 1, `exactly one accept wins (got ${responses.map((r) => r.statusCode).join(',')})`);
    for (const r of responses.filter((r) => r.statusCode !== 200)) {
      t.ok([403, 409].includes(r.statusCode), `a loser gets 403 or 409 (got ${r.statusCode})`);
      t.match(JSON.parse(r.body).error, /^(concurrent_change|wrong_state|not_permitted)$/);
    }
    t.match((await h.detail(id)).value, { participant_type_id: 1, participant: winners[0] });
    t.equal((await h.flowLogs(id)).filter((l) => l.intervene_type_id === 4).length, 1, 'one accept in the flow log');
  });

  t.test('"all must handle": two approvers at the same moment never lose a choice silently', async (t) => {
    const id = await h.create(leaveTicket());
    const responses = await Promise.all(
      ['zhangsan', 'lisi'].map((as) => h.inject('PATCH', `/api/v1.0/tickets/${id}`, as, { transition_id: 3 })),
    );
    const ok = responses.filter((r) => r.statusCode === 200).length;
    t.ok(ok >= 1, 'at least one goes through');
    for (const r of responses.filter((r) => r.statusCode !== 200)) {
      t.equal(r.statusCode, 409);
      t.match(JSON.parse(r.body), { error: 'concurrent_change', msg: /retry/ }, 'the loser is told to retry');
    }
    const handled = (await h.events(id)).filter((type) => type === 'TicketHandled').length;
    t.equal(handled, ok, 'one TicketHandled per 200');
    const v = (await h.detail(id)).value;
    if (ok === 2) t.match(v, { state_id: 4 }, 'both choices recorded: on to hr');
    else t.match(v, { state_id: 3, participant_type_id: 2 }, 'one choice recorded: still waiting for the other');
  });

  t.test('different tickets do not block each other', async (t) => {
    const ids = await Promise.all(Array.from({ length: 5 }, () => h.acceptedByJack()));
    const responses = await Promise.all(ids.map((id) => h.inject('PATCH', `/api/v1.0/tickets/${id}`, 'jack', { transition_id: 5 })));
    t.same(
      responses.map((r) => r.statusCode),
      [200, 200, 200, 200, 200],
      'every ticket is handled',
    );
    for (const id of ids) t.match((await h.detail(id)).value, { state_id: 5, act_state_id: 4 });
  });
});
