import t from 'tap';
import { leaveTicket, startApp, vpnTicket } from '../support/app.ts';

t.test('reading tickets', async (t) => {
  const api = await startApp(t);
  const create = async (body: Record<string, unknown>, as = 'lilei') => {
    const res = await api.call('POST', '/api/v1.0/tickets', { body, as });
    t.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.data.ticket_id as number;
  };
  const vpn = await create(vpnTicket());
  const leave = await create(leaveTicket(), 'wangwu');

  t.test("a current handler sees the state's form with its attributes", async (t) => {
    // vpn state 7 is handled by zhangsan and admin.
    const res = await api.call('GET', `/api/v1.0/tickets/${vpn}`, { as: 'zhangsan' });
    t.equal(res.status, 200);
    const fields = res.body.data.value.field_list;
    t.same(
      fields.map((f: { field_key: string; field_attribute: number }) => [f.field_key, f.field_attribute]),
      [
        ['sn', 1],
        ['title', 1],
        ['vpn_reason', 1],
        ['creator', 1],
        ['gmt_created', 1],
      ],
      "the keys of state 7's state_field, in order_id order",
    );
    t.match(
      fields.find((f: { field_key: string }) => f.field_key === 'vpn_reason'),
      {
        field_name: '申请原因',
        field_value: 'remote work',
        field_type_id: 55,
        order_id: 30,
      },
    );
  });

  t.test('a related viewer sees display_form, read-only', async (t) => {
    const res = await api.call('GET', `/api/v1.0/tickets/${vpn}`, { as: 'lilei' });
    t.same(
      res.body.data.value.field_list.map((f: { field_key: string }) => f.field_key),
      ['sn', 'title', 'vpn_reason', 'participant_info.participant_alias', 'gmt_created'],
    );
    t.ok(res.body.data.value.field_list.every((f: { field_attribute: number }) => f.field_attribute === 1));
  });

  t.test("the detail carries loonflow's columns and the binding extras", async (t) => {
    const v = (await api.call('GET', `/api/v1.0/tickets/${leave}`, { as: 'wangwu' })).body.data.value;
    for (const key of [
      'workflow_id',
      'in_add_node',
      'gmt_created',
      'id',
      'relation',
      'title',
      'sn',
      'parent_ticket_id',
      'creator',
      'script_run_last_result',
      'gmt_modified',
      'act_state_id',
      'multi_all_person',
      'creator_info',
      'participant_type_id',
      'state_id',
      'is_end',
      'is_deleted',
      'field_list',
      'parent_ticket_state_id',
      'add_node_man',
      'participant',
      'state_info',
    ]) {
      t.ok(key in v, `has ${key}`);
    }
    t.match(v.gmt_created, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    t.match(v.state_info, { id: 3, name: 'TL审批中', state_field_str: { title: 1 }, distribute_type_id: 4 });
    t.equal(v.creator_info.dept_info.name, '运维部');
  });

  t.test('someone unrelated may not view when the workflow checks view permission', async (t) => {
    const res = await api.call('GET', `/api/v1.0/tickets/${vpn}`, { as: 'jack' });
    t.equal(res.status, 403);
    t.match(res.body, { code: -1, error: 'not_permitted', msg: /jack/ });
    t.equal((await api.call('GET', `/api/v1.0/tickets/${vpn}`, { as: 'admin' })).status, 200, 'a super admin may');
  });

  t.test('bad ids', async (t) => {
    const unknown = await api.call('GET', '/api/v1.0/tickets/424242');
    t.equal(unknown.status, 404);
    t.match(unknown.body, { code: -1, error: 'ticket_not_found', msg: /424242/ });
    for (const bad of ['abc', '0', '-1', '1.5', '99999999999999999999']) {
      const res = await api.call('GET', `/api/v1.0/tickets/${bad}`);
      t.equal(res.status, 400, `id ${bad}`);
      t.match(res.body, { code: -1, error: 'invalid_request', msg: /id/ });
    }
  });

  t.test('list categories: all and owner', async (t) => {
    const all = await api.call('GET', '/api/v1.0/tickets', { as: 'admin', query: { category: 'all' } });
    t.equal(all.body.data.total, 2, 'a super admin sees every ticket');
    const outsider = await api.call('GET', '/api/v1.0/tickets', { as: 'jack', query: { category: 'all' } });
    t.equal(outsider.body.data.total, 0, 'all never lists what the detail would refuse: both workflows check view permission');
    const creator = await api.call('GET', '/api/v1.0/tickets', { as: 'wangwu', query: { category: 'all' } });
    t.same(
      creator.body.data.value.map((i: { id: number }) => i.id),
      [leave],
      "but a user's own tickets are in all",
    );
    const owner = await api.call('GET', '/api/v1.0/tickets', { as: 'wangwu', query: { category: 'owner' } });
    t.same(
      owner.body.data.value.map((i: { id: number }) => i.id),
      [leave],
    );
    const item = owner.body.data.value[0];
    t.match(item, {
      state: { state_id: 3, state_name: 'TL审批中' },
      workflow: { workflow_id: 1, workflow_name: '请假申请' },
      workflow_info: { workflow_id: 1, workflow_name: '请假申请' },
      creator_info: { username: 'wangwu', alias: '王五', dept_info: { id: '3', name: '运维部' } },
      participant_info: { participant_type_id: 2, participant_type_name: '多人且全部处理' },
    });
  });

  t.test('list paging, order and filters', async (t) => {
    const more = [await create(vpnTicket({ title: 'page a' })), await create(vpnTicket({ title: 'page b' }))];
    const page1 = await api.call('GET', '/api/v1.0/tickets', { as: 'admin', query: { category: 'all', per_page: 2, page: 1 } });
    t.match(page1.body.data, { total: 4, page: 1, per_page: 2 });
    t.same(
      page1.body.data.value.map((i: { id: number }) => i.id),
      [more[1], more[0]],
      'newest first by default',
    );
    const page2 = await api.call('GET', '/api/v1.0/tickets', { as: 'admin', query: { category: 'all', per_page: 2, page: 2 } });
    t.same(
      page2.body.data.value.map((i: { id: number }) => i.id),
      [leave, vpn],
    );
    const oldest = await api.call('GET', '/api/v1.0/tickets', { as: 'admin', query: { category: 'all', per_page: 1, reverse: '0' } });
    t.same(
      oldest.body.data.value.map((i: { id: number }) => i.id),
      [vpn],
    );
    const byTitle = await api.call('GET', '/api/v1.0/tickets', { as: 'admin', query: { category: 'all', title: 'page' } });
    t.equal(byTitle.body.data.total, 2);
    const byWorkflow = await api.call('GET', '/api/v1.0/tickets', { as: 'admin', query: { category: 'all', workflow_ids: '1' } });
    t.same(
      byWorkflow.body.data.value.map((i: { id: number }) => i.id),
      [leave],
    );
    const sn = (await api.call('GET', `/api/v1.0/tickets/${vpn}`)).body.data.value.sn as string;
    const bySn = await api.call('GET', '/api/v1.0/tickets', { as: 'admin', query: { category: 'all', sn: sn.slice(0, -1) } });
    t.ok(
      bySn.body.data.value.some((i: { id: number }) => i.id === vpn),
      'sn prefix',
    );
    const outside = await api.call('GET', '/api/v1.0/tickets', { as: 'admin', query: { category: 'all', create_end: '2020-01-01' } });
    t.equal(outside.body.data.total, 0, 'an explicit window');
  });

  t.test('bad list parameters are 400s naming the parameter', async (t) => {
    const cases: [Record<string, string>, RegExp][] = [
      [{}, /category/],
      [{ category: 'mine' }, /category/],
      [{ category: 'all', per_page: '0' }, /per_page/],
      [{ category: 'all', per_page: '5000' }, /per_page/],
      [{ category: 'all', page: 'x' }, /page/],
      [{ category: 'all', workflow_ids: '1,a' }, /workflow_ids/],
      [{ category: 'all', create_start: 'yesterday' }, /create_start/],
      [{ category: 'all', act_state_id: '9' }, /act_state_id/],
      [{ category: 'all', reverse: 'yes' }, /reverse/],
    ];
    for (const [query, msg] of cases) {
      const res = await api.call('GET', '/api/v1.0/tickets', { query });
      t.equal(res.status, 400, JSON.stringify(query));
      t.match(res.body, { code: -1, error: 'invalid_request', msg });
    }
  });
});
