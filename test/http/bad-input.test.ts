// Whatever a caller sends, every endpoint answers a 4xx in the envelope, never a 500, and a
// refused request changes nothing.
import t from 'tap';
import { startApp, vpnTicket } from '../support/app.ts';

const ROUTES: [string, string][] = [
  ['GET', '/tickets'],
  ['POST', '/tickets'],
  ['GET', '/tickets/states'],
  ['GET', '/tickets/:id'],
  ['PATCH', '/tickets/:id'],
  ['GET', '/tickets/:id/transitions'],
  ['GET', '/tickets/:id/flowlogs'],
  ['GET', '/tickets/:id/flowsteps'],
  ['GET', '/tickets/:id/participant_info'],
  ['POST', '/tickets/:id/accept'],
  ['POST', '/tickets/:id/deliver'],
  ['POST', '/tickets/:id/add_node'],
  ['POST', '/tickets/:id/add_node_end'],
  ['PUT', '/tickets/:id/state'],
  ['PATCH', '/tickets/:id/fields'],
  ['POST', '/tickets/:id/comments'],
  ['POST', '/tickets/:id/close'],
  ['POST', '/tickets/:id/retreat'],
  ['POST', '/tickets/:id/hook_call_back'],
  ['POST', '/tickets/:id/retry_script'],
  ['GET', '/workflows'],
  ['GET', '/workflows/:id/init_state'],
  ['GET', '/workflows/:id/states'],
  ['GET', '/workflows/:id/simple_states'],
  ['GET', '/workflows/states/:id'],
  ['GET', '/workflows/:id/custom_fields'],
  ['GET', '/workflows/:id/transitions'],
  ['GET', '/workflows/:id/simple_description'],
  ['GET', '/accounts/simple_users'],
  ['GET', '/accounts/simple_depts'],
  ['PUT', '/config'],
];

const BODIES: unknown[] = [
  'null',
  '[]',
  '"text"',
  '42',
  '{"a":',
  {},
  { transition_id: {}, workflow_id: [], state_id: 'x', target_username: 5, suggestion: { deep: true }, result: 'maybe', field_value: 3 },
  { transition_id: 1e308, workflow_id: -1, state_id: 2 ** 63, target_username: '', suggestion: 'x'.repeat(20_000) },
  { transition_id: '7', workflow_id: '2', state_id: '8', target_username: 'a,b', from_admin: 'yes', msg: null, result: null },
  { __proto__: { polluted: true }, constructor: { prototype: {} }, title: ['a'], vpn_reason: { $gt: '' } },
  { workflows: 'all', users: [{ username: 1 }], apps: [null] },
];

const QUERIES: Record<string, string>[] = [
  {},
  { category: 'x', page: '-1', per_page: 'many', ticket_ids: '1,,x', desc: '2', ticket_data: 'yes' },
  { category: 'all', create_start: '2026-02-30', workflow_ids: '99999999999999999999', act_state_id: '1.5' },
  { category: 'duty', sn: '%', title: '_\\', search_value: "'; drop table tickets; --" },
];

const IDS = ['1', '0', '-5', 'abc', '1.5', '99999999999999999999', '%20', 'null'];

t.test('no input yields a 500 or a change', async (t) => {
  const api = await startApp(t);
  t.equal((await api.call('POST', '/api/v1.0/tickets', { body: vpnTicket() })).status, 200, 'ticket 1 exists');
  const configBefore = (await api.runtime.store.readStream('config')).length;
  let requests = 0;
  for (const [method, path] of ROUTES) {
    for (const rawId of IDS) {
      const url = `/api/v1.0${path.replace(':id', rawId)}`;
      const sends = method === 'GET' ? QUERIES.map((query) => ({ query })) : BODIES.map((body) => ({ body }));
      for (const send of sends) {
        for (const as of ['lilei', 'jack', 'admin']) {
          const res = await api.call(method as 'GET', url, { ...send, as });
          requests++;
          if (res.status >= 500 || (res.status >= 400 && res.body?.code !== -1)) {
            t.fail(
              `${method} ${url} ${JSON.stringify(send).slice(0, 200)} as ${as} → ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`,
            );
          }
        }
      }
      if (!path.includes(':id')) break;
    }
  }
  t.ok(requests > 2000, `${requests} requests answered without a 500`);
  // A few bodies are valid for some routes (a close by the admin, say); none is a valid config document.
  t.equal((await api.runtime.store.readStream('config')).length, configBefore, 'the configuration was not changed');
});
