// Every action endpoint: its success body (ticket.rst, contract §5) and its refusals, each
// with a status, an `error` code and a msg naming the problem, and with nothing changed.
import t from 'tap';
import type { Test } from 'tap';
import { leaveTicket, startApp, vpnTicket, type TestApp } from '../support/app.ts';

type Method = 'PATCH' | 'POST' | 'PUT';

/** A workflow with a withdrawable state and a workflow admin (guiji) who is not a super admin. */
const RETREAT_WORKFLOW = {
  id: 40,
  name: 'withdrawable',
  admins: ['guiji'],
  custom_fields: [{ id: 401, field_key: 'note', field_name: 'note', field_type_id: 5, order_id: 10 }],
  states: [
    { id: 401, name: 'draft', type_id: 1, participant_type_id: 5, participant: 'creator', state_field: { note: 3 } },
    { id: 402, name: 'review', participant_type_id: 1, participant: 'zhangsan', enable_retreat: true },
    { id: 403, name: 'final review', participant_type_id: 1, participant: 'lisi' },
    { id: 404, name: 'done', type_id: 2, participant_type_id: 0 },
  ],
  transitions: [
    { id: 401, name: 'submit', source_state_id: 401, destination_state_id: 402 },
    { id: 402, name: 'pass', source_state_id: 402, destination_state_id: 403 },
    { id: 403, name: 'finish', source_state_id: 403, destination_state_id: 404 },
  ],
};

