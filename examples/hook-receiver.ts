// A hook receiver for trying hooks with the demo configuration: answers the engine's call,
// checks loonflow's signature, and for a hook that waits (the demo's 授权脚本 state) calls
// back a second later so that the ticket moves on by itself.
//   npx tsx examples/hook-receiver.ts     (listens on 127.0.0.1:9000, the demo's hook_url)
import { createServer } from 'node:http';
import { signatureFor } from '../src/loonflow-signature.ts';

const HOOK_TOKEN = process.env.HOOK_TOKEN ?? 'demo-hook-token';
const API = process.env.API_URL ?? 'http://127.0.0.1:6060';
const APP = { name: process.env.APP_NAME ?? 'demo', token: process.env.APP_TOKEN ?? 'demo-token-change-me' };

createServer((req, res) => {
  let text = '';
  req.on('data', (chunk) => (text += chunk));
  req.on('end', () => {
    const ticket = JSON.parse(text || '{}') as { id?: number; title?: string };
    const signed = req.headers.signature === signatureFor(String(req.headers.timestamp), HOOK_TOKEN);
    console.log(
      `${req.url}: ticket ${ticket.id} "${ticket.title}", signature ${signed ? 'valid' : 'INVALID'}, delivery ${req.headers['idempotency-key']}`,
    );
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify(signed ? { code: 0, msg: 'vpn account created' } : { code: -1, msg: 'bad signature' }));
    if (signed && ticket.id) setTimeout(() => void callBack(ticket.id!), 1000);
  });
}).listen(9000, '127.0.0.1', () => console.log('hook receiver on http://127.0.0.1:9000'));

async function callBack(ticketId: number) {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const res = await fetch(`${API}/api/v1.0/tickets/${ticketId}/hook_call_back`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      appname: APP.name,
      timestamp,
      signature: signatureFor(timestamp, APP.token),
      username: 'admin',
    },
    body: JSON.stringify({ result: true, msg: 'done by the example receiver' }),
  });
  // A hook that does not wait has moved the ticket on already: the callback is then a 409.
  console.log(`callback for ticket ${ticketId}: ${res.status} ${await res.text()}`);
}
