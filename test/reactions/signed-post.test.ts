// The outbound call of hooks and notices against a real receiver on 127.0.0.1: what counts as
// success, every way it fails, the headers a receiver can verify, and connection reuse.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import t, { type Test } from 'tap';
import { signatureFor } from '../../src/loonflow-signature.ts';
import { parseHostAllowList } from '../../src/reactions/delivery/host-allow-list.ts';
import { DeliveryClient } from '../../src/reactions/delivery/signed-post.ts';

interface Received {
  headers: IncomingMessage['headers'];
  body: unknown;
}

async function receiver(t: Test, answer: (req: IncomingMessage, res: ServerResponse) => void) {
  const received: Received[] = [];
  let connections = 0;
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: JSON.parse(text) });
      answer(req, res);
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, port, received, connections: () => connections };
}

const json = (res: ServerResponse, status: number, body: unknown) =>
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
const now = new Date('2026-12-01T10:00:00Z');

function client(t: Test, allow?: string, timeoutMs = 2000) {
  const c = new DeliveryClient(parseHostAllowList(allow), { timeoutMs, clock: () => now });
  t.teardown(() => c.close());
  return c;
}

t.test('code 0 is success; the receiver can verify the signature and tell a re-delivery', async (t) => {
  const hook = await receiver(t, (_req, res) => json(res, 200, { code: 0, msg: 'done' }));
  const c = client(t);
  const first = await c.post({ url: hook.url, token: 'hook-token', body: { ticket: 1 }, deliveryId: 'ticket-1@5/7:hook' });
  const again = await c.post({ url: hook.url, token: 'hook-token', body: { ticket: 1 }, deliveryId: 'ticket-1@5/7:hook' });
  t.match(first, { kind: 'succeeded', status: 200, response: { code: 0, msg: 'done' } });
  t.match(again, { kind: 'succeeded' });
  const [{ headers, body }, second] = hook.received;
  const timestamp = String(now.getTime() / 1000);
  t.same(body, { ticket: 1 });
  t.equal(headers.timestamp, timestamp);
  t.equal(headers.signature, signatureFor(timestamp, 'hook-token'), 'md5(timestamp + hook_token), as loonflow signs');
  t.equal(headers['idempotency-key'], 'ticket-1@5/7:hook');
  t.equal(second.headers['idempotency-key'], headers['idempotency-key'], 'a retry carries the same key');
  for (let i = 0; i < 8; i++) await c.post({ url: hook.url, token: 'hook-token', body: {}, deliveryId: `d${i}` });
  t.ok(hook.connections() <= 2, `10 calls over ${hook.connections()} connection(s): connections are reused`);
});

t.test('every failure says why', async (t) => {
  const cases: [string, (req: IncomingMessage, res: ServerResponse) => void, RegExp, number | undefined][] = [
    [
      'a refusal in loonflow terms',
      (_q, res) => json(res, 200, { code: -1, msg: 'vpn account exists' }),
      /answered code -1: vpn account exists/,
      200,
    ],
    ['a server error', (_q, res) => json(res, 500, { code: 0 }), /answered code 0/, 500],
    ['not JSON', (_q, res) => res.writeHead(200).end('<html>ok</html>'), /answered HTTP 200 without a JSON object/, 200],
    ['a JSON array', (_q, res) => json(res, 200, [0]), /without a JSON object/, 200],
  ];
  for (const [what, answer, reason, status] of cases) {
    const hook = await receiver(t, answer);
    const outcome = await client(t).post({ url: hook.url, token: 't', body: {}, deliveryId: 'd' });
    t.match(outcome, { kind: 'failed', reason, status }, what);
  }
});

t.test('a receiver that does not answer in time, or is not there', async (t) => {
  const slow = await receiver(t, (_q, res) => setTimeout(() => json(res, 200, { code: 0 }), 1500));
  t.match(await client(t, undefined, 200).post({ url: slow.url, token: 't', body: {}, deliveryId: 'd' }), {
    kind: 'failed',
    reason: 'no answer within 200 ms',
  });
  const gone = await receiver(t, () => undefined);
  const url = gone.url.replace(String(gone.port), '1');
  t.match(await client(t).post({ url, token: 't', body: {}, deliveryId: 'd' }), {
    kind: 'failed',
    reason: /could not be reached \(ECONNREFUSED\)/,
  });
});

t.test('HOOK_HOST_ALLOWED refuses other hosts before anything is sent', async (t) => {
  const hook = await receiver(t, (_q, res) => json(res, 200, { code: 0 }));
  const allowed = client(t, `127.0.0.1:${hook.port}`);
  t.match(await allowed.post({ url: hook.url, token: 't', body: {}, deliveryId: 'd' }), { kind: 'succeeded' });
  const other = client(t, 'hooks.example.com');
  t.same(await other.post({ url: hook.url, token: 't', body: {}, deliveryId: 'd' }), {
    kind: 'refused',
    reason: `Host 127.0.0.1:${hook.port} is not in HOOK_HOST_ALLOWED; ask an administrator to add it.`,
  });
  t.match(
    await client(t, '').post({ url: hook.url, token: 't', body: {}, deliveryId: 'd' }),
    { kind: 'refused' },
    'an empty list allows nothing',
  );
  t.match(await client(t).post({ url: 'file:///etc/passwd', token: 't', body: {}, deliveryId: 'd' }), {
    kind: 'refused',
    reason: /Only http and https/,
  });
  t.equal(hook.received.length, 1, 'only the allowed call arrived');
});
