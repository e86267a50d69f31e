// State hooks end to end against a real receiver on 127.0.0.1 (issue 9): a hook that does not
// wait moves the ticket on by itself; one that waits gets its callback; a failing receiver is
// retried with backoff until the engine gives up, and retry_script really calls again; a slow
// one times out; a host outside HOOK_HOST_ALLOWED is refused and says so.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import t, { type Test } from 'tap';
import { signatureFor } from '../../src/loonflow-signature.ts';
import { startApp, type TestApp } from '../support/app.ts';

type Answer = (req: IncomingMessage, res: ServerResponse) => void;

interface Receiver {
  base: string;
  port: number;
  calls: { path: string; headers: IncomingMessage['headers']; body: Record<string, unknown> }[];
  answer: Answer;
}

async function receiver(t: Test): Promise<Receiver> {
  const r: Receiver = { base: '', port: 0, calls: [], answer: (_q, res) => json(res, { code: 0, msg: 'ok' }) };
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      r.calls.push({ path: req.url ?? '', headers: req.headers, body: JSON.parse(text) });
      r.answer(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  r.port = (server.address() as AddressInfo).port;
  r.base = `http://127.0.0.1:${r.port}`;
  return r;
}

const json = (res: ServerResponse, body: unknown, status = 200) =>
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

const hooked = (base: string) => ({
  workflows: [
    {
      id: 60,
      name: 'provisioning',
      admins: ['admin'],
      custom_fields: [{ id: 600, field_key: 'account', field_name: 'account', field_type_id: 5, order_id: 1 }],
      states: [
        {
          id: 601,
          name: 'new',
          type_id: 1,
          order_id: 1,
          participant_type_id: 5,
          participant: 'creator',
          state_field: { title: 2, account: 2 },
        },
        {
          id: 602,
          name: 'create account',
          order_id: 2,
          participant_type_id: 10,
          participant: { hook_url: `${base}/create`, hook_token: 'create-token', wait: false, extra_info: { team: 'ops' } },
        },
        {
          id: 603,
          name: 'grant access',
          order_id: 3,
          participant_type_id: 10,
          participant: { hook_url: `${base}/grant`, hook_token: 'grant-token', wait: true },
        },
        { id: 604, name: 'done', type_id: 2, order_id: 4, participant_type_id: 0, participant: '' },
      ],
      transitions: [
        { id: 6001, name: 'submit', source_state_id: 601, destination_state_id: 602 },
        { id: 6002, name: 'created', source_state_id: 602, destination_state_id: 603 },
        { id: 6003, name: 'granted', source_state_id: 603, destination_state_id: 604 },
      ],
    },
  ],
});

// Generous per attempt (a loaded CI machine is slow), quick retries.
const RETRY = { maxAttempts: 3, baseDelayMs: 50, maxDelayMs: 200 };

async function provisioning(t: Test, options: Parameters<typeof startApp>[1] = {}) {
  const hook = await receiver(t);
  const api = await startApp(t, { react: true, delivery: { timeoutMs: 5000, retry: RETRY }, ...options });
  const applied = await api.call('PUT', '/api/v1.0/config', { as: 'admin', body: hooked(hook.base) });
  t.equal(applied.status, 200, JSON.stringify(applied.body));
  return { api, hook };
}

const create = async (api: TestApp) => {
  const res = await api.call('POST', '/api/v1.0/tickets', {
    as: 'lilei',
    body: { workflow_id: 60, transition_id: 6001, title: 'vpn for lilei', account: 'lilei' },
  });
  return res.body.data.ticket_id as number;
};
const detail = async (api: TestApp, id: number) => (await api.call('GET', `/api/v1.0/tickets/${id}`, { as: 'admin' })).body.data.value;
const eventTypes = async (api: TestApp, id: number) => (await api.runtime.store.readStream(`ticket-${id}`)).map((e) => e.type);

async function until(check: () => Promise<boolean>, ms = 10_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

t.test('a hook that does not wait moves the ticket on; one that waits gets its callback', async (t) => {
  const { api, hook } = await provisioning(t);
  const id = await create(api);
  t.ok(await until(async () => (await detail(api, id)).state_id === 603), 'the engine moved the ticket past the create-account hook');
  t.ok(await until(async () => hook.calls.some((c) => c.path === '/grant')), 'the grant hook was called');
  const called = async () => (await eventTypes(api, id)).filter((type) => type === 'TicketHookCalled').length === 2;
  t.ok(await until(called), 'and its answer recorded');
  const [created, granted] = hook.calls;
  t.equal(created.path, '/create');
  t.equal(
    created.headers.signature,
    signatureFor(String(created.headers.timestamp), 'create-token'),
    "signed with the hook's token, as loonflow signs",
  );
  t.match(created.headers['idempotency-key'], new RegExp(`^ticket-${id}@\\d+/\\d+:hook$`));
  t.match(created.body, {
    id,
    title: 'vpn for lilei',
    account: 'lilei',
    state_id: 602,
    participant_type_id: 10,
    extra_info: { team: 'ops' },
  });
  t.notMatch(JSON.stringify(created.body), /create-token|grant-token/, 'no hook token in the payload');
  t.equal(granted.body.state_id, 603);
  t.equal((await detail(api, id)).state_id, 603, 'the waiting hook keeps the ticket until its callback');

  const back = await api.call('POST', `/api/v1.0/tickets/${id}/hook_call_back`, {
    as: 'lilei',
    body: { result: true, msg: 'access granted' },
  });
  t.equal(back.status, 200);
  t.equal((await detail(api, id)).state_id, 604, 'the callback finished it');
  const logs = (await api.call('GET', `/api/v1.0/tickets/${id}/flowlogs`, { as: 'admin', query: { desc: '0' } })).body.data.value;
  t.match(
    logs.map((l: { participant: string; suggestion: string; intervene_type_id: number }) => [
      l.participant,
      l.intervene_type_id,
      l.suggestion,
    ]),
    [
      ['lilei', 0, ''],
      ['hook', 9, 'ok'],
      ['loonrobot', 0, 'ok'],
      ['hook', 9, 'ok'],
      ['loonrobot', 0, 'access granted'],
    ],
    'each hook result and each engine move is in the flow log',
  );
});

t.test('a failing receiver is retried with backoff, the engine gives up, and retry_script calls again', async (t) => {
  const { api, hook } = await provisioning(t);
  hook.answer = (_q, res) => json(res, { code: -1, msg: 'directory is down' });
  const id = await create(api);
  t.ok(await until(async () => (await eventTypes(api, id)).includes('TicketHookGaveUp')), 'gave up');
  const types = await eventTypes(api, id);
  t.equal(types.filter((type) => type === 'TicketHookCallFailed').length, 2, 'two failed attempts on the audit trail before giving up');
  t.equal(hook.calls.length, 3, 'three attempts in all');
  t.equal(
    new Set(hook.calls.map((c) => c.headers['idempotency-key'])).size,
    1,
    'every attempt of the delivery has the same Idempotency-Key',
  );
  // The event store has it first; the read model a moment later.
  t.ok(await until(async () => (await detail(api, id)).script_run_last_result === false), 'marked failed');
  t.equal((await detail(api, id)).state_id, 602, 'still at the hook');
  const logs = (await api.call('GET', `/api/v1.0/tickets/${id}/flowlogs`, { as: 'admin' })).body.data.value;
  t.match(logs[0], {
    participant: 'hook',
    intervene_type_id: 9,
    suggestion: 'hook call failed after 3 attempts: answered code -1: directory is down',
  });

  hook.answer = (_q, res) => json(res, { code: 0, msg: 'created now' });
  const retried = await api.call('POST', `/api/v1.0/tickets/${id}/retry_script`, { as: 'lilei' });
  t.equal(retried.status, 200);
  t.ok(await until(async () => (await detail(api, id)).state_id === 603), 'the retry called the hook again and the ticket moved on');
  t.not(hook.calls[3].headers['idempotency-key'], hook.calls[0].headers['idempotency-key'], 'a retry_script is a new delivery');
});

t.test('a receiver that does not answer in time is a failed attempt', async (t) => {
  const { api, hook } = await provisioning(t, { delivery: { timeoutMs: 300, retry: RETRY } });
  hook.answer = (_q, res) => setTimeout(() => json(res, { code: 0 }), 3000);
  const id = await create(api);
  t.ok(await until(async () => (await eventTypes(api, id)).includes('TicketHookGaveUp')));
  const failed = (await api.runtime.store.readStream(`ticket-${id}`)).find((e) => e.type === 'TicketHookCallFailed');
  t.match(failed?.data, { suggestion: 'no answer within 300 ms', attempt: 1, retryAt: String });
});

t.test('a host outside HOOK_HOST_ALLOWED is refused at once, with the reason', async (t) => {
  const { api, hook } = await provisioning(t, { env: { HOOK_HOST_ALLOWED: 'hooks.example.com' } });
  const id = await create(api);
  t.ok(await until(async () => (await detail(api, id)).script_run_last_result === false), 'gave up at once');
  t.equal(hook.calls.length, 0, 'nothing was sent');
  const logs = (await api.call('GET', `/api/v1.0/tickets/${id}/flowlogs`, { as: 'admin' })).body.data.value;
  t.match(logs[0].suggestion, `hook call failed after the first attempt: Host 127.0.0.1:${hook.port} is not in HOOK_HOST_ALLOWED`);
  t.equal((await eventTypes(api, id)).filter((type) => type === 'TicketHookCallFailed').length, 0, 'no retries for a refusal');
});

t.test("a receiver's answer the database cannot hold is made storable, and the ticket moves on", async (t) => {
  const { api, hook } = await provisioning(t);
  // 60 kB: within what is read of an answer (64 kB), over a suggestion's 10,000 characters.
  hook.answer = (_q, res) => json(res, { code: 0, msg: `ok\u0000${'😀'.repeat(15_000)}` });
  const id = await create(api);
  t.ok(await until(async () => (await detail(api, id)).state_id === 603), 'moved past the hook that does not wait');
  const called = (await api.runtime.store.readStream(`ticket-${id}`)).find((e) => e.type === 'TicketHookCalled');
  const message = (called?.data as { suggestion: string }).suggestion;
  t.notOk(message.includes('\u0000'), 'no NUL');
  t.equal([...message].length, 10_000, 'at most a suggestion long, counted in characters');
});
