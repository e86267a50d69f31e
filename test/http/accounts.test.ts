import t from 'tap';
import { DEMO_APP, signedHeaders, startApp } from '../support/app.ts';
import { countingApp } from '../support/counting-app.ts';

const NARROW_APP = { name: 'narrow', token: 'narrow-token' };
const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const accounts = '/api/v1.0/accounts';

t.test('account lists', async (t) => {
  const api = await startApp(t);
  const get = async (path: string, query: Record<string, string | number> = {}, options: { as?: string; app?: typeof NARROW_APP } = {}) => {
    const res = await api.call('GET', `${accounts}/${path}`, { query, as: options.as ?? 'lilei', app: options.app });
    t.equal(res.status, 200, `GET ${path}`, { body: res.body });
    t.match(res.body, { code: 0, msg: '' });
    return res.body.data;
  };
  type Item = Record<string, any>;

  t.test('simple_users: ordered by username, with depts and integer ids', async (t) => {
    const data = await get('simple_users');
    t.match(data, { page: 1, per_page: 10, total: 8 });
    t.same(
      data.value.map((u: Item) => u.username),
      ['admin', 'guiji', 'hanmeimei', 'jack', 'lilei', 'lisi', 'wangwu', 'zhangsan'],
    );
    const lilei = data.value.find((u: Item) => u.username === 'lilei');
    t.same(lilei, { id: 2, username: 'lilei', alias: '李磊', is_active: true, user_dept_info_list: [{ name: '技术部', id: 2 }] });
    t.same(
      [...data.value]
        .sort((a: Item, b: Item) => a.id - b.id)
        .map((u: Item) => u.username)
        .slice(0, 3),
      ['admin', 'lilei', 'zhangsan'],
      'integer ids in the order the demo config defines the users',
    );
    t.notOk(JSON.stringify(data).includes('13888888888'), 'no contact details in the simple list');
  });

  t.test('simple_users: search on username and alias, case-insensitive', async (t) => {
    t.same(
      (await get('simple_users', { search_value: 'LI' })).value.map((u: Item) => u.username),
      ['lilei', 'lisi'],
    );
    t.same(
      (await get('simple_users', { search_value: '李' })).value.map((u: Item) => u.username),
      ['lilei', 'lisi'],
    );
    t.same(
      (await get('simple_users', { search_value: '梅梅' })).value.map((u: Item) => u.username),
      ['hanmeimei'],
    );
    const literal = await get('simple_users', { search_value: '%' });
    t.same(literal, { value: [], per_page: 10, page: 1, total: 0 }, 'wildcards are matched literally');
    t.equal((await get('simple_users', { search_value: '_' })).total, 0);
  });

  t.test('simple_users: paging', async (t) => {
    const third = await get('simple_users', { per_page: 3, page: 3 });
    t.same(
      third.value.map((u: Item) => u.username),
      ['wangwu', 'zhangsan'],
    );
    t.match(third, { page: 3, per_page: 3, total: 8 });
    t.same((await get('simple_users', { page: 9 })).value, [], 'a page past the end is empty');
  });

  t.test('simple_depts: full dept rows by id', async (t) => {
    const data = await get('simple_depts');
    t.match(data, { page: 1, per_page: 10, total: 4 });
    t.same(
      data.value.map((d: Item) => [d.id, d.name]),
      [
        [1, '总部'],
        [2, '技术部'],
        [3, '运维部'],
        [4, '人事部'],
      ],
    );
    const ops = data.value[2];
    t.match(ops, {
      id: 3,
      name: '运维部',
      parent_dept_id: 1,
      leader: 'guiji',
      approver: '',
      label: '',
      is_deleted: false,
      gmt_created: TIMESTAMP,
      gmt_modified: TIMESTAMP,
      creator_info: { creator_id: 0 },
      parent_dept_info: { parent_dept_id: 1, parent_dept_name: '总部' },
      leader_info: { leader_username: 'guiji', leader_alias: '轨迹' },
      approver_info: [],
    });
    t.match(data.value[0].parent_dept_info, { parent_dept_id: 0, parent_dept_name: '' });
    const searched = await get('simple_depts', { search_value: '运维' });
    t.same(
      searched.value.map((d: Item) => d.id),
      [3],
    );
    const paged = await get('simple_depts', { per_page: 3, page: 2 });
    t.same(
      paged.value.map((d: Item) => d.id),
      [4],
    );
  });

  t.test('not bound to a workflow: any app may read them', async (t) => {
    const applied = await api.call('PUT', '/api/v1.0/config', {
      as: 'admin',
      body: { apps: [{ ...NARROW_APP, ticket_sn_prefix: 'narrow', workflow_ids: [1] }] },
    });
    t.equal(applied.status, 200, 'config applied', { body: applied.body });
    t.equal((await get('simple_users', {}, { app: NARROW_APP })).total, 8);
    t.equal((await get('simple_depts', {}, { app: NARROW_APP })).total, 4);
  });

  t.test('refusals: missing username, bad paging, bad signature', async (t) => {
    for (const path of ['simple_users', 'simple_depts']) {
      const anonymous = await api.call('GET', `${accounts}/${path}`, { as: null });
      t.equal(anonymous.status, 400, path);
      t.match(anonymous.body, { code: -1, error: 'missing_username' });
      for (const query of [{ per_page: '0' }, { per_page: '1001' }, { per_page: 'many' }, { page: '0' }] as Record<string, string>[]) {
        const res = await api.call('GET', `${accounts}/${path}`, { query });
        t.equal(res.status, 400, `${path} ${JSON.stringify(query)}`);
        t.match(res.body, { code: -1, error: 'invalid_request', msg: /page/ });
      }
      const nul = await api.call('GET', `${accounts}/${path}`, { query: { search_value: 'a\u0000b' } });
      t.equal(nul.status, 400, `${path}: a NUL in search_value`);
      t.match(nul.body, { error: 'invalid_request', msg: /search_value/ });
      const twice = await api.app.inject({
        method: 'GET',
        url: `${accounts}/${path}?search_value=a&search_value=b`,
        headers: signedHeaders(DEMO_APP, api.now(), 'lilei'),
      });
      t.equal(twice.statusCode, 400, `${path}: search_value twice`);
      const unsigned = await api.call('GET', `${accounts}/${path}`, { app: { name: 'demo', token: 'wrong' } });
      t.equal(unsigned.status, 401, path);
    }
  });

  t.test('a fixed number of queries whatever the page size', async (t) => {
    const count = await countingApp(t, api);
    for (const path of ['simple_users', 'simple_depts']) {
      const one = await count(`${accounts}/${path}`, { per_page: '1' });
      t.equal(await count(`${accounts}/${path}`, { per_page: '1000' }), one, path);
      t.ok(one <= 4, `${path}: ${one} queries`);
    }
  });
});
