// The write side refuses what cannot be stored (issue 7 §1, §6): bounded strings with a 400
// naming the field and the bound, active directory users as targets and username values,
// strict JSON types, JSON-only bodies (415 otherwise) and empty bodies where nothing is required.
import t from 'tap';
import type { Test } from 'tap';
import { leaveTicket, startApp, vpnTicket } from '../support/app.ts';

const MiB = 'x'.repeat(1 << 20);

t.test('input bounds over HTTP', async (t) => {
  const api = await startApp(t);
  const create = async (body: Record<string, unknown>, as = 'lilei') => {
    const res = await api.call('POST', '/api/v1.0/tickets', { body, as });
    t.equal(res.status, 200, `created: ${JSON.stringify(res.body).slice(0, 200)}`);
    return res.body.data.ticket_id as number;
  };
  const revision = async (id: number) => (await api.call('GET', `/api/v1.0/tickets/${id}`, { as: 'admin' })).headers.etag;
  const refused = async (t: Test, res: Promise<{ status: number; body: any }>, status: number, error: string, msg: RegExp) => {
    const r = await res;
    t.equal(r.status, status, `status ${status}: ${JSON.stringify(r.body).slice(0, 300)}`);
    t.match(r.body, { code: -1, error, msg });
  };

  // vpn ticket at state 7: zhangsan and admin must both handle.
  const vpn = await create(vpnTicket());

  t.test("deliver with a 1 MiB target_username (the issue's reproduction) is a 400 naming the field and the bound", async (t) => {
    const before = await revision(vpn);
    await refused(
      t,
      api.call('POST', `/api/v1.0/tickets/${vpn}/deliver`, { as: 'zhangsan', body: { target_username: MiB, suggestion: 'x' } }),
      400,
      'invalid_request',
      /target_username.*at most 50 characters/,
    );
    t.equal(await revision(vpn), before, 'nothing appended');
  });

  t.test('deliver and add_node to a user the directory does not have are 400s naming the user (inactive users: test/domain)', async (t) => {
    const before = await revision(vpn);
    await refused(
      t,
      api.call('POST', `/api/v1.0/tickets/${vpn}/deliver`, { as: 'zhangsan', body: { target_username: 'nosuchuser' } }),
      400,
      'invalid_request',
      /"nosuchuser" is not a user of the directory/,
    );
    await refused(
      t,
      api.call('POST', `/api/v1.0/tickets/${vpn}/deliver`, { as: 'admin', body: { target_username: 'nosuchuser', from_admin: true } }),
      400,
      'invalid_request',
      /nosuchuser/,
    );
    await refused(
      t,
      api.call('POST', `/api/v1.0/tickets/${vpn}/add_node`, { as: 'zhangsan', body: { target_username: 'nosuchuser' } }),
      400,
      'invalid_request',
      /nosuchuser/,
    );
    t.equal(await revision(vpn), before, 'nothing appended');
  });

  t.test('a username field naming an unknown user is a 400 naming the field and the user', async (t) => {
    await refused(
      t,
      api.call('POST', '/api/v1.0/tickets', { body: leaveTicket({ leave_proxy: 'nosuchuser' }) }),
      400,
      'invalid_field_value',
      /leave_proxy.*"nosuchuser" is not a user of the directory/,
    );
    await refused(
      t,
      api.call('POST', '/api/v1.0/tickets', { body: leaveTicket({ leave_proxy: 'u'.repeat(51) }) }),
      400,
      'invalid_field_value',
      /leave_proxy.*at most 50 characters/,
    );
    const ok = await create(leaveTicket({ leave_proxy: 'zhangsan' }));
    t.ok(ok > 0, 'an active user is accepted');
  });

  t.test('ids in a JSON body are JSON integers: a numeric string is a 400 naming the field', async (t) => {
    await refused(
      t,
      api.call('POST', '/api/v1.0/tickets', { body: vpnTicket({ workflow_id: '2' }) }),
      400,
      'invalid_request',
      /workflow_id: must be a JSON integer, not a string/,
    );
    await refused(
      t,
      api.call('POST', '/api/v1.0/tickets', { body: vpnTicket({ transition_id: '7' }) }),
      400,
      'invalid_request',
      /transition_id: must be a JSON integer/,
    );
    await refused(
      t,
      api.call('POST', '/api/v1.0/tickets', { body: vpnTicket({ parent_ticket_id: '1', parent_ticket_state_id: 6 }) }),
      400,
      'invalid_request',
      /parent_ticket_id: must be a JSON integer/,
    );
    const before = await revision(vpn);
    await refused(
      t,
      api.call('PATCH', `/api/v1.0/tickets/${vpn}`, { as: 'zhangsan', body: { transition_id: '8' } }),
      400,
      'invalid_request',
      /transition_id: must be a JSON integer/,
    );
    await refused(
      t,
      api.call('PUT', `/api/v1.0/tickets/${vpn}/state`, { as: 'admin', body: { state_id: '8' } }),
      400,
      'invalid_request',
      /state_id: must be a JSON integer/,
    );
    t.equal(await revision(vpn), before, 'nothing appended');
    // Path and query parameters stay text of digits; booleans keep contract §3's forms.
    t.equal((await api.call('GET', `/api/v1.0/tickets/${vpn}`, { as: 'admin' })).status, 200);
    t.equal((await api.call('GET', '/api/v1.0/tickets', { as: 'admin', query: { category: 'all', parent_ticket_id: '0' } })).status, 200);
  });

  t.test('the username header is a username of at most 50 characters, everywhere', async (t) => {
    await refused(
      t,
      api.call('GET', '/api/v1.0/tickets', { as: 'u'.repeat(51), query: { category: 'duty' } }),
      400,
      'invalid_request',
      /username header.*at most 50 characters/,
    );
    await refused(t, api.call('POST', '/api/v1.0/tickets', { as: MiB, body: vpnTicket() }), 400, 'invalid_request', /username header/);
    t.equal(
      (await api.call('GET', '/api/v1.0/tickets', { as: '😀'.repeat(50), query: { category: 'duty' } })).status,
      200,
      '50 astral characters are 50 characters',
    );
  });

  t.test('hook_call_back: msg is bounded like a suggestion, field_value keys like field keys', async (t) => {
    const before = await revision(vpn);
    await refused(
      t,
      api.call('POST', `/api/v1.0/tickets/${vpn}/hook_call_back`, { as: 'admin', body: { result: true, msg: 'x'.repeat(10_001) } }),
      400,
      'invalid_request',
      /msg: must be at most 10000 characters/,
    );
    await refused(
      t,
      api.call('POST', `/api/v1.0/tickets/${vpn}/hook_call_back`, { as: 'admin', body: { result: true, field_value: { [MiB]: 1 } } }),
      400,
      'invalid_request',
      /field keys of at most 50 characters/,
    );
    const r = await api.call('POST', `/api/v1.0/tickets/${vpn}/hook_call_back`, {
      as: 'admin',
      body: { result: true, field_value: { [MiB]: 1 } },
    });
    t.ok(JSON.stringify(r.body).length < 1000, 'the answer does not echo the megabyte key');
    t.equal(await revision(vpn), before, 'nothing appended');
  });

  t.test('suggestions are bounded on every route that takes one', async (t) => {
    const long = 'x'.repeat(10_001);
    for (const [method, path, as, body] of [
      ['PATCH', '', 'zhangsan', { transition_id: 8, suggestion: long }],
      ['POST', '/deliver', 'zhangsan', { target_username: 'lisi', suggestion: long }],
      ['POST', '/add_node', 'zhangsan', { target_username: 'lisi', suggestion: long }],
      ['POST', '/comments', 'admin', { suggestion: long }],
      ['POST', '/close', 'admin', { suggestion: long }],
      ['PUT', '/state', 'admin', { state_id: 8, suggestion: long }],
    ] as const) {
      await refused(
        t,
        api.call(method, `/api/v1.0/tickets/${vpn}${path}`, { as, body }),
        400,
        'suggestion_too_long',
        /suggestion is 10001 characters long; the limit is 10000/,
      );
    }
    await refused(t, api.call('POST', '/api/v1.0/tickets', { body: vpnTicket({ suggestion: long }) }), 400, 'suggestion_too_long', /10000/);
  });

  t.test('several field errors are separated by "; " and missing fields come in the workflow\'s field order', async (t) => {
    await refused(
      t,
      api.call('POST', '/api/v1.0/tickets', { body: leaveTicket({ leave_days: 'three', leave_end: '2026-02-30' }) }),
      400,
      'invalid_field_value',
      /Field "leave_end" must be a date "YYYY-MM-DD", got "2026-02-30"; Field "leave_days" must be an integer/,
    );
    const r = await api.call('POST', '/api/v1.0/tickets', { body: { workflow_id: 1, transition_id: 1 } });
    t.match(r.body, {
      error: 'required_fields_missing',
      details: { fields: ['title', 'leave_start', 'leave_end', 'leave_days', 'leave_type'] },
    });
  });

  t.test('a JSON object sent as text/plain is a 415 naming application/json', async (t) => {
    const before = await revision(vpn);
    await refused(
      t,
      api.call('POST', `/api/v1.0/tickets/${vpn}/comments`, {
        as: 'admin',
        body: '{"suggestion":"hi"}',
        headers: { 'content-type': 'text/plain' },
      }),
      415,
      'invalid_request',
      /application\/json/,
    );
    await refused(
      t,
      api.call('POST', '/api/v1.0/tickets', {
        body: JSON.stringify(vpnTicket()),
        headers: { 'content-type': 'text/plain; charset=utf-8' },
      }),
      415,
      'invalid_request',
      /application\/json/,
    );
    t.equal(await revision(vpn), before, 'nothing appended');
  });

  t.test('accept and add_node_end with content-type application/json and an empty body are accepted', async (t) => {
    const leave = await create(leaveTicket());
    for (const as of ['zhangsan', 'lisi']) {
      t.equal((await api.call('PATCH', `/api/v1.0/tickets/${leave}`, { as, body: { transition_id: 3 } })).status, 200);
    }
    const accepted = await api.call('POST', `/api/v1.0/tickets/${leave}/accept`, { as: 'jack', body: '' });
    t.equal(accepted.status, 200, `accept: ${JSON.stringify(accepted.body)}`);
    t.equal(
      (await api.call('POST', `/api/v1.0/tickets/${leave}/add_node`, { as: 'jack', body: { target_username: 'lilei' } })).status,
      200,
    );
    const ended = await api.call('POST', `/api/v1.0/tickets/${leave}/add_node_end`, { as: 'lilei', body: '' });
    t.equal(ended.status, 200, `add_node_end: ${JSON.stringify(ended.body)}`);
    // A body with required keys still names them.
    await refused(
      t,
      api.call('POST', `/api/v1.0/tickets/${leave}/deliver`, { as: 'jack', body: '' }),
      400,
      'invalid_request',
      /target_username/,
    );
  });

  t.test('JSON nested deeper than 64 levels is a 400, never a stack overflow', async (t) => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    await refused(
      t,
      api.call('POST', `/api/v1.0/tickets/${vpn}/comments`, { as: 'admin', body: `{"suggestion":${deep}}` }),
      400,
      'invalid_request',
      /nested more than 64 levels/,
    );
  });

  t.test('If-Match holds a revision: a megabyte of digits is a 400', async (t) => {
    await refused(
      t,
      api.call('POST', `/api/v1.0/tickets/${vpn}/comments`, {
        as: 'admin',
        body: { suggestion: 'hi' },
        headers: { 'if-match': '9'.repeat(1 << 20) },
      }),
      400,
      'invalid_request',
      /If-Match/,
    );
  });
});
