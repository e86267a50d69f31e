import t from 'tap';
import { leaveTicket, startApp, vpnTicket } from '../support/app.ts';

t.test('creating tickets over HTTP', async (t) => {
  const api = await startApp(t);
  const ticketCount = async () => (await api.call('GET', '/api/v1.0/tickets', { as: 'admin', query: { category: 'all' } })).body.data.total;

  t.test('a created ticket is in the detail and the list in the very next request', async (t) => {
    const created = await api.call('POST', '/api/v1.0/tickets', { body: vpnTicket({ suggestion: 'please' }) });
    t.equal(created.status, 200);
    t.match(created.body, { code: 0, msg: '', data: { ticket_id: Number } });
    t.equal(created.headers.etag, '"0"');
    const id = created.body.data.ticket_id;

    const detail = await api.call('GET', `/api/v1.0/tickets/${id}`);
    t.equal(detail.status, 200);
    t.match(detail.body.data.value, {
      id,
      title: 'vpn for lilei',
      workflow_id: 2,
      state_id: 7,
      creator: 'lilei',
      act_state_id: 1,
      participant_type_id: 2,
      is_end: false,
      state_info: { id: 7, name: '发起人tl-审批中' },
      creator_info: {
        username: 'lilei',
        alias: '李磊',
        dept_info: { id: 2, name: '技术部', parent_dept_info: { parent_dept_name: '总部' } },
      },
    });
    t.same(JSON.parse(detail.body.data.value.multi_all_person), { zhangsan: {}, admin: {} }, 'state 7 is "all must handle"');

    const list = await api.call('GET', '/api/v1.0/tickets', { query: { category: 'owner' } });
    t.ok(
      list.body.data.value.some((item: { id: number }) => item.id === id),
      "in the creator's list",
    );
  });

  t.test('sn is <prefix>_YYYYMMDDNNNN, unique and counting up within the day', async (t) => {
    const ids = await Promise.all(
      [1, 2, 3].map(async () => (await api.call('POST', '/api/v1.0/tickets', { body: vpnTicket() })).body.data.ticket_id),
    );
    const sns = await Promise.all(ids.map(async (id) => (await api.call('GET', `/api/v1.0/tickets/${id}`)).body.data.value.sn));
    const now = api.now();
    const day = `${now.getFullYear()}${String(now.getMonth() + 1).padStart(2, '0')}${String(now.getDate()).padStart(2, '0')}`;
    for (const sn of sns) t.match(sn, new RegExp(`^demo_${day}\\d{4}$`));
    t.equal(new Set(sns).size, 3, 'all different');
    t.equal(new Set(ids).size, 3, 'ids all different');
  });

  t.test('a save (start→start) creates a draft assigned to the creator', async (t) => {
    const created = await api.call('POST', '/api/v1.0/tickets', { body: leaveTicket({ transition_id: 2 }) });
    t.equal(created.status, 200);
    const detail = (await api.call('GET', `/api/v1.0/tickets/${created.body.data.ticket_id}`)).body.data.value;
    t.match(detail, { state_id: 1, act_state_id: 0, participant_type_id: 1, participant: 'lilei' });
  });

  t.test('a body with only workflow_id and transition_id is accepted when nothing is required (Q2)', async (t) => {
    const created = await api.call('POST', '/api/v1.0/tickets', { body: { workflow_id: 1, transition_id: 2 } });
    t.equal(created.status, 422, 'the leave workflow requires fields even for a draft');
    const draft = await api.call('PUT', '/api/v1.0/config', {
      as: 'admin',
      body: {
        workflows: [
          {
            id: 30,
            name: 'minimal',
            states: [
              { id: 301, name: 'start', type_id: 1, participant_type_id: 5, participant: 'creator' },
              { id: 302, name: 'end', type_id: 2, participant_type_id: 0 },
            ],
            transitions: [{ id: 301, name: 'go', source_state_id: 301, destination_state_id: 302 }],
          },
        ],
      },
    });
    t.equal(draft.status, 200, JSON.stringify(draft.body));
    const res = await api.call('POST', '/api/v1.0/tickets', { body: { workflow_id: 30, transition_id: 301 } });
    t.equal(res.status, 200);
    const detail = (await api.call('GET', `/api/v1.0/tickets/${res.body.data.ticket_id}`)).body.data.value;
    t.match(detail, { act_state_id: 4, is_end: true, participant: '' }, 'straight to the end state: finished');
  });

  t.test('bad input gets a 4xx with code -1 and changes nothing', async (t) => {
    const before = await ticketCount();
    const cases: [string, { body?: unknown; raw?: string; as?: string | null }, number, string, RegExp][] = [
      ['malformed JSON', { raw: '{"workflow_id": 2,' }, 400, 'invalid_request', /JSON/],
      ['a JSON array', { body: [1, 2] }, 400, 'invalid_request', /object/],
      ['no workflow_id', { body: { transition_id: 7 } }, 400, 'invalid_request', /workflow_id/],
      ['workflow_id of the wrong type', { body: vpnTicket({ workflow_id: 'two' }) }, 400, 'invalid_request', /workflow_id/],
      ['a negative transition_id', { body: vpnTicket({ transition_id: -7 }) }, 400, 'invalid_request', /transition_id/],
      ['an unknown workflow', { body: vpnTicket({ workflow_id: 999 }) }, 404, 'workflow_not_found', /999/],
      ['an unknown transition', { body: vpnTicket({ transition_id: 999 }) }, 404, 'transition_not_found', /999/],
      ['a transition that does not leave the start state', { body: vpnTicket({ transition_id: 8 }) }, 409, 'wrong_state', /start state/],
      [
        'a missing required field',
        { body: { workflow_id: 2, transition_id: 7, title: 'x' } },
        422,
        'required_fields_missing',
        /vpn_reason/,
      ],
      ['an empty required field', { body: vpnTicket({ vpn_reason: '' }) }, 422, 'required_fields_missing', /vpn_reason/],
      ['an int field given text', { body: leaveTicket({ leave_days: 'three' }) }, 400, 'invalid_field_value', /leave_days/],
      ['a date field given a non-date', { body: leaveTicket({ leave_start: '2026-13-45' }) }, 400, 'invalid_field_value', /leave_start/],
      ['a radio value outside its choices', { body: leaveTicket({ leave_type: '9' }) }, 400, 'invalid_field_value', /leave_type/],
      ['a title that is not a string', { body: vpnTicket({ title: { a: 1 } }) }, 400, 'invalid_field_value', /title/],
      ['a suggestion over 10,000 characters', { body: vpnTicket({ suggestion: 'x'.repeat(10_001) }) }, 400, 'suggestion_too_long', /10000/],
      ['a suggestion that is not text', { body: vpnTicket({ suggestion: 5 }) }, 400, 'invalid_request', /suggestion/],
      ['a parent ticket without its state', { body: vpnTicket({ parent_ticket_id: 1 }) }, 400, 'invalid_request', /parent_ticket_state_id/],
      [
        'an unknown parent ticket',
        { body: vpnTicket({ parent_ticket_id: 99999, parent_ticket_state_id: 8 }) },
        404,
        'ticket_not_found',
        /99999/,
      ],
      ['no username', { body: vpnTicket(), as: null }, 400, 'missing_username', /username/],
    ];
    for (const [name, input, status, error, msg] of cases) {
      const res =
        input.raw !== undefined
          ? await api.call('POST', '/api/v1.0/tickets', { body: input.raw })
          : await api.call('POST', '/api/v1.0/tickets', { body: input.body, as: input.as === undefined ? 'lilei' : input.as });
      t.equal(res.status, status, `${name}: status`);
      t.match(res.body, { code: -1, data: {}, error, msg }, `${name}: envelope`);
    }
    t.equal(await ticketCount(), before, 'no ticket was created');
  });

  t.test('several bad fields are all named at once', async (t) => {
    const res = await api.call('POST', '/api/v1.0/tickets', { body: leaveTicket({ leave_days: 1.5, leave_start: 'soon' }) });
    t.equal(res.status, 400);
    t.match(res.body.msg, /leave_start/);
    t.match(res.body.msg, /leave_days/);
  });

  t.test('an app may only create tickets of the workflows it is granted', async (t) => {
    const applied = await api.call('PUT', '/api/v1.0/config', {
      as: 'admin',
      body: { apps: [{ name: 'leave_portal', token: 'lp-token', workflow_ids: [1] }] },
    });
    t.equal(applied.status, 200);
    const scoped = { name: 'leave_portal', token: 'lp-token' };
    const refused = await api.call('POST', '/api/v1.0/tickets', { body: vpnTicket(), app: scoped });
    t.equal(refused.status, 403);
    t.match(refused.body, { code: -1, error: 'app_not_allowed' });
    const allowed = await api.call('POST', '/api/v1.0/tickets', { body: leaveTicket(), app: scoped });
    t.equal(allowed.status, 200);
    const vpn = await api.call('POST', '/api/v1.0/tickets', { body: vpnTicket() });
    const peek = await api.call('GET', `/api/v1.0/tickets/${vpn.body.data.ticket_id}`, { app: scoped });
    t.equal(peek.status, 403, 'nor read tickets of other workflows');
    const list = await api.call('GET', '/api/v1.0/tickets', { app: scoped, query: { category: 'all', per_page: 1000 } });
    t.ok(
      list.body.data.value.every((i: { workflow_id: number }) => i.workflow_id === 1),
      'the list shows only granted workflows',
    );
  });

  t.test('a parent ticket must be one the app may use, in a state of its workflow', async (t) => {
    const vpn = (await api.call('POST', '/api/v1.0/tickets', { body: vpnTicket() })).body.data.ticket_id;
    const scoped = { name: 'leave_portal', token: 'lp-token' };
    const outOfScope = await api.call('POST', '/api/v1.0/tickets', {
      body: leaveTicket({ parent_ticket_id: vpn, parent_ticket_state_id: 7 }),
      app: scoped,
    });
    t.equal(outOfScope.status, 403);
    t.match(outOfScope.body, { error: 'app_not_allowed', msg: /parent ticket/ });
    const wrongState = await api.call('POST', '/api/v1.0/tickets', {
      body: leaveTicket({ parent_ticket_id: vpn, parent_ticket_state_id: 3 }),
    });
    t.equal(wrongState.status, 400);
    t.match(wrongState.body, { error: 'invalid_request', msg: /parent_ticket_state_id 3/ });
    const tooBig = await api.call('POST', '/api/v1.0/tickets', {
      body: vpnTicket({ parent_ticket_id: vpn, parent_ticket_state_id: 3_000_000_000 }),
    });
    t.equal(tooBig.status, 400, 'an id beyond an integer never reaches the log');
    const fine = await api.call('POST', '/api/v1.0/tickets', { body: leaveTicket({ parent_ticket_id: vpn, parent_ticket_state_id: 7 }) });
    t.equal(fine.status, 200);
  });

  t.test("the sn prefix is the calling app's", async (t) => {
    const res = await api.call('POST', '/api/v1.0/tickets', { body: leaveTicket(), app: { name: 'leave_portal', token: 'lp-token' } });
    const sn = (await api.call('GET', `/api/v1.0/tickets/${res.body.data.ticket_id}`)).body.data.value.sn;
    t.match(sn, /^loonflow_\d{12}$/, 'leave_portal has the default prefix');
  });

  t.test('a retried create with the same Idempotency-Key returns the same ticket', async (t) => {
    const before = await ticketCount();
    const headers = { 'idempotency-key': 'create-vpn-42' };
    const first = await api.call('POST', '/api/v1.0/tickets', { body: vpnTicket({ title: 'once' }), headers });
    const retry = await api.call('POST', '/api/v1.0/tickets', {
      body: { vpn_reason: 'remote work', title: 'once', transition_id: 7, workflow_id: 2 },
      headers,
    });
    t.equal(first.status, 200);
    t.same(retry.body, first.body, 'same ticket id, same body');
    t.equal(retry.headers['idempotent-replayed'], 'true');
    const concurrent = await Promise.all(
      [1, 2, 3, 4].map(() =>
        api.call('POST', '/api/v1.0/tickets', { body: vpnTicket({ title: 'race' }), headers: { 'idempotency-key': 'race-1' } }),
      ),
    );
    t.equal(new Set(concurrent.map((r) => r.body.data.ticket_id)).size, 1, 'concurrent retries create one ticket');
    t.equal(await ticketCount(), before + 2);
    const reused = await api.call('POST', '/api/v1.0/tickets', { body: vpnTicket({ title: 'something else' }), headers });
    t.equal(reused.status, 422);
    t.match(reused.body, { code: -1, error: 'idempotency_key_reused' });
    const otherApp = await api.call('POST', '/api/v1.0/tickets', {
      body: leaveTicket(),
      headers: { 'idempotency-key': 'create-vpn-42' },
      app: { name: 'leave_portal', token: 'lp-token' },
    });
    t.equal(otherApp.status, 200, 'keys are per app');
  });

  t.test('the request id is the correlation id of the events it appended', async (t) => {
    const res = await api.call('POST', '/api/v1.0/tickets', { body: vpnTicket(), headers: { 'x-request-id': 'trace-abc-123' } });
    t.equal(res.headers['x-request-id'], 'trace-abc-123');
    const events = await api.runtime.store.readStream(`ticket-${res.body.data.ticket_id}`);
    t.match(events[0].metadata, { correlationId: 'trace-abc-123', actor: 'lilei', app: 'demo', workflowVersion: 1 });
  });

  t.test('limit_expression: who may create, and how many per period', async (t) => {
    const applied = await api.call('PUT', '/api/v1.0/config', {
      as: 'admin',
      body: {
        workflows: [
          {
            id: 31,
            name: 'limited',
            limit_expression: { period: 24, count: 2, level: 1, allow_depts: '1' },
            states: [
              { id: 311, name: 'start', type_id: 1, participant_type_id: 5, participant: 'creator' },
              { id: 312, name: 'end', type_id: 2, participant_type_id: 0 },
            ],
            transitions: [{ id: 311, name: 'go', source_state_id: 311, destination_state_id: 312 }],
          },
        ],
      },
    });
    t.equal(applied.status, 200, JSON.stringify(applied.body));
    const body = { workflow_id: 31, transition_id: 311 };
    t.equal((await api.call('POST', '/api/v1.0/tickets', { body, as: 'zhangsan' })).status, 200, 'dept 2 is below dept 1');
    t.equal((await api.call('POST', '/api/v1.0/tickets', { body, as: 'zhangsan' })).status, 200);
    const third = await api.call('POST', '/api/v1.0/tickets', { body, as: 'zhangsan' });
    t.equal(third.status, 422);
    t.match(third.body, { code: -1, error: 'creation_limited', msg: /2 ticket\(s\) per user every 24 hour/ });
    t.equal((await api.call('POST', '/api/v1.0/tickets', { body, as: 'lisi' })).status, 200, 'the limit is per user');
    const outsider = await api.call('POST', '/api/v1.0/tickets', { body, as: 'stranger' });
    t.equal(outsider.status, 403, 'a user outside the allowed depts');
    t.match(outsider.body, { error: 'not_permitted', msg: /depts 1/ });
  });
});
