// Rebuilding every read model from the log yields exactly the rows the live projectors wrote.
import t from 'tap';
import { ProjectionRunner } from '../../src/projections/engine/projection-runner.ts';
import { PROJECTIONS } from '../../src/runtime.ts';
import { leaveTicket, startApp, vpnTicket } from '../support/app.ts';
import { createTestDatabase } from '../support/database.ts';
import { dumpReadModels, endOfLog } from '../support/read-models.ts';

t.test('a rebuild from the log equals the live read models', async (t) => {
  const api = await startApp(t);
  const ok = async (method: 'POST' | 'PATCH' | 'PUT', url: string, as: string, body: unknown = {}) => {
    const res = await api.call(method, url, { as, body });
    t.equal(res.status, 200, `${method} ${url} as ${as}: ${JSON.stringify(res.body)}`);
    return res.body;
  };
  // Every kind of ticket event, on both demo workflows.
  const leave = (await ok('POST', '/api/v1.0/tickets', 'wangwu', leaveTicket())).data.ticket_id;
  await ok('PATCH', `/api/v1.0/tickets/${leave}`, 'zhangsan', { transition_id: 3, suggestion: 'ok' });
  await ok('PATCH', `/api/v1.0/tickets/${leave}`, 'lisi', { transition_id: 3 });
  await ok('POST', `/api/v1.0/tickets/${leave}/accept`, 'jack');
  await ok('POST', `/api/v1.0/tickets/${leave}/deliver`, 'jack', { target_username: 'hanmeimei', suggestion: 'yours' });
  await ok('POST', `/api/v1.0/tickets/${leave}/add_node`, 'hanmeimei', { target_username: 'zhangsan' });
  await ok('POST', `/api/v1.0/tickets/${leave}/add_node_end`, 'zhangsan', { suggestion: 'fine' });
  await ok('POST', `/api/v1.0/tickets/${leave}/comments`, 'wangwu', { suggestion: 'thanks' });
  await ok('PATCH', `/api/v1.0/tickets/${leave}/fields`, 'admin', { leave_reason: 'family' });
  await ok('PATCH', `/api/v1.0/tickets/${leave}`, 'hanmeimei', { transition_id: 5 });

  const vpn = (await ok('POST', '/api/v1.0/tickets', 'lilei', vpnTicket({ vpn_type: '2' }))).data.ticket_id;
  await ok('PATCH', `/api/v1.0/tickets/${vpn}`, 'zhangsan', { transition_id: 8 });
  await ok('PATCH', `/api/v1.0/tickets/${vpn}`, 'admin', { transition_id: 8 });
  await ok('POST', `/api/v1.0/tickets/${vpn}/accept`, 'guiji');
  await ok('PATCH', `/api/v1.0/tickets/${vpn}`, 'guiji', { transition_id: 9 });
  await ok('POST', `/api/v1.0/tickets/${vpn}/hook_call_back`, 'lilei', { result: false, msg: 'boom' });
  await ok('POST', `/api/v1.0/tickets/${vpn}/retry_script`, 'lilei');
  await ok('POST', `/api/v1.0/tickets/${vpn}/hook_call_back`, 'lilei', { result: true, msg: 'done' });
  await ok('PUT', `/api/v1.0/tickets/${vpn}/state`, 'admin', { state_id: 8, suggestion: 'again' });
  await ok('POST', `/api/v1.0/tickets/${vpn}/close`, 'admin', { suggestion: 'enough' });

  const draft = (await ok('POST', '/api/v1.0/tickets', 'lilei', leaveTicket({ transition_id: 2 }))).data.ticket_id;
  await ok('POST', `/api/v1.0/tickets/${draft}/close`, 'lilei');

  const live = await dumpReadModels(api.runtime.database.db);
  const shadow = await createTestDatabase();
  t.teardown(() => shadow.drop());
  const rebuild = new ProjectionRunner(shadow.database, api.runtime.store, PROJECTIONS);
  await rebuild.start();
  const end = await endOfLog(api.runtime.store);
  await rebuild.waitFor(end, 30_000);
  await rebuild.stop();
  const rebuilt = await dumpReadModels(shadow.database.db);
  t.equal(rebuilt.tickets.length, 3);
  t.ok(rebuilt.ticket_flow_logs.length >= 20, `${rebuilt.ticket_flow_logs.length} flow logs`);
  t.same(rebuilt, live, 'identical rows in every read-model table');
});
