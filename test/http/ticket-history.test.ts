import t, { type Test } from 'tap';
import { DEMO_CONFIG_PATH, loadConfigFile } from '../../src/config/config-document.ts';
import { leaveTicket, startApp, vpnTicket, type TestApp } from '../support/app.ts';
import { countingApp } from '../support/counting-app.ts';

const NARROW_APP = { name: 'narrow', token: 'narrow-token' };
const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const base = '/api/v1.0/tickets';

/** Runs an action and fails the test with the body when it is refused. */
async function act(t: Test, api: TestApp, method: 'POST' | 'PATCH' | 'PUT', url: string, as: string, body: unknown = {}) {
  const res = await api.call(method, url, { as, body });
  t.equal(res.status, 200, `${method} ${url} as ${as}`, { body: res.body });
  return res.body;
}

t.test('ticket history: flow logs, flow steps, states and participants', async (t) => {
  const api = await startApp(t);
  const create = async (body: Record<string, unknown>, as = 'lilei') => {
    const res = await api.call('POST', base, { body, as });
    t.equal(res.status, 200, `status ${res.status}`, { body: res.body });
    return res.body.data.ticket_id as number;
  };

  // A vpn ticket through every kind of action (demo workflow 2).
  const vpn = await create(vpnTicket({ suggestion: '请尽快处理' }));
  await act(t, api, 'POST', `${base}/${vpn}/comments`, 'lilei', { suggestion: 'please hurry' });
  await act(t, api, 'PATCH', `${base}/${vpn}`, 'zhangsan', { transition_id: 8, suggestion: 'ok by me' }); // all must handle: waits for admin
  await act(t, api, 'PATCH', `${base}/${vpn}`, 'admin', { transition_id: 8 }); // → 8 (dept 3, accept)
  await act(t, api, 'POST', `${base}/${vpn}/accept`, 'guiji');
  await act(t, api, 'POST', `${base}/${vpn}/add_node`, 'guiji', { target_username: 'wangwu', suggestion: '请协助处理' });
  await act(t, api, 'POST', `${base}/${vpn}/add_node_end`, 'wangwu', { suggestion: 'done' });
  await act(t, api, 'POST', `${base}/${vpn}/deliver`, 'guiji', { target_username: 'wangwu' });
  await act(t, api, 'PATCH', `${base}/${vpn}/fields`, 'admin', { vpn_type: '2' });
  await act(t, api, 'PUT', `${base}/${vpn}/state`, 'admin', { state_id: 9, suggestion: 'run the script' });
  await act(t, api, 'POST', `${base}/${vpn}/hook_call_back`, 'admin', { result: false, msg: 'boom' });
  await act(t, api, 'POST', `${base}/${vpn}/hook_call_back`, 'admin', { result: true, msg: 'granted' });
  // Now at 10 (发起人-确认中, the creator).

  const expected = [
    // [state_id, transition_id, transition_name, attribute_type_id, intervene_type_id, participant_type_id, participant]
    [6, 7, '提交', 1, 0, 1, 'lilei'],
    [7, 0, '新增评论', 3, 5, 1, 'lilei'],
    [7, 8, '同意', 1, 0, 1, 'zhangsan'],
    [7, 8, '同意', 1, 0, 1, 'admin'],
    [8, 0, '接单操作', 3, 4, 1, 'guiji'],
    [8, 0, '加签操作', 3, 2, 1, 'guiji'],
    [8, 0, '加签完成操作', 3, 3, 1, 'wangwu'],
    [8, 0, '转交操作', 3, 1, 1, 'guiji'],
    [8, 0, '修改字段', 3, 11, 1, 'admin'],
    [8, 0, '强制修改状态', 3, 8, 1, 'admin'],
    [9, 0, 'hook操作', 3, 9, 10, 'hook'],
    [9, 10, '脚本执行完成', 1, 0, 1, 'loonrobot'],
  ];
  type Log = {
    id: number;
    ticket_id: number;
    state: { state_id: number; state_name: string };
    transition: { transition_id: number; transition_name: string; attribute_type_id: number };
    intervene_type_id: number;
    participant_type_id: number;
    participant: string;
    participant_info: Record<string, unknown>;
    suggestion: string;
    gmt_created: string;
    gmt_modified: string;
    ticket_data?: Record<string, unknown>;
  };
  const summary = (l: Log) => [
    l.state.state_id,
    l.transition.transition_id,
    l.transition.transition_name,
    l.transition.attribute_type_id,
    l.intervene_type_id,
    l.participant_type_id,
    l.participant,
  ];
  const allLogs = async (query: Record<string, string> = {}) => {
    const res = await api.call('GET', `${base}/${vpn}/flowlogs`, { as: 'lilei', query: { per_page: '100', ...query } });
    t.equal(res.status, 200, `status ${res.status}`, { body: res.body });
    return res.body.data.value as Log[];
  };

  t.test('flowlogs: every action with its synthetic or real transition name, oldest first on desc=0', async (t) => {
    const logs = await allLogs({ desc: '0' });
    t.same(logs.map(summary), expected);
    t.same(
      logs.map((l) => l.id),
      [...logs.map((l) => l.id)].sort((a, b) => a - b),
      'ordered by id',
    );
    t.ok(logs.every((l) => l.ticket_id === vpn));
    t.same(logs.map((l) => l.suggestion).slice(0, 5), ['请尽快处理', 'please hurry', 'ok by me', '', '接单处理']);
    t.equal(logs[10].suggestion, 'boom', "the hook's message");
    t.same(logs.map((l) => l.state.state_name).slice(0, 5), [
      '发起人-新建中',
      '发起人tl-审批中',
      '发起人tl-审批中',
      '发起人tl-审批中',
      '运维人员-审批中',
    ]);
  });

  t.test('flowlogs: the item shape of ticket.rst, both timestamps', async (t) => {
    const [newest] = await allLogs();
    t.same(Object.keys(newest).sort(), [
      'gmt_created',
      'gmt_modified',
      'id',
      'intervene_type_id',
      'participant',
      'participant_info',
      'participant_type_id',
      'state',
      'suggestion',
      'ticket_id',
      'transition',
    ]);
    t.match(newest.gmt_created, TIMESTAMP);
    t.equal(newest.gmt_modified, newest.gmt_created);
    const logs = await allLogs({ desc: '0' });
    t.same(logs[0].participant_info, {
      participant_type_id: 1,
      participant: 'lilei',
      participant_alias: '李磊',
      participant_email: 'lilei@163.com',
      participant_phone: '13888888888',
    });
    t.same(logs[10].participant_info, {
      participant_type_id: 10,
      participant: 'hook',
      participant_alias: 'hook',
      participant_email: '',
      participant_phone: '',
    });
    t.same(logs[11].participant_info, {
      participant_type_id: 1,
      participant: 'loonrobot',
      participant_alias: 'loonrobot',
      participant_email: '',
      participant_phone: '',
    });
  });

  t.test('flowlogs: newest first by default, paged', async (t) => {
    const first = await api.call('GET', `${base}/${vpn}/flowlogs`, { as: 'lilei' });
    t.equal(first.status, 200);
    t.match(first.body, { code: 0, msg: '' });
    t.match(first.body.data, { page: 1, per_page: 10, total: 12 });
    t.equal(first.body.data.value.length, 10);
    t.same((first.body.data.value as Log[]).map(summary), [...expected].reverse().slice(0, 10));
    const third = await api.call('GET', `${base}/${vpn}/flowlogs`, { as: 'lilei', query: { per_page: 5, page: 3, desc: '0' } });
    t.same((third.body.data.value as Log[]).map(summary), expected.slice(10));
    t.match(third.body.data, { page: 3, per_page: 5, total: 12 });
    const past = await api.call('GET', `${base}/${vpn}/flowlogs`, { as: 'lilei', query: { page: 9 } });
    t.same(past.body.data, { value: [], per_page: 10, page: 9, total: 12 }, 'a page past the end is empty');
  });

  t.test('flowlogs: ticket_data=1 adds the snapshot after each action', async (t) => {
    const plain = await allLogs({ ticket_data: '0' });
    t.ok(
      plain.every((l) => !('ticket_data' in l)),
      'absent unless asked for',
    );
    const logs = await allLogs({ ticket_data: '1', desc: '0' });
    const data = logs.map((l) => l.ticket_data!);
    t.ok(data.every((d) => d !== undefined && typeof d === 'object'));
    t.match(data[0], {
      id: vpn,
      ticket_id: vpn,
      title: 'vpn for lilei',
      workflow_id: 2,
      state_id: 7,
      creator: 'lilei',
      vpn_reason: 'remote work',
      vpn_type: null,
      multi_all_person: String,
      act_state_id: Number,
    });
    t.ok('vpn_type' in data[0], 'every custom field key, null when unset');
    t.match(data[0].gmt_created, TIMESTAMP);
    t.match(data[0].gmt_modified, TIMESTAMP);
    t.notOk('fields' in data[0] || 'app' in data[0] || 'revision' in data[0] || 'workflow_version' in data[0], 'no storage columns');
    t.equal(data[7].vpn_type, null, 'before the field change');
    t.equal(data[8].vpn_type, '2', 'after the field change');
    t.same(
      data.map((d) => d.state_id),
      [7, 7, 7, 8, 8, 8, 8, 8, 8, 9, 9, 10],
      'the state after each action',
    );
    t.same(String(data[3].participant).split(',').sort(), ['guiji', 'wangwu'], 'dept 3 to accept');
    t.equal(data[4].participant, 'guiji');
  });

  t.test('flowsteps: states by order_id with their logs, newest first', async (t) => {
    const res = await api.call('GET', `${base}/${vpn}/flowsteps`, { as: 'lilei' });
    t.equal(res.status, 200);
    const { value, current_state_id } = res.body.data;
    t.equal(current_state_id, 10);
    t.same(
      value.map((s: { state_id: number; state_name: string; order_id: number }) => [s.state_id, s.order_id]),
      [
        [6, 1],
        [7, 2],
        [8, 3],
        [9, 4],
        [10, 6],
        [11, 7],
      ],
    );
    t.same(Object.keys(value[0]).sort(), ['order_id', 'state_flow_log_list', 'state_id', 'state_name']);
    const ids = (s: { state_flow_log_list: { id: number }[] }) => s.state_flow_log_list.length;
    t.same(value.map(ids), [1, 3, 6, 2, 0, 0]);
    const tl = value[1].state_flow_log_list as (Log & { state_id: number; attribute_type_id: number })[];
    t.same(
      tl.map((l) => l.participant),
      ['admin', 'zhangsan', 'lilei'],
      'newest first',
    );
    t.ok(tl[0].id > tl[1].id && tl[1].id > tl[2].id);
    t.match(tl[2], {
      state_id: 7,
      attribute_type_id: 3,
      intervene_type_id: 5,
      transition: { transition_id: 0, transition_name: '新增评论' },
      participant_type_id: 1,
      participant_info: { participant_alias: '李磊' },
      suggestion: 'please hurry',
      gmt_created: TIMESTAMP,
    });
    t.equal(value[3].state_flow_log_list[1].participant, 'hook');
  });

  t.test('participant_info: the current assignees with contact details', async (t) => {
    const res = await api.call('GET', `${base}/${vpn}/participant_info`, { as: 'lilei' });
    t.equal(res.status, 200);
    t.same(res.body.data, {
      participant_username_list: ['lilei'],
      participant_info_list: [{ username: 'lilei', alias: '李磊', phone: '13888888888', email: 'lilei@163.com' }],
    });
    const several = await create(vpnTicket());
    const multi = await api.call('GET', `${base}/${several}/participant_info`, { as: 'lilei' });
    t.same(multi.body.data.participant_username_list, ['zhangsan', 'admin']);
    t.same(
      multi.body.data.participant_info_list.map((u: { alias: string }) => u.alias),
      ['张三', '超级管理员'],
    );
    await act(t, api, 'PUT', `${base}/${several}/state`, 'admin', { state_id: 9 });
    const hook = await api.call('GET', `${base}/${several}/participant_info`, { as: 'lilei' });
    t.same(hook.body.data, { participant_username_list: [], participant_info_list: [] }, 'a hook state names nobody');
    await act(t, api, 'PUT', `${base}/${several}/state`, 'admin', { state_id: 11 });
    const ended = await api.call('GET', `${base}/${several}/participant_info`, { as: 'lilei' });
    t.same(ended.body.data, { participant_username_list: [], participant_info_list: [] }, 'an ended ticket names nobody');
  });

  t.test('GET /tickets/states: current states keyed by id', async (t) => {
    const leave = await create(leaveTicket(), 'wangwu');
    const res = await api.call('GET', `${base}/states`, { query: { ticket_ids: `${vpn},${leave},424242` } });
    t.equal(res.status, 200, 'not captured by /tickets/:id');
    t.same(res.body, {
      code: 0,
      msg: '',
      data: {
        [String(vpn)]: { state_id: 10, state_name: '发起人-确认中' },
        [String(leave)]: { state_id: 3, state_name: 'TL审批中' },
      },
    });
    const spaced = await api.call('GET', `${base}/states`, { query: { ticket_ids: ` ${leave} , ${leave},` } });
    t.same(Object.keys(spaced.body.data), [String(leave)]);
    for (const bad of [
      {},
      { ticket_ids: '' },
      { ticket_ids: ',' },
      { ticket_ids: '1,a' },
      { ticket_ids: '0' },
      { ticket_ids: '1.5' },
      { ticket_ids: '99999999999999999999' },
    ] as Record<string, string>[]) {
      const refused = await api.call('GET', `${base}/states`, { query: bad });
      t.equal(refused.status, 400, JSON.stringify(bad));
      t.match(refused.body, { code: -1, error: 'invalid_request', msg: /ticket_ids/ });
    }
    const tooMany = Array.from({ length: 1001 }, (_, i) => i + 1).join(',');
    t.equal((await api.call('GET', `${base}/states`, { query: { ticket_ids: tooMany } })).status, 400);
    t.equal((await api.call('GET', `${base}/states`, { as: null, query: { ticket_ids: '1' } })).status, 400, 'username required');
  });

  t.test('an app sees only the tickets of its workflows', async (t) => {
    const leave = await create(leaveTicket(), 'wangwu');
    const applied = await api.call('PUT', '/api/v1.0/config', {
      as: 'admin',
      body: { apps: [{ ...NARROW_APP, ticket_sn_prefix: 'narrow', workflow_ids: [1] }] },
    });
    t.equal(applied.status, 200, 'config applied', { body: applied.body });
    const states = await api.call('GET', `${base}/states`, { app: NARROW_APP, query: { ticket_ids: `${vpn},${leave}` } });
    t.same(Object.keys(states.body.data), [String(leave)]);
    for (const path of ['flowlogs', 'flowsteps', 'participant_info']) {
      const refused = await api.call('GET', `${base}/${vpn}/${path}`, { app: NARROW_APP, as: 'admin' });
      t.equal(refused.status, 403, path);
      t.match(refused.body, { code: -1, error: 'app_not_allowed' });
      t.equal((await api.call('GET', `${base}/${leave}/${path}`, { app: NARROW_APP, as: 'wangwu' })).status, 200, path);
    }
  });

  t.test('only those who may view the ticket read its history', async (t) => {
    for (const path of ['flowlogs', 'flowsteps', 'participant_info']) {
      const refused = await api.call('GET', `${base}/${vpn}/${path}`, { as: 'jack' });
      t.equal(refused.status, 403, path);
      t.match(refused.body, { code: -1, error: 'not_permitted', msg: /jack/ });
      t.equal((await api.call('GET', `${base}/${vpn}/${path}`, { as: 'admin' })).status, 200, `${path}: a super admin may`);
      t.equal((await api.call('GET', `${base}/${vpn}/${path}`, { as: 'guiji' })).status, 200, `${path}: someone who handled it may`);
    }
  });

  t.test('bad ids, unknown tickets, missing username, bad parameters', async (t) => {
    for (const path of ['flowlogs', 'flowsteps', 'participant_info']) {
      const unknown = await api.call('GET', `${base}/424242/${path}`);
      t.equal(unknown.status, 404, path);
      t.match(unknown.body, { code: -1, error: 'ticket_not_found', msg: /424242/ });
      for (const bad of ['abc', '0', '-1', '1.5', '99999999999999999999']) {
        const res = await api.call('GET', `${base}/${bad}/${path}`);
        t.equal(res.status, 400, `${path} id ${bad}`);
        t.match(res.body, { code: -1, error: 'invalid_request' });
      }
      const anonymous = await api.call('GET', `${base}/${vpn}/${path}`, { as: null });
      t.equal(anonymous.status, 400);
      t.match(anonymous.body, { error: 'missing_username' });
    }
    const cases: [Record<string, string>, RegExp][] = [
      [{ per_page: '0' }, /per_page/],
      [{ per_page: '1001' }, /per_page/],
      [{ per_page: 'ten' }, /per_page/],
      [{ page: '0' }, /page/],
      [{ ticket_data: 'yes' }, /ticket_data/],
      [{ desc: '2' }, /desc/],
    ];
    for (const [query, msg] of cases) {
      const res = await api.call('GET', `${base}/${vpn}/flowlogs`, { query });
      t.equal(res.status, 400, JSON.stringify(query));
      t.match(res.body, { code: -1, error: 'invalid_request', msg });
    }
    t.equal(
      (await api.call('GET', `${base}/${vpn}/flowlogs`, { query: { per_page: '1000', ticket_data: 'true', desc: 'false' } })).status,
      200,
    );
  });

  t.test('hook configuration never appears in a history', async (t) => {
    for (const path of ['flowlogs?ticket_data=1', 'flowsteps', 'participant_info']) {
      const text = JSON.stringify((await api.call('GET', `${base}/${vpn}/${path}`, { as: 'admin' })).body);
      t.notMatch(text, /demo-hook-token|hook_token|hook_url|127\.0\.0\.1:9000/, path);
    }
  });

  t.test('a fixed number of queries whatever the page size or history length', async (t) => {
    const count = await countingApp(t, api);
    const fresh = await create(vpnTicket());
    const small = await count(`${base}/${fresh}/flowlogs`, { per_page: '1' });
    t.equal(await count(`${base}/${vpn}/flowlogs`, { per_page: '1000', ticket_data: '1' }), small);
    t.equal(await count(`${base}/${fresh}/flowsteps`), await count(`${base}/${vpn}/flowsteps`));
    t.equal(await count(`${base}/states`, { ticket_ids: String(fresh) }), await count(`${base}/states`, { ticket_ids: `${fresh},${vpn}` }));
    t.ok(small <= 8, `flowlogs runs ${small} queries`);
  });
});

