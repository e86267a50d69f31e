// Seeding through the HTTP API, the stable interface: every ticket goes through the commands
// and the projections as a user's would. Tickets run concurrently (one ticket's history in
// order), so seeding is itself a throughput figure.
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { CREATORS, handleBody, leaveBody, signedHeaders, vpnBody } from './client.ts';

/** The seeded tickets the load needs: who created each, and the ones waiting for admin's vote. */
export interface Seeded {
  ids: number[];
  creators: string[];
  /** vpn tickets zhangsan agreed to: admin's agreement (transition 8) moves them to state 8. */
  handlePool: number[];
}

export interface SeedFigures {
  tickets: number;
  requests: number;
  seconds: number;
  ticketsPerSecond: number;
  requestsPerSecond: number;
  /** Requests answered 409/503 and sent again. */
  retries: number;
}

interface Plan {
  creator: string;
  body: string;
  /** Handles after the create, in order: who, with which transition. */
  steps: [string, number][];
  /** Ends waiting for admin's vote in the vpn TL state. */
  poolable: boolean;
}

// A fixed mix, the same for every run: a multiplicative hash of the index picks each choice.
function hash(i: number, salt: number): number {
  // murmur3's finaliser: independent-looking choices per salt
  let h = (Math.imul(i, 0x9e3779b1) + Math.imul(salt, 0x85ebca77)) | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
const bucket = (i: number, salt: number) => hash(i, salt) % 100;

/** Six in ten vpn, four in ten leave; a quarter to half of each handled one or two steps. */
export function realisticPlan(i: number): Plan {
  const creator = CREATORS[hash(i, 1) % CREATORS.length];
  const steps = bucket(i, 3);
  if (bucket(i, 2) < 60) {
    // vpn: 25% just submitted (duty of zhangsan and admin), 50% agreed by zhangsan (waiting for
    // admin: the handle pool), 25% agreed by both (state 8, waiting for the ops role to accept).
    const plan: [string, number][] =
      steps < 25
        ? []
        : steps < 75
          ? [['zhangsan', 8]]
          : [
              ['zhangsan', 8],
              ['admin', 8],
            ];
    return { creator, body: vpnBody(i), steps: plan, poolable: plan.length === 1 };
  }
  // leave: 30% submitted, 40% agreed by zhangsan (waiting for lisi), 30% agreed by both (HR or, for one day, ended).
  const plan: [string, number][] =
    steps < 30
      ? []
      : steps < 70
        ? [['zhangsan', 3]]
        : [
            ['zhangsan', 3],
            ['lisi', 3],
          ];
  return { creator, body: leaveBody(i), steps: plan, poolable: false };
}

/** Only tickets for the handle pool. */
export const poolPlan = (i: number): Plan => ({
  creator: CREATORS[i % CREATORS.length],
  body: vpnBody(i),
  steps: [['zhangsan', 8]],
  poolable: true,
});

export class SeedError extends Error {}

export async function seedTickets(
  url: string,
  options: { count: number; connections: number; plan: (i: number) => Plan; offset?: number; label?: string },
  into: Seeded,
): Promise<SeedFigures> {
  const pool = new Pool(url, { connections: options.connections, pipelining: 1 });
  let next = 0;
  let requests = 0;
  let retries = 0;
  const started = performance.now();

  async function send(method: 'POST' | 'PATCH', path: string, username: string, body: string): Promise<any> {
    for (let attempt = 0; ; attempt++) {
      requests++;
      const res = await pool.request({ method, path, headers: signedHeaders(username), body });
      const text = await res.body.text();
      // A create racing others for the shared number streams may be refused as a conflict; a
      // user would send it again, and so does the seeder (a few times).
      if ((res.statusCode === 409 || res.statusCode === 503) && attempt < 5) {
        retries++;
        await sleep(20 * (attempt + 1));
        continue;
      }
      const parsed = JSON.parse(text);
      if (res.statusCode !== 200 || parsed.code !== 0)
        throw new SeedError(`${method} ${path} as ${username}: ${res.statusCode} ${text.slice(0, 300)}`);
      return parsed.data;
    }
  }

  const progress = setInterval(() => {
    const s = (performance.now() - started) / 1000;
    process.stdout.write(`  ${options.label ?? 'seeding'}: ${next}/${options.count} tickets, ${Math.round(next / s)} tickets/s\r`);
  }, 5000);
  try {
    await Promise.all(
      Array.from({ length: options.connections }, async () => {
        while (next < options.count) {
          const i = (options.offset ?? 0) + next++;
          const plan = options.plan(i);
          const { ticket_id: id } = await send('POST', '/api/v1.0/tickets', plan.creator, plan.body);
          for (const [username, transition] of plan.steps) await send('PATCH', `/api/v1.0/tickets/${id}`, username, handleBody(transition));
          into.ids.push(id);
          into.creators.push(plan.creator);
          if (plan.poolable) into.handlePool.push(id);
        }
      }),
    );
  } finally {
    clearInterval(progress);
    await pool.close();
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    tickets: options.count,
    requests,
    seconds,
    ticketsPerSecond: options.count / seconds,
    requestsPerSecond: requests / seconds,
    retries,
  };
}
