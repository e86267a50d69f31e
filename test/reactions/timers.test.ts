// Timer transitions end to end (issue 9): a ticket left alone in a state with a timer moves on
// by itself, as loonrobot, through the normal command path; activity in the state re-arms the
// timer; a timer that fell due while the service was down fires after it is back, once.
import t, { type Test } from 'tap';
import { readEnv } from '../../src/config/env.ts';
import { createRuntime } from '../../src/runtime.ts';
import { startApp, type TestApp } from '../support/app.ts';

const ESCALATION = {
  workflows: [
    {
      id: 50,
      name: 'escalation',
      admins: ['admin'],
      states: [
        { id: 501, name: 'new', type_id: 1, order_id: 1, participant_type_id: 5, participant: 'creator' },
        { id: 502, name: 'with lilei', order_id: 2, participant_type_id: 1, participant: 'lilei' },
        { id: 503, name: 'escalated', order_id: 3, participant_type_id: 1, participant: 'admin' },
        { id: 504, name: 'done', type_id: 2, order_id: 4, participant_type_id: 0, participant: '' },
      ],
      transitions: [
        { id: 5001, name: 'submit', source_state_id: 501, destination_state_id: 502 },
        { id: 5002, name: 'escalate', source_state_id: 502, destination_state_id: 503, transition_type_id: 2, timer: 1 },
        { id: 5003, name: 'finish', source_state_id: 503, destination_state_id: 504 },
      ],
    },
  ],
};

async function withEscalation(t: Test): Promise<TestApp> {
  const api = await startApp(t, { react: true });
  const applied = await api.call('PUT', '/api/v1.0/config', { as: 'admin', body: ESCALATION });
  t.equal(applied.status, 200, JSON.stringify(applied.body));
  return api;
}

const create = async (api: TestApp) =>
  (await api.call('POST', '/api/v1.0/tickets', { as: 'wangwu', body: { workflow_id: 50, transition_id: 5001, title: 'printer' } })).body
    .data.ticket_id as number;
const stateOf = async (api: TestApp, id: number) =>
  (await api.call('GET', `/api/v1.0/tickets/${id}`, { as: 'admin' })).body.data.value.state_id as number;
const timerFirings = async (api: TestApp, id: number) =>
  (await api.runtime.store.readStream(`ticket-${id}`)).filter((e) => e.type === 'TicketTimerFired').length;

async function waitForState(api: TestApp, id: number, stateId: number, ms = 10_000): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < ms) {
    if ((await stateOf(api, id)) === stateId) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 50));
  }
  return Infinity;
}

t.test('a ticket left alone moves on when its timer falls due, as loonrobot, in the flow log', async (t) => {
  const api = await withEscalation(t);
  const id = await create(api);
  t.equal(await stateOf(api, id), 502, 'waiting with lilei');
  const waited = await waitForState(api, id, 503);
  t.ok(waited < 10_000, `escalated by the timer after ${waited} ms`);
  const logs = (await api.call('GET', `/api/v1.0/tickets/${id}/flowlogs`, { as: 'admin' })).body.data.value;
  t.match(
    logs,
    [{ participant: 'loonrobot', transition: { transition_id: 5002 }, suggestion: '定时器流转' }],
    'the newest log is the timer',
  );
  t.equal(await timerFirings(api, id), 1, 'fired once');
});

t.test('activity in the state re-arms the timer from then on', async (t) => {
  const api = await withEscalation(t);
  const id = await create(api);
  await new Promise((r) => setTimeout(r, 600));
  const commented = await api.call('POST', `/api/v1.0/tickets/${id}/comments`, { as: 'lilei', body: { suggestion: 'on it' } });
  t.equal(commented.status, 200);
  const commentedAt = Date.now();
  await new Promise((r) => setTimeout(r, 700));
  t.equal(await stateOf(api, id), 502, 'still with lilei 1.3 s after the creation: the comment voided the first timer');
  await waitForState(api, id, 503);
  t.ok(Date.now() - commentedAt >= 1000, 'escalated a second after the comment');
  t.equal(await timerFirings(api, id), 1);
});

t.test('a timer that fell due while the service was down fires after the restart, once', async (t) => {
  const api = await withEscalation(t);
  const id = await create(api);
  // The service stops before the timer is due, and stays down past it.
  await api.runtime.reactions.stop();
  await api.runtime.reactionProjections.stop();
  await new Promise((r) => setTimeout(r, 1500));
  t.equal(await stateOf(api, id), 502, 'nothing fired while it was down');
  const restarted = await createRuntime(readEnv({}), { database: api.db.database });
  t.teardown(() => restarted.close());
  const deadline = Date.now() + 10_000;
  while ((await timerFirings(api, id)) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 500));
  t.equal(await timerFirings(api, id), 1, 'fired late, and once');
});