t.test('flow steps hide hidden states and render a ticket with its own workflow version', async (t) => {
  const api = await startApp(t);
  const create = async () => {
    const res = await api.call('POST', base, { body: leaveTicket(), as: 'wangwu' });
    t.equal(res.status, 200, `status ${res.status}`, { body: res.body });
    return res.body.data.ticket_id as number;
  };
  const older = await create();

  const loaded = await loadConfigFile(DEMO_CONFIG_PATH);
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  const leave = loaded.document.workflows.find((w) => w.id === 1)!;
  const changed = {
    ...leave,
    states: leave.states.map((s) => (s.id === 4 ? { ...s, is_hidden: true } : s.id === 3 ? { ...s, name: 'TL审批(新)' } : s)),
    transitions: leave.transitions.map((tr) => (tr.id === 1 ? { ...tr, name: '提交申请' } : tr)),
  };
  const applied = await api.call('PUT', '/api/v1.0/config', { as: 'admin', body: { workflows: [changed] } });
  t.equal(applied.status, 200, 'config applied', { body: applied.body });
  const newer = await create();

  const steps = async (id: number) => {
    const res = await api.call('GET', `${base}/${id}/flowsteps`, { as: 'wangwu' });
    t.equal(res.status, 200, `status ${res.status}`, { body: res.body });
    return res.body.data as { value: { state_id: number; state_name: string; state_flow_log_list: unknown[] }[]; current_state_id: number };
  };

  const before = await steps(newer);
  t.same(
    before.value.map((s) => s.state_id),
    [1, 3, 5],
    'the hidden state is left out while the ticket is elsewhere',
  );
  t.equal(before.value[1].state_name, 'TL审批(新)');
  const oldSteps = await steps(older);
  t.same(
    oldSteps.value.map((s) => [s.state_id, s.state_name]),
    [
      [1, '新建中'],
      [3, 'TL审批中'],
      [4, '人事部门-处理中'],
      [5, '结束'],
    ],
    'the older ticket keeps its version',
  );

  const oldLogs = await api.call('GET', `${base}/${older}/flowlogs`, { as: 'wangwu' });
  t.equal(oldLogs.body.data.value[0].transition.transition_name, '提交', "transition names from the ticket's version");
  const newLogs = await api.call('GET', `${base}/${newer}/flowlogs`, { as: 'wangwu' });
  t.equal(newLogs.body.data.value[0].transition.transition_name, '提交申请');
  t.equal(newLogs.body.data.value[0].state.state_name, '新建中');

  // Both TL approvers agree; 3 days of leave go to HR (state 4, hidden).
  await act(t, api, 'PATCH', `${base}/${newer}`, 'zhangsan', { transition_id: 3 });
  await act(t, api, 'PATCH', `${base}/${newer}`, 'lisi', { transition_id: 3 });
  const during = await steps(newer);
  t.equal(during.current_state_id, 4);
  t.same(
    during.value.map((s) => s.state_id),
    [1, 3, 4, 5],
    'a hidden state is shown while the ticket is in it',
  );
  t.equal(during.value[1].state_flow_log_list.length, 2);

  const td = await api.call('GET', `${base}/${newer}/flowlogs`, { as: 'wangwu', query: { ticket_data: '1', desc: '0' } });
  t.same(
    Object.keys(td.body.data.value[0].ticket_data)
      .filter((k) => k.startsWith('leave_'))
      .sort(),
    ['leave_days', 'leave_end', 'leave_proxy', 'leave_reason', 'leave_start', 'leave_type'],
    'every custom field of the version, set or not',
  );
  t.match(td.body.data.value[0].ticket_data, {
    leave_proxy: null,
    leave_reason: null,
    leave_days: 3,
    leave_start: '2026-12-01',
    leave_type: '1',
  });
});
