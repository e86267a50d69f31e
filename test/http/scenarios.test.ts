// One full journey per demo workflow over HTTP. After every step: the detail, the buttons
// each relevant user has (GET .../transitions) and the list categories each one sees.
import t from 'tap';
import type { Test } from 'tap';
import { leaveTicket, startApp, vpnTicket, type TestApp } from '../support/app.ts';

const CATEGORIES = ['duty', 'relation', 'worked', 'owner'] as const;
type Category = (typeof CATEGORIES)[number];

interface Expect {
  state_id: number;
  act_state_id: number;
  participant_type_id: number;
  participant: string;
  in_add_node: boolean;
  /** Parsed multi_all_person; {} when not an "all must handle" round. */
  multi_all_person?: Record<string, unknown>;
  /** Per user: the button names of GET /transitions (接单, 完成 or real transition names). */
  buttons: Record<string, string[]>;
  /** Per user: the categories among duty/relation/worked/owner whose list holds the ticket. */
  lists: Record<string, Category[]>;
}

function helpers(api: TestApp) {
  const detail = async (id: number, as = 'admin') => {
    const res = await api.call('GET', `/api/v1.0/tickets/${id}`, { as });
    if (res.status !== 200) throw new Error(`detail ${id} as ${as}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.data.value;
  };
  const buttons = async (id: number, as: string) => {
    const res = await api.call('GET', `/api/v1.0/tickets/${id}/transitions`, { as });
    if (res.status !== 200) throw new Error(`transitions ${id} as ${as}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.data.value as { transition_id: number; transition_name: string; is_accept: boolean; in_add_node: boolean }[];
  };
  const categories = async (id: number, as: string): Promise<Category[]> => {
    const found: Category[] = [];
    for (const category of CATEGORIES) {
      const res = await api.call('GET', '/api/v1.0/tickets', { as, query: { category, per_page: 1000 } });
      if (res.status !== 200) throw new Error(`list ${category} as ${as}: ${res.status} ${JSON.stringify(res.body)}`);
      if (res.body.data.value.some((item: { id: number }) => item.id === id)) found.push(category);
    }
    return found;
  };
  const act = async (t: Test, method: 'PATCH' | 'POST' | 'PUT', url: string, as: string, body: unknown = {}) => {
    const res = await api.call(method, url, { as, body });
    t.equal(res.status, 200, `${method} ${url} as ${as}: ${JSON.stringify(res.body)}`);
    return res;
  };
  /** Asserts the detail, every listed user's buttons and every listed user's list categories. */
  const check = async (t: Test, id: number, step: string, expect: Expect) => {
    const v = await detail(id);
    t.match(
      v,
      {
        state_id: expect.state_id,
        act_state_id: expect.act_state_id,
        participant_type_id: expect.participant_type_id,
        participant: expect.participant,
        in_add_node: expect.in_add_node,
      },
      `${step}: detail`,
    );
    t.same(JSON.parse(v.multi_all_person), expect.multi_all_person ?? {}, `${step}: multi_all_person`);
    for (const [user, names] of Object.entries(expect.buttons)) {
      const got = await buttons(id, user);
      t.same(
        got.map((b) => b.transition_name),
        names,
        `${step}: ${user}'s buttons`,
      );
      if (names[0] === '接单') t.match(got[0], { transition_id: 0, is_accept: true, in_add_node: false }, `${step}: ${user} must accept`);
      if (names[0] === '完成') t.match(got[0], { transition_id: 0, is_accept: false, in_add_node: true }, `${step}: ${user} is consulted`);
    }
    for (const [user, cats] of Object.entries(expect.lists)) {
      t.same(await categories(id, user), cats, `${step}: ${user}'s lists`);
    }
    return v;
  };
  return { detail, buttons, categories, act, check };
}

t.test('leave (请假申请): the long way through the hr state', async (t) => {
  const api = await startApp(t);
  const { act, check, detail, buttons } = helpers(api);
  const created = await act(t, 'POST', '/api/v1.0/tickets', 'lilei', leaveTicket({ leave_days: 3 }));
  t.match(created.body, { code: 0, msg: '', data: { ticket_id: Number } });
  const id = created.body.data.ticket_id as number;
  const url = `/api/v1.0/tickets/${id}`;

  await check(t, id, 'created', {
    state_id: 3,
    act_state_id: 1,
    participant_type_id: 2,
    participant: 'zhangsan,lisi',
    in_add_node: false,
    multi_all_person: { zhangsan: {}, lisi: {} },
    buttons: { zhangsan: ['同意', '拒绝'], lisi: ['同意', '拒绝'], lilei: [], jack: [] },
    lists: { lilei: ['relation', 'owner'], zhangsan: ['duty', 'relation'], lisi: ['duty', 'relation'], jack: [] },
  });
  t.same(
    (await buttons(id, 'zhangsan')).map((b) => b.transition_id),
    [3, 4],
    'real transition ids of state 3',
  );

  const handled = await act(t, 'PATCH', url, 'zhangsan', { transition_id: 3, suggestion: 'ok by me' });
  t.same(handled.body, { code: 0, msg: '', data: {} }, 'handle answers data {}');
  const afterZhangsan = await check(t, id, 'zhangsan agreed', {
    state_id: 3,
    act_state_id: 1,
    participant_type_id: 2,
    participant: 'lisi',
    in_add_node: false,
    multi_all_person: { zhangsan: { transition_id: 3, transition_name: '同意' }, lisi: {} },
    buttons: { zhangsan: [], lisi: ['同意', '拒绝'] },
    lists: { lilei: ['relation', 'owner'], zhangsan: ['relation', 'worked'], lisi: ['duty', 'relation'] },
  });
  t.match(afterZhangsan.participant_info, { participant_type_name: '多人且全部处理', participant_alias: /张三\(zhangsan\)已处理:同意/ });

  await act(t, 'PATCH', url, 'lisi', { transition_id: 3 });
  await check(t, id, 'lisi agreed: 3 days go to hr', {
    state_id: 4,
    act_state_id: 1,
    participant_type_id: 2,
    participant: 'jack,hanmeimei',
    in_add_node: false,
    buttons: { jack: ['接单'], hanmeimei: ['接单'], zhangsan: [], lisi: [] },
    lists: {
      jack: ['duty', 'relation'],
      hanmeimei: ['duty', 'relation'],
      zhangsan: ['relation', 'worked'],
      lisi: ['relation', 'worked'],
      lilei: ['relation', 'owner'],
    },
  });

  const accepted = await act(t, 'POST', `${url}/accept`, 'jack');
  t.same(accepted.body, { code: 0, msg: '', data: {} }, 'accept answers data {}');
  await check(t, id, 'jack accepted', {
    state_id: 4,
    act_state_id: 1,
    participant_type_id: 1,
    participant: 'jack',
    in_add_node: false,
    buttons: { jack: ['同意', '退回'], hanmeimei: [] },
    lists: { jack: ['duty', 'relation'], hanmeimei: ['relation'] },
  });

  const delivered = await act(t, 'POST', `${url}/deliver`, 'jack', { target_username: 'hanmeimei', suggestion: 'yours' });
  t.same(delivered.body, { code: 0, msg: '', data: true }, 'deliver answers data true');
  await check(t, id, 'jack delivered to hanmeimei', {
    state_id: 4,
    act_state_id: 1,
    participant_type_id: 1,
    participant: 'hanmeimei',
    in_add_node: false,
    buttons: { jack: [], hanmeimei: ['同意', '退回'] },
    lists: { jack: ['relation'], hanmeimei: ['duty', 'relation'] },
  });

  const added = await act(t, 'POST', `${url}/add_node`, 'hanmeimei', { target_username: 'zhangsan', suggestion: 'is this fine?' });
  t.same(added.body, { code: 0, msg: '', data: {} }, 'add_node answers data {}');
  const consulting = await check(t, id, 'hanmeimei consults zhangsan', {
    state_id: 4,
    act_state_id: 1,
    participant_type_id: 1,
    participant: 'zhangsan',
    in_add_node: true,
    buttons: { zhangsan: ['完成'], hanmeimei: [], jack: [] },
    lists: { zhangsan: ['duty', 'relation', 'worked'], hanmeimei: ['relation'] },
  });
  t.equal(consulting.add_node_man, 'hanmeimei');
  const blocked = await api.call('PATCH', url, { as: 'zhangsan', body: { transition_id: 5 } });
  t.equal(blocked.status, 409, 'the consulted user can only finish the consultation');

  const ended = await act(t, 'POST', `${url}/add_node_end`, 'zhangsan', { suggestion: 'fine' });
  t.same(ended.body, { code: 0, msg: '', data: {} }, 'add_node_end answers data {}');
  const back = await check(t, id, 'consultation done: back to hanmeimei', {
    state_id: 4,
    act_state_id: 1,
    participant_type_id: 1,
    participant: 'hanmeimei',
    in_add_node: false,
    buttons: { zhangsan: [], hanmeimei: ['同意', '退回'] },
    lists: { zhangsan: ['relation', 'worked'], hanmeimei: ['duty', 'relation'] },
  });
  t.equal(back.add_node_man, '');

  await act(t, 'PATCH', url, 'hanmeimei', { transition_id: 5, suggestion: 'approved' });
  const done = await check(t, id, 'hanmeimei agreed: finished', {
    state_id: 5,
    act_state_id: 4,
    participant_type_id: 1,
    participant: '',
    in_add_node: false,
    buttons: { lilei: [], zhangsan: [], lisi: [], jack: [], hanmeimei: [], admin: [] },
    lists: {
      lilei: ['relation', 'owner'],
      zhangsan: ['relation', 'worked'],
      lisi: ['relation', 'worked'],
      jack: ['relation'],
      hanmeimei: ['relation', 'worked'],
    },
  });
  t.equal(done.is_end, true);
  t.same(done.relation.split(',').sort(), ['hanmeimei', 'jack', 'lilei', 'lisi', 'zhangsan']);
  t.equal((await detail(id, 'lilei')).state_info.name, '结束');
});

t.test('leave (请假申请): one day skips hr', async (t) => {
  const api = await startApp(t);
  const { act, check } = helpers(api);
  const id = (await act(t, 'POST', '/api/v1.0/tickets', 'lilei', leaveTicket({ leave_days: 1, leave_end: '2026-12-01' }))).body.data
    .ticket_id as number;
  const url = `/api/v1.0/tickets/${id}`;
  await check(t, id, 'created', {
    state_id: 3,
    act_state_id: 1,
    participant_type_id: 2,
    participant: 'zhangsan,lisi',
    in_add_node: false,
    multi_all_person: { zhangsan: {}, lisi: {} },
    buttons: { zhangsan: ['同意', '拒绝'], lisi: ['同意', '拒绝'] },
    lists: { lilei: ['relation', 'owner'], zhangsan: ['duty', 'relation'], lisi: ['duty', 'relation'] },
  });
  await act(t, 'PATCH', url, 'lisi', { transition_id: 3 });
  await check(t, id, 'lisi agreed first', {
    state_id: 3,
    act_state_id: 1,
    participant_type_id: 2,
    participant: 'zhangsan',
    in_add_node: false,
    multi_all_person: { zhangsan: {}, lisi: { transition_id: 3, transition_name: '同意' } },
    buttons: { zhangsan: ['同意', '拒绝'], lisi: [] },
    lists: { zhangsan: ['duty', 'relation'], lisi: ['relation', 'worked'] },
  });
  await act(t, 'PATCH', url, 'zhangsan', { transition_id: 3 });
  const done = await check(t, id, 'both agreed: the condition routes straight to the end', {
    state_id: 5,
    act_state_id: 4,
    participant_type_id: 1,
    participant: '',
    in_add_node: false,
    buttons: { zhangsan: [], lisi: [], jack: [], hanmeimei: [], lilei: [] },
    lists: {
      lilei: ['relation', 'owner'],
      zhangsan: ['relation', 'worked'],
      lisi: ['relation', 'worked'],
      jack: [],
      hanmeimei: [],
    },
  });
  t.equal(done.is_end, true);
});

t.test('vpn (vpn申请): temporary access skips the hook', async (t) => {
  const api = await startApp(t);
  const { act, check } = helpers(api);
  const id = (await act(t, 'POST', '/api/v1.0/tickets', 'lilei', vpnTicket({ vpn_type: '1' }))).body.data.ticket_id as number;
  const url = `/api/v1.0/tickets/${id}`;

  await check(t, id, 'created', {
    state_id: 7,
    act_state_id: 1,
    participant_type_id: 2,
    participant: 'zhangsan,admin',
    in_add_node: false,
    multi_all_person: { zhangsan: {}, admin: {} },
    buttons: { zhangsan: ['同意'], admin: ['同意'], lilei: [], guiji: [] },
    lists: { lilei: ['relation', 'owner'], zhangsan: ['duty', 'relation'], admin: ['duty', 'relation'], guiji: [] },
  });

  await act(t, 'PATCH', url, 'zhangsan', { transition_id: 8 });
  await check(t, id, 'zhangsan agreed', {
    state_id: 7,
    act_state_id: 1,
    participant_type_id: 2,
    participant: 'admin',
    in_add_node: false,
    multi_all_person: { zhangsan: { transition_id: 8, transition_name: '同意' }, admin: {} },
    buttons: { zhangsan: [], admin: ['同意'] },
    lists: { zhangsan: ['relation', 'worked'], admin: ['duty', 'relation'] },
  });

  await act(t, 'PATCH', url, 'admin', { transition_id: 8 });
  await check(t, id, 'admin agreed: ops dept must accept', {
    state_id: 8,
    act_state_id: 1,
    participant_type_id: 2,
    participant: 'wangwu,guiji',
    in_add_node: false,
    buttons: { guiji: ['接单'], wangwu: ['接单'], admin: [], zhangsan: [] },
    lists: {
      guiji: ['duty', 'relation'],
      wangwu: ['duty', 'relation'],
      admin: ['relation', 'worked'],
      zhangsan: ['relation', 'worked'],
      lilei: ['relation', 'owner'],
    },
  });

  await act(t, 'POST', `${url}/accept`, 'guiji');
  await check(t, id, 'guiji accepted', {
    state_id: 8,
    act_state_id: 1,
    participant_type_id: 1,
    participant: 'guiji',
    in_add_node: false,
    buttons: { guiji: ['同意'], wangwu: [] },
    lists: { guiji: ['duty', 'relation'], wangwu: ['relation'] },
  });

  const delivered = await act(t, 'POST', `${url}/deliver`, 'guiji', { target_username: 'wangwu' });
  t.equal(delivered.body.data, true);
  await check(t, id, 'guiji delivered to wangwu', {
    state_id: 8,
    act_state_id: 1,
    participant_type_id: 1,
    participant: 'wangwu',
    in_add_node: false,
    buttons: { guiji: [], wangwu: ['同意'] },
    lists: { guiji: ['relation'], wangwu: ['duty', 'relation'] },
  });

  await act(t, 'POST', `${url}/add_node`, 'wangwu', { target_username: 'lilei' });
  await check(t, id, 'wangwu consults lilei', {
    state_id: 8,
    act_state_id: 1,
    participant_type_id: 1,
    participant: 'lilei',
    in_add_node: true,
    buttons: { lilei: ['完成'], wangwu: [] },
    lists: { lilei: ['duty', 'relation', 'owner'], wangwu: ['relation'] },
  });

  await act(t, 'POST', `${url}/add_node_end`, 'lilei', {});
  await check(t, id, 'consultation done', {
    state_id: 8,
    act_state_id: 1,
    participant_type_id: 1,
    participant: 'wangwu',
    in_add_node: false,
    buttons: { lilei: [], wangwu: ['同意'] },
    lists: { lilei: ['relation', 'owner'], wangwu: ['duty', 'relation'] },
  });

  await act(t, 'PATCH', url, 'wangwu', { transition_id: 9 });
  await check(t, id, "wangwu agreed: vpn_type 1 routes to the creator's confirmation", {
    state_id: 10,
    act_state_id: 1,
    participant_type_id: 1,
    participant: 'lilei',
    in_add_node: false,
    buttons: { lilei: ['确认完成', '未生效'], wangwu: [] },
    lists: { lilei: ['duty', 'relation', 'owner'], wangwu: ['relation', 'worked'], guiji: ['relation'] },
  });

  await act(t, 'PATCH', url, 'lilei', { transition_id: 11 });
  const done = await check(t, id, 'lilei confirmed: finished', {
    state_id: 11,
    act_state_id: 4,
    participant_type_id: 1,
    participant: '',
    in_add_node: false,
    buttons: { lilei: [], wangwu: [], guiji: [], zhangsan: [], admin: [] },
    lists: {
      lilei: ['relation', 'worked', 'owner'],
      zhangsan: ['relation', 'worked'],
      admin: ['relation', 'worked'],
      guiji: ['relation'],
      wangwu: ['relation', 'worked'],
    },
  });
  t.equal(done.is_end, true);
});

t.test('vpn (vpn申请): long-term access waits for the hook', async (t) => {
  const api = await startApp(t);
  const { act, check, detail } = helpers(api);
  const id = (await act(t, 'POST', '/api/v1.0/tickets', 'lilei', vpnTicket({ vpn_type: '2' }))).body.data.ticket_id as number;
  const url = `/api/v1.0/tickets/${id}`;
  await act(t, 'PATCH', url, 'admin', { transition_id: 8 });
  await act(t, 'PATCH', url, 'zhangsan', { transition_id: 8 });
  await act(t, 'POST', `${url}/accept`, 'wangwu');
  await act(t, 'PATCH', url, 'wangwu', { transition_id: 9 });

  const waiting = await check(t, id, 'at the hook state', {
    state_id: 9,
    act_state_id: 1,
    participant_type_id: 10,
    participant: '***',
    in_add_node: false,
    buttons: { lilei: [], wangwu: [], guiji: [], admin: [] },
    lists: { lilei: ['relation', 'owner'], wangwu: ['relation', 'worked'], guiji: ['relation'] },
  });
  t.equal(waiting.script_run_last_result, true);
  t.notMatch(JSON.stringify(waiting), /demo-hook-token|9000\/hook/, 'the hook url and token never leave the server (Q27)');
  t.match(waiting.participant_info, { participant_name: 'hook', participant_alias: 'hook' });

  const failed = await act(t, 'POST', `${url}/hook_call_back`, 'lilei', { result: false, msg: 'boom' });
  t.same(failed.body, { code: 0, msg: '', data: {} });
  const afterFailure = await check(t, id, 'the hook reported a failure', {
    state_id: 9,
    act_state_id: 1,
    participant_type_id: 10,
    participant: '***',
    in_add_node: false,
    buttons: { lilei: [] },
    lists: { lilei: ['relation', 'owner'] },
  });
  t.equal(afterFailure.script_run_last_result, false);
  const logs = await api.runtime.database.db.selectFrom('ticket_flow_logs').selectAll().where('ticket_id', '=', id).orderBy('id').execute();
  t.match(
    logs.at(-1),
    { intervene_type_id: 9, participant_type_id: 10, participant: 'hook', suggestion: 'boom', state_id: 9, transition_id: 0 },
    'a hook flow log',
  );

  const retry = await act(t, 'POST', `${url}/retry_script`, 'lilei');
  t.same(retry.body, { code: 0, msg: 'Ticket script or hook retry start successful', data: {} });
  t.equal((await detail(id)).script_run_last_result, true, 'a retry clears the failure mark');

  const succeeded = await act(t, 'POST', `${url}/hook_call_back`, 'lilei', { result: true, msg: 'ok' });
  t.same(succeeded.body, { code: 0, msg: '', data: {} });
  await check(t, id, 'the hook succeeded: on to the creator', {
    state_id: 10,
    act_state_id: 1,
    participant_type_id: 1,
    participant: 'lilei',
    in_add_node: false,
    buttons: { lilei: ['确认完成', '未生效'] },
    lists: { lilei: ['duty', 'relation', 'owner'], wangwu: ['relation', 'worked'] },
  });
  const advanced = (
    await api.runtime.database.db.selectFrom('ticket_flow_logs').selectAll().where('ticket_id', '=', id).orderBy('id').execute()
  ).at(-1);
  t.match(
    advanced,
    { intervene_type_id: 0, transition_id: 10, state_id: 9, participant: 'loonrobot', suggestion: 'ok' },
    'the engine moved it',
  );

  const before = await api.call('GET', url, { as: 'admin' });
  const again = await api.call('POST', `${url}/hook_call_back`, { as: 'lilei', body: { result: true, msg: 'again' } });
  t.equal(again.status, 409);
  t.match(again.body, { code: -1, data: {}, error: 'wrong_state', msg: /hook/ });
  const after = await api.call('GET', url, { as: 'admin' });
  t.equal(after.headers.etag, before.headers.etag, 'a late callback changes nothing');
  t.equal(after.body.data.value.state_id, 10);
});
