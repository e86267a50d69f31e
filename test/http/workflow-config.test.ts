import t from 'tap';
import { DEMO_CONFIG_PATH, loadConfigFile } from '../../src/config/config-document.ts';
import { startApp } from '../support/app.ts';
import { countingApp } from '../support/counting-app.ts';

const NARROW_APP = { name: 'narrow', token: 'narrow-token' };
const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const SECRETS = /demo-hook-token|hook_token|hook_url|external_token|127\.0\.0\.1:9000/;
const wf = '/api/v1.0/workflows';

t.test('workflow configuration reads', async (t) => {
  const api = await startApp(t);
  const get = async (url: string, query: Record<string, string | number> = {}, as = 'lilei') => {
    const res = await api.call('GET', url, { as, query });
    t.equal(res.status, 200, `GET ${url}`, { body: res.body });
    t.notMatch(JSON.stringify(res.body), SECRETS, `no hook secret in ${url}`);
    return res.body.data;
  };
  type Item = Record<string, any>;

  t.test('states: full rows by order_id with state_field_str and participant_info', async (t) => {
    const data = await get(`${wf}/2/states`);
    t.match(data, { page: 1, per_page: 10, total: 6 });
    t.same(
      data.value.map((s: Item) => s.id),
      [6, 7, 8, 9, 10, 11],
    );
    const [start, tl, ops, hook] = data.value as Item[];
    t.same(Object.keys(tl).sort(), [
      'creator',
      'distribute_type_id',
      'enable_retreat',
      'gmt_created',
      'gmt_modified',
      'id',
      'is_deleted',
      'is_hidden',
      'label',
      'name',
      'order_id',
      'participant',
      'participant_info',
      'participant_type_id',
      'remember_last_man_enable',
      'state_field_str',
      'type_id',
      'workflow_id',
    ]);
    t.match(tl, {
      id: 7,
      name: '发起人tl-审批中',
      workflow_id: 2,
      order_id: 2,
      type_id: 0,
      is_hidden: false,
      distribute_type_id: 4,
      participant_type_id: 2,
      participant: 'zhangsan,admin',
      state_field_str: { sn: 1, title: 1, creator: 1, gmt_created: 1, vpn_reason: 1 },
      label: {},
      gmt_created: TIMESTAMP,
      is_deleted: false,
    });
    t.same(tl.participant_info, {
      participant: 'zhangsan,admin',
      participant_name: 'zhangsan,admin',
      participant_type_id: 2,
      participant_type_name: '多人',
      participant_alias: '张三,超级管理员',
    });
    t.match(start.participant_info, { participant: 'creator', participant_type_name: '变量', participant_alias: '工单创建人' });
    t.match(ops.participant_info, {
      participant: '3',
      participant_name: '运维部',
      participant_type_name: '部门',
      participant_alias: '运维部',
    });
    t.same(hook.participant_info, {
      participant: 'hook',
      participant_name: 'hook',
      participant_type_id: 10,
      participant_type_name: 'hook',
      participant_alias: 'hook',
    });
    t.equal(hook.participant, 'hook', 'the hook config is masked');
    const leave = await get(`${wf}/1/states`);
    t.match(leave.value.find((s: Item) => s.id === 4).participant_info, {
      participant: '2',
      participant_name: 'hr',
      participant_type_name: '角色',
    });
  });

  t.test('states and simple_states: paged and searchable', async (t) => {
    const page = await get(`${wf}/2/states`, { per_page: 2, page: 2 });
    t.same(
      page.value.map((s: Item) => s.id),
      [8, 9],
    );
    t.match(page, { page: 2, per_page: 2, total: 6 });
    const searched = await get(`${wf}/2/states`, { search_value: '发起人' });
    t.same(
      searched.value.map((s: Item) => s.id),
      [6, 7, 10],
    );
    const simple = await get(`${wf}/2/simple_states`, { per_page: 4 });
    t.same(simple, {
      value: [
        { id: 6, name: '发起人-新建中' },
        { id: 7, name: '发起人tl-审批中' },
        { id: 8, name: '运维人员-审批中' },
        { id: 9, name: '授权脚本-自动执行中' },
      ],
      per_page: 4,
      page: 1,
      total: 6,
    });
    const past = await get(`${wf}/2/simple_states`, { page: 5 });
    t.same(past, { value: [], per_page: 10, page: 5, total: 6 });
  });

  t.test('one state by id, in whichever workflow has it', async (t) => {
    const hook = await get(`${wf}/states/9`);
    t.same(Object.keys(hook).sort(), [
      'creator',
      'distribute_type_id',
      'gmt_created',
      'id',
      'is_hidden',
      'label',
      'name',
      'order_id',
      'participant',
      'participant_type_id',
      'state_field',
      'type_id',
      'workflow_id',
    ]);
    t.match(hook, {
      id: 9,
      workflow_id: 2,
      participant_type_id: 10,
      participant: 'hook',
      state_field: {},
      label: {},
      creator: '',
      gmt_created: TIMESTAMP,
    });
    const tl = await get(`${wf}/states/3`);
    t.match(tl, {
      id: 3,
      name: 'TL审批中',
      workflow_id: 1,
      distribute_type_id: 4,
      participant: 'zhangsan,lisi',
      state_field: { title: 1, leave_days: 1 },
    });
    const unknown = await api.call('GET', `${wf}/states/999`);
    t.equal(unknown.status, 404);
    t.match(unknown.body, { code: -1, error: 'state_not_found', msg: /999/ });
    for (const bad of ['abc', '0', '-2', '99999999999999999999']) {
      const res = await api.call('GET', `${wf}/states/${bad}`);
      t.equal(res.status, 400, bad);
      t.match(res.body, { error: 'invalid_request' });
    }
    t.equal((await api.call('GET', `${wf}/states/9`, { as: null })).status, 400, 'username required');
  });

  t.test('custom fields: ordered by id, paged, searchable', async (t) => {
    const data = await get(`${wf}/1/custom_fields`);
    t.same(
      data.value.map((f: Item) => f.id),
      [1, 2, 3, 4, 5, 6],
    );
    t.equal(data.total, 6);
    t.match(data.value[4], {
      id: 5,
      workflow_id: 1,
      field_key: 'leave_type',
      field_name: '请假类型',
      field_type_id: 35,
      order_id: 40,
      field_choice: { '1': '年假', '2': '调休', '3': '病假' },
      boolean_field_display: {},
      label: {},
      default_value: null,
      gmt_created: TIMESTAMP,
      is_deleted: false,
    });
    const paged = await get(`${wf}/1/custom_fields`, { per_page: 4, page: 2 });
    t.same(
      paged.value.map((f: Item) => f.field_key),
      ['leave_type', 'leave_reason'],
    );
    const searched = await get(`${wf}/1/custom_fields`, { search_value: 'PROXY' });
    t.same(
      searched.value.map((f: Item) => f.field_key),
      ['leave_proxy'],
      'case-insensitive, on the key',
    );
    const byName = await get(`${wf}/2/custom_fields`, { search_value: '权限' });
    t.same(
      byName.value.map((f: Item) => f.field_key),
      ['vpn_type'],
      'and on the name',
    );
  });

  t.test('transitions: for workflow admins and super admins only', async (t) => {
    const refused = await api.call('GET', `${wf}/1/transitions`, { as: 'lilei' });
    t.equal(refused.status, 403);
    t.match(refused.body, { code: -1, error: 'not_permitted', msg: /admin/ });
    const data = await get(`${wf}/1/transitions`, {}, 'admin');
    t.same(
      data.value.map((tr: Item) => tr.id),
      [1, 2, 3, 4, 5, 6],
    );
    const agree = data.value[2];
    t.match(agree, {
      id: 3,
      name: '同意',
      workflow_id: 1,
      source_state_id: 3,
      destination_state_id: 4,
      source_state_info: { id: 3, name: 'TL审批中' },
      destination_state_info: { id: 4, name: '人事部门-处理中' },
      condition_expression: [{ expression: '{leave_days} <= 1', target_state_id: 5 }],
      attribute_type_id: 1,
      transition_type_id: 1,
      timer: 0,
      field_require_check: true,
      alert_enable: false,
      enable_alert: false,
      alert_text: '',
      gmt_created: TIMESTAMP,
    });
    const vpn = await get(`${wf}/2/transitions`, { per_page: 1, page: 6 }, 'admin');
    t.match(vpn, { total: 6, page: 6, per_page: 1 });
    t.match(vpn.value[0], { id: 12, alert_enable: true, enable_alert: true, alert_text: /退回/, field_require_check: false });
  });

  t.test('simple_description: what a flow chart needs', async (t) => {
    const data = await get(`${wf}/2/simple_description`);
    t.same(data.workflow_basic_info, { id: 2, name: 'vpn申请' });
    t.same(await get(`${wf}/2/simple_description`, { per_page: 0 }), data, 'not paged: paging parameters are ignored');
    t.same(
      data.workflow_state_info.map((s: Item) => s.id),
      [6, 7, 8, 9, 10, 11],
    );
    t.same(Object.keys(data.workflow_state_info[0]).sort(), ['id', 'name']);
    t.same(
      data.workflow_transition_info.map((tr: Item) => tr.id),
      [7, 8, 9, 10, 11, 12],
    );
    t.same(data.workflow_transition_info[2], {
      id: 9,
      name: '同意',
      source_state_id: 8,
      destination_state_id: 9,
      condition_expression: [{ expression: "{vpn_type} == '''1'''", target_state_id: 10 }],
      attribute_type_id: 1,
      timer: 0,
    });
  });

  t.test('refusals: unknown workflow, bad id, missing username, bad paging', async (t) => {
    const paths = ['states', 'simple_states', 'custom_fields', 'transitions', 'simple_description'];
    for (const path of paths) {
      const unknown = await api.call('GET', `${wf}/99/${path}`, { as: 'admin' });
      t.equal(unknown.status, 404, path);
      t.match(unknown.body, { code: -1, error: 'workflow_not_found', msg: /99/ });
      for (const bad of ['x', '0', '1.5'])
        t.equal((await api.call('GET', `${wf}/${bad}/${path}`, { as: 'admin' })).status, 400, `${path} ${bad}`);
      const anonymous = await api.call('GET', `${wf}/1/${path}`, { as: null });
      t.equal(anonymous.status, 400, path);
      t.match(anonymous.body, { error: 'missing_username' });
    }
    for (const path of ['states', 'simple_states', 'custom_fields', 'transitions']) {
      for (const query of [{ per_page: '0' }, { per_page: '1001' }, { page: 'x' }, { page: '-1' }] as Record<string, string>[]) {
        const res = await api.call('GET', `${wf}/1/${path}`, { as: 'admin', query });
        t.equal(res.status, 400, `${path} ${JSON.stringify(query)}`);
        t.match(res.body, { code: -1, error: 'invalid_request', msg: /page/ });
      }
    }
  });

  t.test('an app reads only the workflows it is granted', async (t) => {
    const applied = await api.call('PUT', '/api/v1.0/config', {
      as: 'admin',
      body: { apps: [{ ...NARROW_APP, ticket_sn_prefix: 'narrow', workflow_ids: [1] }] },
    });
    t.equal(applied.status, 200, 'config applied', { body: applied.body });
    for (const path of ['states', 'simple_states', 'custom_fields', 'transitions', 'simple_description']) {
      const refused = await api.call('GET', `${wf}/2/${path}`, { app: NARROW_APP, as: 'admin' });
      t.equal(refused.status, 403, path);
      t.match(refused.body, { code: -1, error: 'app_not_allowed' });
      t.equal((await api.call('GET', `${wf}/1/${path}`, { app: NARROW_APP, as: 'admin' })).status, 200, path);
    }
    t.equal((await api.call('GET', `${wf}/states/9`, { app: NARROW_APP })).status, 403, 'a state of another workflow');
    t.equal((await api.call('GET', `${wf}/states/3`, { app: NARROW_APP })).status, 200);
  });

  t.test('a fixed number of queries whatever the page size', async (t) => {
    const count = await countingApp(t, api);
    for (const path of ['simple_states', 'custom_fields', 'transitions', 'simple_description']) {
      t.equal(await count(`${wf}/2/${path}`, { per_page: '1' }), await count(`${wf}/2/${path}`, { per_page: '1000' }), path);
    }
    // The workflow row, then at most one query each for the users, depts and roles the page names.
    for (const id of [1, 2]) {
      for (const perPage of ['1', '2', '1000']) {
        const n = await count(`${wf}/${id}/states`, { per_page: perPage });
        t.ok(n >= 1 && n <= 4, `states of workflow ${id}, per_page ${perPage}: ${n} queries`);
      }
    }
    t.equal(await count(`${wf}/states/9`), 1);
  });

  t.test('reads follow the current version; a workflow admin may list transitions', async (t) => {
    const loaded = await loadConfigFile(DEMO_CONFIG_PATH);
    if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
    const leave = loaded.document.workflows.find((w) => w.id === 1)!;
    const changed = {
      ...leave,
      admins: ['admin', 'jack'],
      states: leave.states.map((s) => (s.id === 4 ? { ...s, name: 'HR处理中', is_hidden: true } : s)),
    };
    const applied = await api.call('PUT', '/api/v1.0/config', { as: 'admin', body: { workflows: [changed] } });
    t.equal(applied.status, 200, 'config applied', { body: applied.body });
    const states = await get(`${wf}/1/simple_states`);
    t.same(
      states.value.find((s: Item) => s.id === 4),
      { id: 4, name: 'HR处理中' },
    );
    t.match(await get(`${wf}/states/4`), { name: 'HR处理中', is_hidden: true });
    const transitions = await get(`${wf}/1/transitions`, {}, 'jack');
    t.match(
      transitions.value.find((tr: Item) => tr.id === 3),
      { destination_state_info: { id: 4, name: 'HR处理中' } },
    );
    t.equal((await api.call('GET', `${wf}/2/transitions`, { as: 'jack' })).status, 403, 'only for the workflow jack administers');
  });
});
