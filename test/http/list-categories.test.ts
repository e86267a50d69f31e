import t from 'tap';
import { DEMO_CONFIG_PATH, loadConfigFile } from '../../src/config/config-document.ts';
import { startApp, vpnTicket, leaveTicket } from '../support/app.ts';

t.test('list categories view and intervene, and the remaining filters', async (t) => {
  const api = await startApp(t);
  // jack may view every vpn ticket; lisi's dept (技术部, below 总部) may view leave tickets; guiji intervenes in vpn.
  const demo = await loadConfigFile(DEMO_CONFIG_PATH);
  if (!demo.ok) throw new Error(demo.problems.join('; '));
  const [leaveWf, vpnWf] = [1, 2].map((id) => demo.document.workflows.find((w) => w.id === id)!);
  const granted = await api.call('PUT', '/api/v1.0/config', {
    as: 'admin',
    body: {
      workflows: [
        { ...vpnWf, view_persons: ['jack'], interveners: ['guiji'] },
        { ...leaveWf, view_depts: [1] },
      ],
    },
  });
  t.equal(granted.status, 200, JSON.stringify(granted.body));

  const vpn = (await api.call('POST', '/api/v1.0/tickets', { body: vpnTicket() })).body.data.ticket_id;
  const leave = (await api.call('POST', '/api/v1.0/tickets', { body: leaveTicket(), as: 'wangwu' })).body.data.ticket_id;
  const draft = (await api.call('POST', '/api/v1.0/tickets', { body: leaveTicket({ transition_id: 2 }), as: 'lilei' })).body.data.ticket_id;
  const ids = async (as: string, query: Record<string, string | number>) => {
    const res = await api.call('GET', '/api/v1.0/tickets', { as, query: { per_page: 100, ...query } });
    t.equal(res.status, 200, JSON.stringify(query));
    return res.body.data.value.map((i: { id: number }) => i.id).sort();
  };

  t.same(await ids('jack', { category: 'view' }), [vpn, leave, draft].sort(), "view_persons, and dept 1 above jack's dept");
  t.same(await ids('wangwu', { category: 'view' }), [leave, draft].sort(), "dept 1 above wangwu's dept");
  t.same(await ids('stranger', { category: 'view' }), [], 'no grant, no dept');
  t.same(await ids('guiji', { category: 'intervene' }), [vpn], 'interveners');
  t.same(await ids('jack', { category: 'intervene' }), [], 'no intervene grant');
  t.same(await ids('admin', { category: 'all', act_state_id: 0 }), [draft], 'act_state_id');
  t.same(await ids('admin', { category: 'all', creator: 'wangwu' }), [leave], 'creator');
  t.same(await ids('admin', { category: 'all', state_ids: '3,7' }), [vpn, leave].sort(), 'state_ids');
  t.same(await ids('admin', { category: 'all', ticket_ids: `${draft}` }), [draft], 'ticket_ids');

  const child = (await api.call('POST', '/api/v1.0/tickets', { body: vpnTicket({ parent_ticket_id: leave, parent_ticket_state_id: 3 }) }))
    .body.data.ticket_id;
  t.same(await ids('admin', { category: 'all', parent_ticket_id: leave }), [child], 'parent_ticket_id');
  t.same(await ids('admin', { category: 'all', parent_ticket_id: leave, parent_ticket_state_id: 4 }), [], 'parent_ticket_state_id');

  // A workflow without view check is visible to all; elsewhere only one's own tickets.
  const open = await api.call('PUT', '/api/v1.0/config', {
    as: 'admin',
    body: { workflows: [{ ...leaveWf, view_permission_check: false }] },
  });
  t.equal(open.status, 200);
  t.same(await ids('hanmeimei', { category: 'all' }), [leave, draft].sort(), 'every ticket of the open workflow, none of the checked one');
  t.same(await ids('lilei', { category: 'all' }), [vpn, leave, draft, child].sort(), "the open workflow plus lilei's own vpn tickets");
});
