import t from 'tap';
import { loadConfigFile, DEMO_CONFIG_PATH } from '../../src/config/config-document.ts';
import { startApp, vpnTicket } from '../support/app.ts';

t.test('workflow reads and configuration', async (t) => {
  const api = await startApp(t);

  t.test("GET /workflows lists the app's workflows, paged", async (t) => {
    const res = await api.call('GET', '/api/v1.0/workflows');
    t.equal(res.status, 200);
    t.same(res.body.data, {
      value: [
        { id: 1, name: '请假申请', description: '请假申请' },
        { id: 2, name: 'vpn申请', description: res.body.data.value[1].description },
      ],
      per_page: 10,
      page: 1,
      total: 2,
    });
    const searched = await api.call('GET', '/api/v1.0/workflows', { query: { search_value: 'vpn' } });
    t.same(
      searched.body.data.value.map((w: { id: number }) => w.id),
      [2],
    );
    const bad = await api.call('GET', '/api/v1.0/workflows', { query: { per_page: '-3' } });
    t.equal(bad.status, 400);
  });

  t.test('GET /workflows/{id}/init_state gives the start form and buttons', async (t) => {
    const res = await api.call('GET', '/api/v1.0/workflows/1/init_state');
    t.equal(res.status, 200);
    const v = res.body.data;
    t.match(v, { id: 1, name: '新建中', workflow_id: 1, type_id: 1, participant_type_id: 5, participant: 'creator', label: {} });
    t.notOk('state_field_str' in v, 'no raw state_field');
    t.same(
      v.field_list.map((f: { field_key: string; field_attribute: number; field_value: unknown }) => [
        f.field_key,
        f.field_attribute,
        f.field_value,
      ]),
      [
        ['title', 2, null],
        ['leave_start', 2, null],
        ['leave_end', 2, null],
        ['leave_days', 2, null],
        ['leave_proxy', 3, null],
        ['leave_type', 2, null],
        ['leave_reason', 3, null],
      ],
    );
    t.same(
      v.transition.map((b: { transition_id: number; transition_name: string }) => [b.transition_id, b.transition_name]),
      [
        [1, '提交'],
        [2, '保存'],
      ],
    );
    t.match(v.transition[0], { attribute_type_id: 1, field_require_check: true, alert_enable: false, enable_alert: false, alert_text: '' });
    t.match(
      v.field_list.find((f: { field_key: string }) => f.field_key === 'leave_type'),
      { field_choice: { '1': '年假' }, field_type_id: 35 },
    );
  });

  t.test('init_state refusals', async (t) => {
    t.equal((await api.call('GET', '/api/v1.0/workflows/99/init_state')).status, 404);
    t.equal((await api.call('GET', '/api/v1.0/workflows/x/init_state')).status, 400);
    t.equal((await api.call('GET', '/api/v1.0/workflows/1/init_state', { as: null })).status, 400);
  });

  t.test('hook configuration never leaves the server', async (t) => {
    const text = JSON.stringify((await api.call('GET', '/api/v1.0/workflows')).body);
    t.notMatch(text, /demo-hook-token/);
  });

  t.test('PUT /config is for super admins only, through an app granted every workflow', async (t) => {
    const res = await api.call('PUT', '/api/v1.0/config', { as: 'lilei', body: {} });
    t.equal(res.status, 403);
    t.match(res.body, { code: -1, error: 'not_permitted' });
    const added = await api.call('PUT', '/api/v1.0/config', {
      as: 'admin',
      body: { apps: [{ name: 'narrow', token: 'n-token', workflow_ids: [1] }] },
    });
    t.equal(added.status, 200);
    const takeover = await api.call('PUT', '/api/v1.0/config', {
      as: 'admin',
      app: { name: 'narrow', token: 'n-token' },
      body: { apps: [{ name: 'narrow', token: 'n-token', workflow_ids: 'all' }] },
    });
    t.equal(takeover.status, 403, 'a limited app cannot widen its own grant by naming an admin');
    t.match(takeover.body, { error: 'not_permitted', msg: /narrow/ });
  });

  t.test('an invalid document is refused whole, listing every problem', async (t) => {
    const res = await api.call('PUT', '/api/v1.0/config', {
      as: 'admin',
      body: {
        users: [{ username: 'newbie', alias: 'New' }],
        workflows: [
          {
            id: 40,
            name: 'broken',
            states: [
              { id: 401, name: 'a', type_id: 1, participant_type_id: 5, participant: 'creator', state_field: { nope: 2 } },
              { id: 402, name: 'b', type_id: 1, participant_type_id: 1, participant: 'lilei' },
            ],
            transitions: [{ id: 401, name: 'go', source_state_id: 401, destination_state_id: 499 }],
          },
        ],
      },
    });
    t.equal(res.status, 400);
    t.equal(res.body.error, 'config_invalid');
    const problems: string[] = res.body.details.problems;
    t.ok(
      problems.some((p) => /start state/.test(p)),
      'two start states',
    );
    t.ok(
      problems.some((p) => /499/.test(p)),
      'unknown destination',
    );
    t.ok(
      problems.some((p) => /nope/.test(p)),
      'unknown field key',
    );
    const users = await api.call('GET', '/api/v1.0/tickets', { as: 'newbie', query: { category: 'owner' } });
    t.equal(users.status, 200);
    const wf = await api.call('GET', '/api/v1.0/workflows/40/init_state');
    t.equal(wf.status, 404, 'nothing was applied');
  });

  t.test('a changed workflow is a new version; tickets keep theirs', async (t) => {
    const before = (await api.call('POST', '/api/v1.0/tickets', { body: vpnTicket() })).body.data.ticket_id;
    const loaded = await loadConfigFile(DEMO_CONFIG_PATH);
    if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
    const vpn = loaded.document.workflows.find((w) => w.id === 2)!;
    const renamed = { ...vpn, states: vpn.states.map((s) => (s.id === 7 ? { ...s, name: 'TL审批(新)' } : s)) };
    const applied = await api.call('PUT', '/api/v1.0/config', { as: 'admin', body: { workflows: [renamed] } });
    t.equal(applied.status, 200);
    t.same(applied.body.data, { changes: 1 });
    const again = await api.call('PUT', '/api/v1.0/config', { as: 'admin', body: { workflows: [renamed] } });
    t.same(again.body.data, { changes: 0 }, 'applying the same document again changes nothing');

    const after = (await api.call('POST', '/api/v1.0/tickets', { body: vpnTicket() })).body.data.ticket_id;
    const old = (await api.call('GET', `/api/v1.0/tickets/${before}`)).body.data.value;
    const fresh = (await api.call('GET', `/api/v1.0/tickets/${after}`)).body.data.value;
    t.equal(old.state_info.name, '发起人tl-审批中', 'the older ticket still shows version 1');
    t.equal(fresh.state_info.name, 'TL审批(新)', 'the new ticket uses version 2');
    const list = await api.call('GET', '/api/v1.0/tickets', { query: { category: 'owner', ticket_ids: `${before},${after}` } });
    t.same(
      list.body.data.value.map((i: { id: number; state: { state_name: string } }) => [i.id, i.state.state_name]),
      [
        [after, 'TL审批(新)'],
        [before, '发起人tl-审批中'],
      ],
    );
  });

  t.test('a state id of another applied workflow is refused', async (t) => {
    const res = await api.call('PUT', '/api/v1.0/config', {
      as: 'admin',
      body: {
        workflows: [
          {
            id: 60,
            name: 'clash',
            states: [
              { id: 7, name: 'start', type_id: 1, participant_type_id: 5, participant: 'creator' },
              { id: 601, name: 'end', type_id: 2, participant_type_id: 0 },
            ],
            transitions: [{ id: 601, name: 'go', source_state_id: 7, destination_state_id: 601 }],
          },
        ],
      },
    });
    t.equal(res.status, 400);
    t.ok(res.body.details.problems.includes('workflows[0].states[0].id: state id 7 already belongs to workflow 2'), res.body.msg);
  });

  t.test('PUT /config with a body that is not a document', async (t) => {
    const res = await api.call('PUT', '/api/v1.0/config', { as: 'admin', body: '[1,2]' });
    t.equal(res.status, 400);
    t.equal(res.body.code, -1);
  });
});

t.test('GET /workflows?from_admin=1 lists what the user administers, with its settings', async (t) => {
  const api = await startApp(t);
  const mine = await api.call('GET', '/api/v1.0/workflows', { as: 'lilei', query: { from_admin: '1' } });
  t.equal(mine.status, 200);
  t.same(mine.body.data.value, [], 'lilei administers nothing');
  const admin = await api.call('GET', '/api/v1.0/workflows', { as: 'admin', query: { from_admin: 'true' } });
  t.equal(admin.body.data.total, 2);
  t.match(admin.body.data.value[1], {
    id: 2,
    workflow_admin: 'admin',
    view_permission_check: true,
    notices: '',
    display_form_str: ['sn', 'title'],
  });
  const plain = await api.call('GET', '/api/v1.0/workflows', { as: 'lilei', query: { from_admin: '0' } });
  t.equal(plain.body.data.total, 2, 'from_admin=0 is the plain list');
});