function helpers(api: TestApp) {
  const create = async (body: Record<string, unknown>, as = 'lilei') => {
    const res = await api.call('POST', '/api/v1.0/tickets', { body, as });
    if (res.status !== 200) throw new Error(`create: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.data.ticket_id as number;
  };
  const must = async (method: Method, url: string, as: string, body: unknown = {}) => {
    const res = await api.call(method, url, { as, body });
    if (res.status !== 200) throw new Error(`${method} ${url} as ${as}: ${res.status} ${JSON.stringify(res.body)}`);
    return res;
  };
  const detail = async (id: number) => {
    const res = await api.call('GET', `/api/v1.0/tickets/${id}`, { as: 'admin' });
    return { etag: res.headers.etag, value: res.body.data.value };
  };
  const flowLogs = (id: number) =>
    api.runtime.database.db.selectFrom('ticket_flow_logs').selectAll().where('ticket_id', '=', id).orderBy('id').execute();
  const inList = async (id: number, as: string, category: string) => {
    const res = await api.call('GET', '/api/v1.0/tickets', { as, query: { category, per_page: 1000 } });
    return res.body.data.value.some((i: { id: number }) => i.id === id);
  };

  /** leave ticket at state 3 (zhangsan, lisi: all must handle). */
  const atTl = () => create(leaveTicket());
  /** leave ticket at state 4, waiting for jack or hanmeimei to accept. */
  const atHr = async () => {
    const id = await atTl();
    await must('PATCH', `/api/v1.0/tickets/${id}`, 'zhangsan', { transition_id: 3 });
    await must('PATCH', `/api/v1.0/tickets/${id}`, 'lisi', { transition_id: 3 });
    return id;
  };
  /** leave ticket at state 4, accepted by jack. */
  const atHrAccepted = async () => {
    const id = await atHr();
    await must('POST', `/api/v1.0/tickets/${id}/accept`, 'jack');
    return id;
  };
  /** leave draft at the start state, assigned to its creator lilei. */
  const draft = () => create(leaveTicket({ transition_id: 2 }));
  /** vpn ticket waiting at the hook state 9. */
  const atHook = async () => {
    const id = await create(vpnTicket({ vpn_type: '2' }));
    await must('PATCH', `/api/v1.0/tickets/${id}`, 'zhangsan', { transition_id: 8 });
    await must('PATCH', `/api/v1.0/tickets/${id}`, 'admin', { transition_id: 8 });
    await must('POST', `/api/v1.0/tickets/${id}/accept`, 'guiji');
    await must('PATCH', `/api/v1.0/tickets/${id}`, 'guiji', { transition_id: 9 });
    return id;
  };

  /**
   * The request is refused with this status, error code and msg, and the ticket is exactly as
   * before: same detail, same ETag, no new flow log.
   */
  const refused = async (
    t: Test,
    label: string,
    id: number,
    request: () => Promise<{ status: number; body: any }>,
    status: number,
    error: string,
    msg: RegExp,
  ) => {
    const before = await detail(id);
    const logsBefore = (await flowLogs(id)).length;
    const res = await request();
    t.equal(res.status, status, `${label}: status ${status} (got ${res.status}: ${JSON.stringify(res.body).slice(0, 300)})`);
    t.match(res.body, { code: -1, data: {}, error, msg }, `${label}: envelope`);
    const after = await detail(id);
    t.equal(after.etag, before.etag, `${label}: ETag unchanged`);
    t.same(after.value, before.value, `${label}: detail unchanged`);
    t.equal((await flowLogs(id)).length, logsBefore, `${label}: no flow log`);
  };
  return { create, must, detail, flowLogs, inList, atTl, atHr, atHrAccepted, draft, atHook, refused };
}

t.test('ticket actions over HTTP', async (t) => {
  const api = await startApp(t);
  const h = helpers(api);
  const { must, detail, flowLogs, refused } = h;
  const url = (id: number, action = '') => `/api/v1.0/tickets/${id}${action}`;
  const call = (method: Method, path: string, as: string, body?: unknown, headers?: Record<string, string>) => () =>
    api.call(method, path, { as, body, headers });

  t.test('PATCH /tickets/{id} (handle)', async (t) => {
    t.test('success: data {} and a new ETag', async (t) => {
      const id = await h.atTl();
      const before = await detail(id);
      const res = await api.call('PATCH', url(id), { as: 'zhangsan', body: { transition_id: 3, suggestion: 'x'.repeat(10_000) } });
      t.equal(res.status, 200, 'a suggestion of exactly 10,000 characters is fine');
      t.same(res.body, { code: 0, msg: '', data: {} });
      t.equal(res.headers.etag, `"${Number(JSON.parse(before.etag as string)) + 1}"`);
      t.equal((await detail(id)).etag, res.headers.etag, 'the detail has the same ETag');
      t.match((await flowLogs(id)).at(-1), { intervene_type_id: 0, transition_id: 3, participant: 'zhangsan', state_id: 3 });
    });

    t.test('a draft is submitted with its required fields', async (t) => {
      const id = await h.draft();
      const res = await api.call('PATCH', url(id), {
        as: 'lilei',
        body: {
          transition_id: 1,
          title: 'resubmitted',
          leave_start: '2026-12-02',
          leave_end: '2026-12-04',
          leave_days: 2,
          leave_type: '2',
        },
      });
      t.equal(res.status, 200, JSON.stringify(res.body));
      t.match((await detail(id)).value, { state_id: 3, act_state_id: 1, title: 'resubmitted' });
    });

    t.test('refusals', async (t) => {
      const tl = await h.atTl();
      await refused(
        t,
        'missing transition_id',
        tl,
        call('PATCH', url(tl), 'zhangsan', { suggestion: 'hi' }),
        400,
        'invalid_request',
        /transition_id/,
      );
      await refused(
        t,
        'transition_id not a number',
        tl,
        call('PATCH', url(tl), 'zhangsan', { transition_id: 'agree' }),
        400,
        'invalid_request',
        /transition_id/,
      );
      await refused(
        t,
        'unknown transition',
        tl,
        call('PATCH', url(tl), 'zhangsan', { transition_id: 999 }),
        404,
        'transition_not_found',
        /999/,
      );
      await refused(
        t,
        'a transition from another state',
        tl,
        call('PATCH', url(tl), 'zhangsan', { transition_id: 5 }),
        409,
        'wrong_state',
        /Transition 5.*TL审批中/,
      );
      await refused(
        t,
        'a transition of another workflow',
        tl,
        call('PATCH', url(tl), 'zhangsan', { transition_id: 8 }),
        404,
        'transition_not_found',
        /Transition 8.*workflow 1/,
      );
      await refused(
        t,
        'not a participant',
        tl,
        call('PATCH', url(tl), 'jack', { transition_id: 3 }),
        403,
        'not_permitted',
        /jack.*participant/,
      );
      await refused(
        t,
        'the creator is not a participant',
        tl,
        call('PATCH', url(tl), 'lilei', { transition_id: 3 }),
        403,
        'not_permitted',
        /lilei/,
      );
      await refused(t, 'empty body', tl, call('PATCH', url(tl), 'zhangsan', {}), 400, 'invalid_request', /empty/);
      await refused(t, 'malformed JSON', tl, call('PATCH', url(tl), 'zhangsan', '{"transition_id": 3,'), 400, 'invalid_request', /JSON/);
      await refused(t, 'a JSON array', tl, call('PATCH', url(tl), 'zhangsan', [3]), 400, 'invalid_request', /object/);
      await refused(
        t,
        'suggestion 10,001 chars',
        tl,
        call('PATCH', url(tl), 'zhangsan', { transition_id: 3, suggestion: 'x'.repeat(10_001) }),
        400,
        'suggestion_too_long',
        /10001.*10000/,
      );
      await refused(
        t,
        'suggestion not text',
        tl,
        call('PATCH', url(tl), 'zhangsan', { transition_id: 3, suggestion: 42 }),
        400,
        'invalid_request',
        /suggestion/,
      );
      await refused(
        t,
        'no username',
        tl,
        () => api.call('PATCH', url(tl), { as: null, body: { transition_id: 3 } }),
        400,
        'missing_username',
        /username/,
      );

      const hr = await h.atHr();
      await refused(t, 'before accept', hr, call('PATCH', url(hr), 'jack', { transition_id: 5 }), 409, 'wrong_state', /accept/);

      const consulted = await h.atHrAccepted();
      await must('POST', url(consulted, '/add_node'), 'jack', { target_username: 'lilei' });
      await refused(
        t,
        'during add-node, the consulted user',
        consulted,
        call('PATCH', url(consulted), 'lilei', { transition_id: 5 }),
        409,
        'wrong_state',
        /add_node_end/,
      );
      await refused(
        t,
        'during add-node, the one who asked',
        consulted,
        call('PATCH', url(consulted), 'jack', { transition_id: 5 }),
        403,
        'not_permitted',
        /jack/,
      );

      const d = await h.draft();
      await refused(
        t,
        'required fields missing',
        d,
        call('PATCH', url(d), 'lilei', { transition_id: 1 }),
        422,
        'required_fields_missing',
        /leave_start.*leave_end.*leave_days|leave_days.*leave_start/,
      );
      const full = { transition_id: 1, title: 't', leave_start: '2026-12-02', leave_end: '2026-12-04', leave_days: 2, leave_type: '2' };
      await refused(
        t,
        'a required field left empty',
        d,
        call('PATCH', url(d), 'lilei', { ...full, leave_start: '' }),
        422,
        'required_fields_missing',
        /leave_start/,
      );
      await refused(
        t,
        'bad field value (int)',
        d,
        call('PATCH', url(d), 'lilei', { ...full, leave_days: 'three' }),
        400,
        'invalid_field_value',
        /leave_days/,
      );
      await refused(
        t,
        'bad field value (date)',
        d,
        call('PATCH', url(d), 'lilei', { ...full, leave_end: '2026-02-30' }),
        400,
        'invalid_field_value',
        /leave_end/,
      );
      await refused(
        t,
        'bad field value (radio)',
        d,
        call('PATCH', url(d), 'lilei', { ...full, leave_type: '7' }),
        400,
        'invalid_field_value',
        /leave_type/,
      );

      const ended = await h.create(leaveTicket({ leave_days: 1, leave_end: '2026-12-01' }));
      await must('PATCH', url(ended), 'zhangsan', { transition_id: 3 });
      await must('PATCH', url(ended), 'lisi', { transition_id: 3 });
      await refused(
        t,
        'a finished ticket',
        ended,
        call('PATCH', url(ended), 'zhangsan', { transition_id: 3 }),
        409,
        'wrong_state',
        /nothing more can be done/,
      );
    });
  });

  t.test('"all must handle" with different choices starts a new round (Q9)', async (t) => {
    const id = await h.atTl();
    await must('PATCH', url(id), 'zhangsan', { transition_id: 3 });
    await must('PATCH', url(id), 'lisi', { transition_id: 4, suggestion: 'no' });
    const v = (await detail(id)).value;
    t.match(
      v,
      { state_id: 3, participant_type_id: 2, act_state_id: 1 },
      'stays in progress: nothing was sent back although the last choice was a reject',
    );
    t.same(v.participant.split(',').sort(), ['lisi', 'zhangsan'], 'everyone is asked again, nobody is left out');
    t.same(JSON.parse(v.multi_all_person), { zhangsan: {}, lisi: {} }, 'no choice carried over');
    t.ok(await h.inList(id, 'zhangsan', 'duty'));
    t.ok(await h.inList(id, 'lisi', 'duty'));
    await must('PATCH', url(id), 'zhangsan', { transition_id: 4 });
    await must('PATCH', url(id), 'lisi', { transition_id: 4 });
    t.match((await detail(id)).value, { state_id: 1, act_state_id: 2, participant: 'lilei' }, 'the same choice from both moves it');
  });

  t.test('a read-only value sent with a handle does not steer the route', async (t) => {
    // leave_days is read-only in state 3; the condition of transition 3 reads it.
    const id = await h.atTl();
    await must('PATCH', url(id), 'zhangsan', { transition_id: 3 });
    await must('PATCH', url(id), 'lisi', { transition_id: 3, leave_days: 1 });
    const v = (await detail(id)).value;
    const stored = (await api.call('GET', url(id), { as: 'lilei' })).body.data.value.field_list.find(
      (f: { field_key: string }) => f.field_key === 'leave_days',
    );
    t.equal(stored.field_value, 3, 'the read-only value was not saved');
    t.equal(v.state_id, 4, 'a 3-day leave still goes to hr');
  });

  t.test('ids must be integers, not booleans or other number spellings', async (t) => {
    const id = await h.atTl();
    const forced = await api.call('PUT', url(id, '/state'), { as: 'admin', body: { state_id: true } });
    t.equal(forced.status, 400, 'PUT /state {state_id: true} is a 400');
    t.match(forced.body, { code: -1, error: 'invalid_request', msg: /state_id/ }, 'naming state_id');
    t.match((await detail(id)).value, { state_id: 3, act_state_id: 1 }, 'the ticket was not forced to state 1');

    const id2 = await h.atTl();
    const handled = await api.call('PATCH', url(id2), { as: 'zhangsan', body: { transition_id: true } });
    t.equal(handled.status, 400, 'PATCH {transition_id: true} is a 400, not transition 1');
    t.match(handled.body, { error: 'invalid_request', msg: /transition_id/ }, 'naming transition_id');
    for (const spelling of ['0x1', '1e0']) {
      const res = await api.call('GET', `/api/v1.0/tickets/${spelling}`, { as: 'admin' });
      t.equal(res.status, 400, `GET /tickets/${spelling} is a 400, not ticket 1`);
    }
  });

  t.test('POST /tickets/{id}/accept', async (t) => {
    const hr = await h.atHr();
    await refused(t, 'not an assignee', hr, call('POST', url(hr, '/accept'), 'lilei', {}), 403, 'not_permitted', /lilei/);
    const res = await api.call('POST', url(hr, '/accept'), { as: 'hanmeimei' });
    t.equal(res.status, 200);
    t.same(res.body, { code: 0, msg: '', data: {} });
    t.match((await detail(hr)).value, { participant_type_id: 1, participant: 'hanmeimei' });
    t.match((await flowLogs(hr)).at(-1), {
      intervene_type_id: 4,
      participant: 'hanmeimei',
      suggestion: '接单处理',
      transition_id: 0,
      state_id: 4,
    });
    await refused(
      t,
      'already accepted: nothing to accept',
      hr,
      call('POST', url(hr, '/accept'), 'hanmeimei', {}),
      409,
      'wrong_state',
      /nothing to accept/,
    );
    await refused(
      t,
      'the other hr member after the accept',
      hr,
      call('POST', url(hr, '/accept'), 'jack', {}),
      403,
      'not_permitted',
      /jack/,
    );
    const tl = await h.atTl();
    await refused(
      t,
      'all-must-handle: no accept needed',
      tl,
      call('POST', url(tl, '/accept'), 'zhangsan', {}),
      409,
      'wrong_state',
      /nothing to accept/,
    );
  });

  t.test('POST /tickets/{id}/deliver', async (t) => {
    const id = await h.atHrAccepted();
    await refused(
      t,
      'missing target',
      id,
      call('POST', url(id, '/deliver'), 'jack', { suggestion: 'x' }),
      400,
      'invalid_request',
      /target_username/,
    );
    await refused(
      t,
      'empty target',
      id,
      call('POST', url(id, '/deliver'), 'jack', { target_username: ' ' }),
      400,
      'invalid_request',
      /target_username/,
    );
    await refused(
      t,
      'several targets',
      id,
      call('POST', url(id, '/deliver'), 'jack', { target_username: 'lisi,zhangsan' }),
      400,
      'invalid_request',
      /one username/,
    );
    await refused(
      t,
      'to oneself',
      id,
      call('POST', url(id, '/deliver'), 'jack', { target_username: 'jack' }),
      400,
      'invalid_request',
      /yourself/,
    );
    await refused(
      t,
      'an unknown key',
      id,
      call('POST', url(id, '/deliver'), 'jack', { target_username: 'lisi', urgent: true }),
      400,
      'invalid_request',
      /urgent/,
    );
    await refused(
      t,
      'not the assignee',
      id,
      call('POST', url(id, '/deliver'), 'hanmeimei', { target_username: 'lisi' }),
      403,
      'not_permitted',
      /hanmeimei/,
    );
    await refused(
      t,
      'from_admin by a non-admin',
      id,
      call('POST', url(id, '/deliver'), 'jack', { target_username: 'lisi', from_admin: true }),
      403,
      'not_permitted',
      /admin/,
    );
    await refused(
      t,
      'from_admin not a boolean',
      id,
      call('POST', url(id, '/deliver'), 'admin', { target_username: 'lisi', from_admin: 'yes' }),
      400,
      'invalid_request',
      /from_admin/,
    );

    const res = await api.call('POST', url(id, '/deliver'), { as: 'jack', body: { target_username: 'lisi', suggestion: 'over to you' } });
    t.equal(res.status, 200);
    t.same(res.body, { code: 0, msg: '', data: true });
    t.match((await detail(id)).value, { state_id: 4, participant_type_id: 1, participant: 'lisi' });
    t.match((await flowLogs(id)).at(-1), { intervene_type_id: 1, participant: 'jack', suggestion: 'over to you', state_id: 4 });

    const byAdmin = await api.call('POST', url(id, '/deliver'), { as: 'admin', body: { target_username: 'wangwu', from_admin: '1' } });
    t.equal(byAdmin.status, 200, 'an admin of the workflow delivers without being the assignee');
    t.same(byAdmin.body, { code: 0, msg: '', data: true });
    t.match((await detail(id)).value, { participant: 'wangwu' });
    t.ok(await h.inList(id, 'wangwu', 'duty'), "on the target's desk");
    t.notOk(await h.inList(id, 'lisi', 'duty'), "off the previous assignee's desk");
  });

  t.test('POST /tickets/{id}/add_node and /add_node_end', async (t) => {
    const id = await h.atHrAccepted();
    await refused(
      t,
      'add_node_end without add node (Q18)',
      id,
      call('POST', url(id, '/add_node_end'), 'jack', {}),
      409,
      'wrong_state',
      /not out for consultation/,
    );
    await refused(
      t,
      'add_node without target',
      id,
      call('POST', url(id, '/add_node'), 'jack', {}),
      400,
      'invalid_request',
      /target_username/,
    );
    await refused(
      t,
      'add_node by a non-assignee',
      id,
      call('POST', url(id, '/add_node'), 'lisi', { target_username: 'zhangsan' }),
      403,
      'not_permitted',
      /lisi/,
    );
    await refused(
      t,
      'add_node to oneself',
      id,
      call('POST', url(id, '/add_node'), 'jack', { target_username: 'jack' }),
      400,
      'invalid_request',
      /yourself/,
    );
    await refused(
      t,
      'add_node to the engine',
      id,
      call('POST', url(id, '/add_node'), 'jack', { target_username: 'loonrobot' }),
      400,
      'invalid_request',
      /engine/,
    );
    const hr = await h.atHr();
    await refused(
      t,
      'add_node before accept',
      hr,
      call('POST', url(hr, '/add_node'), 'jack', { target_username: 'zhangsan' }),
      409,
      'wrong_state',
      /accept/,
    );

    const added = await api.call('POST', url(id, '/add_node'), { as: 'jack', body: { target_username: 'zhangsan', suggestion: 'check?' } });
    t.equal(added.status, 200);
    t.same(added.body, { code: 0, msg: '', data: {} });
    t.match((await detail(id)).value, { participant: 'zhangsan', in_add_node: true, add_node_man: 'jack' });
    t.match((await flowLogs(id)).at(-1), { intervene_type_id: 2, participant: 'jack', suggestion: 'check?' });
    await refused(
      t,
      'add_node again during add-node',
      id,
      call('POST', url(id, '/add_node'), 'zhangsan', { target_username: 'lisi' }),
      409,
      'wrong_state',
      /add_node_end/,
    );
    await refused(
      t,
      'add_node_end by the one who asked',
      id,
      call('POST', url(id, '/add_node_end'), 'jack', {}),
      403,
      'not_permitted',
      /jack/,
    );
    await refused(
      t,
      'add_node_end with an unknown key',
      id,
      call('POST', url(id, '/add_node_end'), 'zhangsan', { done: true }),
      400,
      'invalid_request',
      /done/,
    );

    const ended = await api.call('POST', url(id, '/add_node_end'), { as: 'zhangsan', body: { suggestion: 'looks good' } });
    t.equal(ended.status, 200);
    t.same(ended.body, { code: 0, msg: '', data: {} });
    t.match((await detail(id)).value, { participant: 'jack', participant_type_id: 1, in_add_node: false, add_node_man: '' });
    t.match((await flowLogs(id)).at(-1), { intervene_type_id: 3, participant: 'zhangsan', suggestion: 'looks good' });
    await refused(
      t,
      'add_node_end twice',
      id,
      call('POST', url(id, '/add_node_end'), 'zhangsan', {}),
      409,
      'wrong_state',
      /not out for consultation/,
    );
  });

  t.test('PUT /tickets/{id}/state', async (t) => {
    const id = await h.atTl();
    await refused(
      t,
      'by a non-admin (the creator)',
      id,
      call('PUT', url(id, '/state'), 'lilei', { state_id: 5 }),
      403,
      'not_permitted',
      /admin/,
    );
    await refused(
      t,
      'by a non-admin (an assignee)',
      id,
      call('PUT', url(id, '/state'), 'zhangsan', { state_id: 5 }),
      403,
      'not_permitted',
      /admin/,
    );
    await refused(t, 'unknown state', id, call('PUT', url(id, '/state'), 'admin', { state_id: 999 }), 404, 'state_not_found', /999/);
    await refused(
      t,
      'a state of another workflow',
      id,
      call('PUT', url(id, '/state'), 'admin', { state_id: 8 }),
      404,
      'state_not_found',
      /8/,
    );
    await refused(t, 'missing state_id', id, call('PUT', url(id, '/state'), 'admin', {}), 400, 'invalid_request', /state_id/);
    await refused(t, 'state_id 0', id, call('PUT', url(id, '/state'), 'admin', { state_id: 0 }), 400, 'invalid_request', /state_id/);

    const toEnd = await api.call('PUT', url(id, '/state'), { as: 'admin', body: { state_id: 5, suggestion: 'stop' } });
    t.equal(toEnd.status, 200);
    t.same(toEnd.body, { code: 0, msg: '', data: {} });
    t.match((await detail(id)).value, { state_id: 5, act_state_id: 5, participant: '', is_end: true }, 'to the end state: closed (Q19)');
    t.match((await flowLogs(id)).at(-1), { intervene_type_id: 8, participant: 'admin', state_id: 3, suggestion: 'stop' });
    t.notOk(await h.inList(id, 'zhangsan', 'duty'), 'off every desk');

    await must('PUT', url(id, '/state'), 'admin', { state_id: 1 });
    t.match(
      (await detail(id)).value,
      { state_id: 1, act_state_id: 0, participant_type_id: 1, participant: 'lilei' },
      'to the start state: a draft of the creator',
    );
    t.ok(await h.inList(id, 'lilei', 'duty'), "on the creator's desk");

    await must('PUT', url(id, '/state'), 'admin', { state_id: 3 });
    const reopened = (await detail(id)).value;
    t.match(reopened, { state_id: 3, act_state_id: 1, participant_type_id: 2 }, 'to a normal state: in progress again');
    t.same(JSON.parse(reopened.multi_all_person), { zhangsan: {}, lisi: {} }, 'a fresh "all must handle" round');
  });

  t.test('PATCH /tickets/{id}/fields', async (t) => {
    const id = await h.atTl();
    await refused(
      t,
      'by a non-participant',
      id,
      call('PATCH', url(id, '/fields'), 'jack', { leave_days: 5 }),
      403,
      'not_permitted',
      /current participant or an admin/,
    );
    await refused(
      t,
      'by the creator, not a participant now',
      id,
      call('PATCH', url(id, '/fields'), 'lilei', { leave_days: 5 }),
      403,
      'not_permitted',
      /current participant or an admin/,
    );
    await refused(
      t,
      'an unknown field',
      id,
      call('PATCH', url(id, '/fields'), 'admin', { no_such_field: 1 }),
      400,
      'invalid_request',
      /no_such_field/,
    );
    await refused(
      t,
      'a base field that is not title',
      id,
      call('PATCH', url(id, '/fields'), 'admin', { state_id: 5 }),
      400,
      'invalid_request',
      /state_id/,
    );
    await refused(
      t,
      'a bad value',
      id,
      call('PATCH', url(id, '/fields'), 'admin', { leave_days: 'many' }),
      400,
      'invalid_field_value',
      /leave_days/,
    );
    await refused(
      t,
      'a read-only field for the assignee',
      id,
      call('PATCH', url(id, '/fields'), 'zhangsan', { leave_days: 5 }),
      400,
      'invalid_request',
      /leave_days/,
    );
    await refused(t, 'an empty body', id, call('PATCH', url(id, '/fields'), 'admin', {}), 400, 'invalid_request', /field/);

    const res = await api.call('PATCH', url(id, '/fields'), { as: 'admin', body: { leave_days: 5, title: 'longer leave' } });
    t.equal(res.status, 200);
    t.same(res.body, { code: 0, msg: '', data: {} });
    const v = (await api.call('GET', url(id), { as: 'lilei' })).body.data.value;
    t.equal(v.title, 'longer leave');
    t.equal(v.field_list.find((f: { field_key: string }) => f.field_key === 'leave_days').field_value, 5, 'the detail shows the new value');
    t.match(v, { state_id: 3, act_state_id: 1, participant: 'zhangsan,lisi' }, 'nothing else moved');
    const log = (await flowLogs(id)).at(-1);
    t.match(log, {
      intervene_type_id: 11,
      transition_id: 0,
      participant: 'admin',
      state_id: 3,
      ticket_data: { leave_days: 5, title: 'longer leave' },
    });

    const etag = (await detail(id)).etag;
    const same = await api.call('PATCH', url(id, '/fields'), { as: 'admin', body: { leave_days: 5 } });
    t.equal(same.status, 200, 'setting the same value is fine');
    t.equal((await detail(id)).etag, etag, '...and records nothing');

    const d = await h.draft();
    const own = await api.call('PATCH', url(d, '/fields'), { as: 'lilei', body: { leave_reason: 'family' } });
    t.equal(own.status, 200, 'the assignee may write what the state lets them write');
    t.match((await flowLogs(d)).at(-1), { intervene_type_id: 11, participant: 'lilei' });
  });

  t.test('POST /tickets/{id}/comments', async (t) => {
    const vpn = await h.create(vpnTicket());
    await refused(
      t,
      'empty comment',
      vpn,
      call('POST', url(vpn, '/comments'), 'lilei', { suggestion: '' }),
      400,
      'invalid_request',
      /suggestion/,
    );
    await refused(
      t,
      'blank comment',
      vpn,
      call('POST', url(vpn, '/comments'), 'lilei', { suggestion: '   ' }),
      400,
      'invalid_request',
      /suggestion/,
    );
    await refused(t, 'no comment', vpn, call('POST', url(vpn, '/comments'), 'lilei', {}), 400, 'invalid_request', /suggestion/);
    await refused(
      t,
      'comment too long',
      vpn,
      call('POST', url(vpn, '/comments'), 'lilei', { suggestion: 'y'.repeat(10_001) }),
      400,
      'suggestion_too_long',
      /10000/,
    );
    await refused(
      t,
      'an unrelated user on a view-checked workflow',
      vpn,
      call('POST', url(vpn, '/comments'), 'jack', { suggestion: 'hello' }),
      403,
      'not_permitted',
      /jack/,
    );

    const res = await api.call('POST', url(vpn, '/comments'), { as: 'lilei', body: { suggestion: 'any news?' } });
    t.equal(res.status, 200);
    t.same(res.body, { code: 0, msg: '', data: {} });
    t.match((await flowLogs(vpn)).at(-1), { intervene_type_id: 5, participant: 'lilei', suggestion: 'any news?', state_id: 7 });
    t.match((await detail(vpn)).value, { state_id: 7, participant: 'zhangsan,admin' }, 'a comment moves nothing');
    t.equal(
      (await api.call('POST', url(vpn, '/comments'), { as: 'admin', body: { suggestion: 'soon' } })).status,
      200,
      'a super admin may comment',
    );
  });

  t.test('POST /tickets/{id}/close', async (t) => {
    const d = await h.draft();
    const res = await api.call('POST', url(d, '/close'), { as: 'lilei', body: { suggestion: 'not needed' } });
    t.equal(res.status, 200, 'the creator closes at the start state');
    t.same(res.body, { code: 0, msg: '', data: {} });
    t.match((await detail(d)).value, { state_id: 5, act_state_id: 5, participant_type_id: 0, participant: '' });
    t.match((await flowLogs(d)).at(-1), { intervene_type_id: 7, participant: 'lilei', state_id: 5, suggestion: '强制关闭工单:not needed' });
    t.notOk(await h.inList(d, 'lilei', 'duty'));
    await refused(t, 'closing twice', d, call('POST', url(d, '/close'), 'admin', {}), 409, 'wrong_state', /already ended/);

    const tl = await h.atTl();
    await refused(t, 'the creator elsewhere', tl, call('POST', url(tl, '/close'), 'lilei', {}), 403, 'not_permitted', /creator/);
    await refused(t, 'an assignee', tl, call('POST', url(tl, '/close'), 'zhangsan', {}), 403, 'not_permitted', /creator.*admin/);
    const d2 = await h.draft();
    await refused(
      t,
      'someone else at the start state',
      d2,
      call('POST', url(d2, '/close'), 'zhangsan', {}),
      403,
      'not_permitted',
      /creator.*admin/,
    );
    await refused(t, 'an unknown key', tl, call('POST', url(tl, '/close'), 'admin', { reason: 'x' }), 400, 'invalid_request', /reason/);

    const byAdmin = await api.call('POST', url(tl, '/close'), { as: 'admin', body: {} });
    t.equal(byAdmin.status, 200, 'an admin closes anywhere');
    t.same(byAdmin.body, { code: 0, msg: '', data: {} });
    t.match((await detail(tl)).value, { state_id: 5, act_state_id: 5 });
    t.notOk(await h.inList(tl, 'zhangsan', 'duty'), 'off every desk');

    const finished = await h.create(leaveTicket({ leave_days: 1, leave_end: '2026-12-01' }));
    await must('PATCH', url(finished), 'zhangsan', { transition_id: 3 });
    await must('PATCH', url(finished), 'lisi', { transition_id: 3 });
    await refused(
      t,
      'closing a finished ticket',
      finished,
      call('POST', url(finished, '/close'), 'admin', {}),
      409,
      'wrong_state',
      /already ended/,
    );
  });

  t.test('POST /tickets/{id}/retreat and a workflow admin who is not a super admin', async (t) => {
    const tl = await h.atTl();
    await refused(
      t,
      'the demo states do not allow it',
      tl,
      call('POST', url(tl, '/retreat'), 'lilei', {}),
      409,
      'wrong_state',
      /withdrawn|TL审批中/,
    );

    const applied = await api.call('PUT', '/api/v1.0/config', { as: 'admin', body: { workflows: [RETREAT_WORKFLOW] } });
    t.equal(applied.status, 200, JSON.stringify(applied.body));
    const id = await h.create({ workflow_id: 40, transition_id: 401, title: 'withdraw me' });
    t.match((await detail(id)).value, { state_id: 402, participant: 'zhangsan' });
    await refused(t, 'not the creator', id, call('POST', url(id, '/retreat'), 'zhangsan', {}), 403, 'not_permitted', /creator/);
    await refused(t, 'an admin is not the creator', id, call('POST', url(id, '/retreat'), 'admin', {}), 403, 'not_permitted', /creator/);
    const res = await api.call('POST', url(id, '/retreat'), { as: 'lilei', body: { suggestion: 'oops' } });
    t.equal(res.status, 200);
    t.same(res.body, { code: 0, msg: '', data: {} });
    t.match((await detail(id)).value, { state_id: 401, act_state_id: 3, participant_type_id: 1, participant: 'lilei' });
    t.match((await flowLogs(id)).at(-1), { intervene_type_id: 10, participant: 'lilei', state_id: 401, suggestion: 'oops' });
    t.ok(await h.inList(id, 'lilei', 'duty'), "back on the creator's desk");
    t.notOk(await h.inList(id, 'zhangsan', 'duty'), "off the reviewer's desk");
    await refused(t, 'withdrawing at the start state', id, call('POST', url(id, '/retreat'), 'lilei', {}), 409, 'wrong_state', /draft/);

    await must('PATCH', url(id), 'lilei', { transition_id: 401 });
    await must('PATCH', url(id), 'zhangsan', { transition_id: 402 });
    await refused(
      t,
      'a state without enable_retreat',
      id,
      call('POST', url(id, '/retreat'), 'lilei', {}),
      409,
      'wrong_state',
      /final review/,
    );

    // guiji administers workflow 40 only (Q15).
    const delivered = await api.call('POST', url(id, '/deliver'), { as: 'guiji', body: { target_username: 'wangwu', from_admin: 1 } });
    t.equal(delivered.status, 200, 'a workflow admin delivers with from_admin');
    t.same(delivered.body, { code: 0, msg: '', data: true });
    t.equal((await must('PUT', url(id, '/state'), 'guiji', { state_id: 402 })).status, 200, 'a workflow admin forces a state');
    t.match((await detail(id)).value, { state_id: 402, participant: 'zhangsan' });
    t.equal((await must('PATCH', url(id, '/fields'), 'guiji', { note: 'checked' })).status, 200, 'a workflow admin patches fields');
    t.equal((await must('POST', url(id, '/close'), 'guiji', {})).status, 200, 'a workflow admin closes');
    t.match((await detail(id)).value, { state_id: 404, act_state_id: 5 });

    await refused(
      t,
      'guiji is no admin of the leave workflow (deliver)',
      tl,
      call('POST', url(tl, '/deliver'), 'guiji', { target_username: 'wangwu', from_admin: true }),
      403,
      'not_permitted',
      /admin/,
    );
    await refused(
      t,
      'guiji is no admin of the leave workflow (state)',
      tl,
      call('PUT', url(tl, '/state'), 'guiji', { state_id: 5 }),
      403,
      'not_permitted',
      /admin/,
    );
    await refused(
      t,
      'guiji is no admin of the leave workflow (close)',
      tl,
      call('POST', url(tl, '/close'), 'guiji', {}),
      403,
      'not_permitted',
      /admin/,
    );
  });

  t.test('POST /tickets/{id}/retry_script and /hook_call_back', async (t) => {
    const tl = await h.atTl();
    await refused(
      t,
      'retry when not at a script or hook',
      tl,
      call('POST', url(tl, '/retry_script'), 'admin', {}),
      409,
      'wrong_state',
      /script or a hook/,
    );
    await refused(
      t,
      'callback when not waiting for a hook',
      tl,
      call('POST', url(tl, '/hook_call_back'), 'admin', { result: true, msg: '' }),
      409,
      'wrong_state',
      /hook/,
    );

    const hook = await h.atHook();
    await refused(
      t,
      'callback without result',
      hook,
      call('POST', url(hook, '/hook_call_back'), 'admin', { msg: 'x' }),
      400,
      'invalid_request',
      /result/,
    );
    await refused(
      t,
      'callback with a non-boolean result',
      hook,
      call('POST', url(hook, '/hook_call_back'), 'admin', { result: 'maybe' }),
      400,
      'invalid_request',
      /result/,
    );
    await refused(
      t,
      'callback with field_value not an object',
      hook,
      call('POST', url(hook, '/hook_call_back'), 'admin', { result: true, field_value: [1] }),
      400,
      'invalid_request',
      /field_value/,
    );
    await refused(
      t,
      'a person handling the hook state',
      hook,
      call('PATCH', url(hook), 'guiji', { transition_id: 10 }),
      403,
      'not_permitted',
      /guiji/,
    );

    const failed = await api.call('POST', url(hook, '/hook_call_back'), { as: 'admin', body: { result: 0, msg: 'no route' } });
    t.equal(failed.status, 200, 'result accepts 0 as false');
    t.same(failed.body, { code: 0, msg: '', data: {} });
    t.match((await detail(hook)).value, { state_id: 9, script_run_last_result: false });
    const retry = await api.call('POST', url(hook, '/retry_script'), { as: 'admin' });
    t.equal(retry.status, 200);
    t.same(retry.body, { code: 0, msg: 'Ticket script or hook retry start successful', data: {} });
    t.match((await detail(hook)).value, { state_id: 9, script_run_last_result: true });
  });

  t.test('every action on an unknown ticket is a 404, with a bad id a 400', async (t) => {
    const actions: [Method, string, unknown][] = [
      ['PATCH', '', { transition_id: 3 }],
      ['POST', '/accept', {}],
      ['POST', '/deliver', { target_username: 'lisi' }],
      ['POST', '/add_node', { target_username: 'lisi' }],
      ['POST', '/add_node_end', {}],
      ['PUT', '/state', { state_id: 5 }],
      ['PATCH', '/fields', { title: 'x' }],
      ['POST', '/comments', { suggestion: 'hi' }],
      ['POST', '/close', {}],
      ['POST', '/retreat', {}],
      ['POST', '/hook_call_back', { result: true, msg: '' }],
      ['POST', '/retry_script', {}],
    ];
    for (const [method, action, body] of actions) {
      const res = await api.call(method, `/api/v1.0/tickets/987654${action}`, { as: 'admin', body });
      t.equal(res.status, 404, `${method} ${action || '(handle)'}: 404`);
      t.match(res.body, { code: -1, data: {}, error: 'ticket_not_found', msg: /987654/ }, `${method} ${action || '(handle)'}: envelope`);
      for (const bad of ['abc', '0', '-3', '2.5']) {
        const r = await api.call(method, `/api/v1.0/tickets/${bad}${action}`, { as: 'admin', body });
        t.equal(r.status, 400, `${method} ${action || '(handle)'} with id ${bad}: 400`);
        t.match(
          r.body,
          { code: -1, data: {}, error: 'invalid_request', msg: /id/ },
          `${method} ${action || '(handle)'} with id ${bad}: envelope`,
        );
      }
    }
  });

  t.test("an app without the ticket's workflow may do nothing with it (Q17)", async (t) => {
    const applied = await api.call('PUT', '/api/v1.0/config', {
      as: 'admin',
      body: { apps: [{ name: 'leave_only', token: 'lo-token', workflow_ids: [1] }] },
    });
    t.equal(applied.status, 200, JSON.stringify(applied.body));
    const scoped = { name: 'leave_only', token: 'lo-token' };
    const hook = await h.atHook();
    const vpn = await h.create(vpnTicket());
    await must('PATCH', url(vpn), 'zhangsan', { transition_id: 8 });
    // [ticket, method, action, actor, body]: each would succeed for the demo app.
    const actions: [number, Method, string, string, unknown][] = [
      [vpn, 'PATCH', '', 'admin', { transition_id: 8 }],
      [vpn, 'POST', '/deliver', 'admin', { target_username: 'lisi' }],
      [vpn, 'POST', '/add_node', 'admin', { target_username: 'lisi' }],
      [vpn, 'PUT', '/state', 'admin', { state_id: 11 }],
      [vpn, 'PATCH', '/fields', 'admin', { title: 'renamed' }],
      [vpn, 'POST', '/comments', 'lilei', { suggestion: 'hi' }],
      [vpn, 'POST', '/close', 'admin', {}],
      [hook, 'POST', '/hook_call_back', 'admin', { result: true, msg: '' }],
      [hook, 'POST', '/retry_script', 'admin', {}],
    ];
    for (const [id, method, action, as, body] of actions) {
      await refused(
        t,
        `${method} ${action || '(handle)'}`,
        id,
        () => api.call(method, url(id, action), { as, body, app: scoped }),
        403,
        'app_not_allowed',
        /leave_only.*workflow 2/,
      );
    }
    // Actions that need a particular moment: accept, add_node_end, retreat.
    const hr8 = await h.create(vpnTicket());
    await must('PATCH', url(hr8), 'zhangsan', { transition_id: 8 });
    await must('PATCH', url(hr8), 'admin', { transition_id: 8 });
    await refused(
      t,
      'POST /accept',
      hr8,
      () => api.call('POST', url(hr8, '/accept'), { as: 'guiji', body: {}, app: scoped }),
      403,
      'app_not_allowed',
      /leave_only/,
    );
    await must('POST', url(hr8, '/accept'), 'guiji');
    await must('POST', url(hr8, '/add_node'), 'guiji', { target_username: 'lilei' });
    await refused(
      t,
      'POST /add_node_end',
      hr8,
      () => api.call('POST', url(hr8, '/add_node_end'), { as: 'lilei', body: {}, app: scoped }),
      403,
      'app_not_allowed',
      /leave_only/,
    );
    await refused(
      t,
      'POST /retreat',
      hr8,
      () => api.call('POST', url(hr8, '/retreat'), { as: 'lilei', body: {}, app: scoped }),
      403,
      'app_not_allowed',
      /leave_only/,
    );

    const leave = await h.create(leaveTicket());
    const own = await api.call('POST', url(leave, '/comments'), { as: 'lilei', body: { suggestion: 'mine' }, app: scoped });
    t.equal(own.status, 200, 'the same app may act on tickets of its granted workflow');
  });
});
