// Projector lag under the write load. A command answers only once the read models have its
// events, so a create's latency already contains the lag and a client cannot see it apart.
// This sampler watches the database instead: every few milliseconds it reads the newest
// committed event of the log and the tickets projection's checkpoint (which moves in the same
// transaction as the read-model rows), and reports for each newly seen event the time from
// first seeing it in the log to first seeing the checkpoint at or past it. Both ends are
// observed by the same poll, so each lag is accurate to about one poll interval.
import pg from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { quantile } from './stats.ts';

export interface LagFigure {
  samples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  pollMs: number;
  /** Events seen in the log but never projected before the sampler stopped. */
  unresolved: number;
}

const POLL_MS = 5;

const beyond = (a: [bigint, bigint], b: [bigint, bigint]) => a[0] > b[0] || (a[0] === b[0] && a[1] >= b[1]);

export async function startLagSampler(databaseUrl: string, schema: string): Promise<{ stop(): Promise<LagFigure> }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(`set search_path to ${schema}`);
  const pending: { at: [bigint, bigint]; seenAt: number }[] = [];
  const lags: number[] = [];
  let lastHead = -1n;
  let running = true;
  const loop = (async () => {
    while (running) {
      const { rows } = await client.query(`
        select (select transaction_id::text || ':' || global_position from es_events order by global_position desc limit 1) as head,
               (select position_commit::text || ':' || position_prepare from projection_checkpoints where name = 'tickets') as checkpoint`);
      const now = performance.now();
      const { head, checkpoint } = rows[0] as { head: string | null; checkpoint: string | null };
      if (head) {
        const [tx, pos] = head.split(':').map(BigInt);
        if (pos !== lastHead) {
          lastHead = pos;
          pending.push({ at: [tx, pos], seenAt: now });
        }
      }
      if (checkpoint) {
        const [c, p] = checkpoint.split(':').map(BigInt);
        while (pending.length && beyond([c, p], pending[0].at)) lags.push(now - pending.shift()!.seenAt);
        // Later events may be projected before an earlier-seen one in log order; resolve those too.
        for (let i = pending.length - 1; i >= 0; i--) if (beyond([c, p], pending[i].at)) lags.push(now - pending.splice(i, 1)[0].seenAt);
      }
      await sleep(POLL_MS);
    }
  })();
  return {
    async stop() {
      // Give the projector a moment to finish what the load appended last.
      await sleep(500);
      running = false;
      await loop;
      await client.end();
      const sorted = Float64Array.from(lags).sort();
      return {
        samples: lags.length,
        p50Ms: quantile(sorted, 0.5),
        p99Ms: quantile(sorted, 0.99),
        maxMs: sorted[sorted.length - 1] ?? NaN,
        pollMs: POLL_MS,
        unresolved: pending.length,
      };
    },
  };
}
