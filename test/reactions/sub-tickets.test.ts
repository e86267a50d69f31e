// Sub-tickets end to end (issue 9, behaviour §6.5): the parent waits in a state until every
// sub-ticket created for that state has ended, then the engine moves it on, once.
import t from 'tap';
import { startApp, type TestApp } from '../support/app.ts';

const PARALLEL = {
  workflows: [
    {
      id: 70,
      name: 'rollout',
      admins: ['admin'],
      states: [
        { id: 701, name: 'new', type_id: 1, order_id: 1, participant_type_id: 5, participant: 'creator' },
        { id: 702, name: 'waiting for the sites', order_id: 2, participant_type_id: 1, participant: 'admin' },
        { id: 703, name: 'rolled out', type_id: 2, order_id: 3, participant_type_id: 0, participant: '' },
      ],
      transitions: [
        { id: 7001, name: 'start', source_state_id: 701, destination_state_id: 702 },
        { id: 7002, name: 'all sites done', source_state_id: 702, destination_state_id: 703 },
      ],
    },
    {
      id: 71,
      name: 'site',
      admins: ['admin'],
      states: [
        { id: 711, name: 'new', type_id: 1, order_id: 1, participant_type_id: 5, participant: 'creator' },
        { id: 712, name: 'installing', order_id: 2, participant_type_id: 1, participant: 'lilei' },
        { id: 713, name: 'installed', type_id: 2, order_id: 3, participant_type_id: 0, participant: '' },
      ],
      transitions: [
        { id: 7101, name: 'start', source_state_id: 711, destination_state_id: 712 },
        { id: 7102, name: 'done', source_state_id: 712, destination_state_id: 713 },
      ],
    },
  ],
};

const create = async (api: TestApp, body: Record<string, unknown>) => {
  const res = await api.call('POST', '/api/v1.0/tickets', { as: 'wangwu', body: { title: 'rollout', ...body } });
  if (res.status !== 200) throw new Error(JSON.stringify(res.body));
  return res.body.data.ticket_id as number;
};
const stateOf = async (api: TestApp, id: number) =>
  (await api.call('GET', `/api/v1.0/tickets/${id}`, { as: 'admin' })).body.data.value.state_id;
const settle = () => new Promise((r) => setTimeout(r, 1500));

t.test('the parent moves on once every sub-ticket of its state has ended', async (t) => {
  const api = await startApp(t, { react: true });
  t.equal((await api.call('PUT', '/api/v1.0/config', { as: 'admin', body: PARALLEL })).status, 200);
  const parent = await create(api, { workflow_id: 70, transition_id: 7001 });
  const sites = [
    await create(api, { workflow_id: 71, transition_id: 7101, parent_ticket_id: parent, parent_ticket_state_id: 702 }),
    await create(api, { workflow_id: 71, transition_id: 7101, parent_ticket_id: parent, parent_ticket_state_id: 702 }),
  ];
  t.equal((await api.call('PATCH', `/api/v1.0/tickets/${sites[0]}`, { as: 'lilei', body: { transition_id: 7102 } })).status, 200);
  await settle();
  t.equal(await stateOf(api, parent), 702, 'one site is still installing: the parent waits');

  t.equal((await api.call('PATCH', `/api/v1.0/tickets/${sites[1]}`, { as: 'lilei', body: { transition_id: 7102 } })).status, 200);
  const deadline = Date.now() + 10_000;
  while ((await stateOf(api, parent)) !== 703 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  t.equal(await stateOf(api, parent), 703, 'the last site ended: the engine moved the parent on');
  const logs = (await api.call('GET', `/api/v1.0/tickets/${parent}/flowlogs`, { as: 'admin' })).body.data.value;
  t.match(logs[0], { participant: 'loonrobot', transition: { transition_id: 7002 }, suggestion: '所有子工单处理完毕，自动流转' });
  await settle();
  const moves = (await api.runtime.store.readStream(`ticket-${parent}`)).filter((e) => e.type === 'TicketHandled');
  t.equal(moves.length, 1, 'moved once');
});
