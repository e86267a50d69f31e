// The result of a run: one JSON document (kept under bench/results) and a markdown table.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CeilingFigure } from './ceiling.ts';
import type { LagFigure } from './lag.ts';
import type { LoadFigure } from './load.ts';
import type { BenchOptions } from './options.ts';
import type { ProfileSummary } from './profile.ts';
import type { RebuildFigure } from './rebuild.ts';
import type { SeedFigures } from './seed.ts';

export interface Measured<T> {
  /** Idle share of the CPUs over the second before the measurement. */
  idleBefore: number | null;
  figure: T;
}

export interface BenchResult {
  date: string;
  commit: string;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string };
  options: BenchOptions;
  store: string;
  seeding: Measured<SeedFigures>;
  handlePoolTopUp: SeedFigures[];
  ceiling: Measured<CeilingFigure> | null;
  operations: (Measured<LoadFigure> & { ceilingRatio: number | null })[];
  lag: LagFigure | null;
  rebuild: Measured<RebuildFigure> | null;
  rss: { afterSeedingBytes: number | null; duringLoadBytes: number | null };
  profiles: ProfileSummary[];
  /** True when some request was answered other than 2xx, timed out or failed. */
  hadErrors: boolean;
  notes: string[];
}

const LABELS: Record<string, string> = {
  detail: 'GET detail',
  'list-all': 'GET list `all`, 20 per page',
  'list-duty': 'GET list `duty`, 20 per page',
  flowlogs: 'GET flowlogs',
  create: 'POST create',
  handle: 'PATCH handle',
};

const n = (x: number, digits = 0) =>
  Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a';
const ms = (x: number) => (Number.isFinite(x) ? `${n(x, x < 10 ? 2 : 1)} ms` : 'n/a');
const pct = (x: number | null) => (x === null ? 'n/a' : `${Math.round(x * 100)}%`);
const mib = (x: number | null) => (x === null ? 'n/a' : `${n(x / 2 ** 20)} MiB`);

export function markdown(r: BenchResult): string {
  const o = r.options;
  const lines = [
    `flowledger bench, ${r.date}, commit ${r.commit}: ${r.store}, ${n(r.seeding.figure.tickets)} tickets seeded, ` +
      `${o.connections} connections, ${o.duration} s per operation after ${o.warmup} s warm-up; ` +
      `${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memoryGiB} GiB, node ${r.machine.node}` +
      (r.hadErrors ? '. **This run had errors (see non-2xx).**' : ''),
    '',
    '| operation | req/s | p50 | p99 | non-2xx | × insert ceiling | idle CPU before |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const { figure: f, idleBefore, ceilingRatio } of r.operations) {
    const bad = f.non2xx + f.errors + f.timeouts;
    lines.push(
      `| ${LABELS[f.operation]}${f.exhausted ? ' (pool ran out)' : ''} | ${n(f.perSecond)} | ${ms(f.p50Ms)} | ${ms(f.p99Ms)} | ${bad ? `**${n(bad)}**` : '0'} | ` +
        `${ceilingRatio === null ? '' : n(ceilingRatio, 3)} | ${pct(idleBefore)} |`,
    );
  }
  if (r.ceiling) {
    const c = r.ceiling.figure;
    lines.push(
      `| durable single-row INSERT transaction (ceiling) | ${n(c.perSecond)} | ${ms(c.p50Ms)} | ${ms(c.p99Ms)} | | 1 | ${pct(r.ceiling.idleBefore)} |`,
    );
  }
  lines.push('');
  const s = r.seeding.figure;
  lines.push(
    `- Seeding through the API: ${n(s.tickets)} tickets (${n(s.requests)} requests) in ${n(s.seconds, 1)} s: ` +
      `${n(s.ticketsPerSecond)} tickets/s, ${n(s.requestsPerSecond)} requests/s, ${n(s.retries)} retried (idle before ${pct(r.seeding.idleBefore)}).`,
  );
  for (const t of r.handlePoolTopUp) lines.push(`- Handle pool topped up with ${n(t.tickets)} tickets in ${n(t.seconds, 1)} s.`);
  if (r.ceiling) {
    const c = r.ceiling.figure;
    lines.push(
      `- Insert ceiling: ${c.connections} pg clients, begin; insert; commit (fsync ${c.fsync}, synchronous_commit ${c.synchronousCommit}).`,
    );
    for (const { figure: f } of r.operations.filter((x) => x.figure.operation === 'create' || x.figure.operation === 'handle')) {
      lines.push(
        `- A ${f.operation} costs ${n(c.perSecond / f.perSecond, 1)} durable inserts (throughput ratio ${n(f.perSecond / c.perSecond, 3)}).`,
      );
    }
  }
  if (r.lag) {
    const l = r.lag;
    lines.push(
      `- Projector lag during the create load (log → tickets read model, polled every ${l.pollMs} ms): ` +
        `p50 ${ms(l.p50Ms)}, p99 ${ms(l.p99Ms)}, max ${ms(l.maxMs)} over ${n(l.samples)} samples${l.unresolved ? `, ${l.unresolved} never projected` : ''}.`,
    );
  }
  if (r.rebuild) {
    const b = r.rebuild.figure;
    lines.push(
      `- Rebuild of all read models: ${n(b.events)} events in ${n(b.seconds, 1)} s = ${n(b.eventsPerSecond)} events/s ` +
        `(${b.projections.map((p) => `${p.name} ${n(p.seconds, 1)} s`).join(', ')}; idle before ${pct(r.rebuild.idleBefore)}).`,
    );
  }
  lines.push(
    `- API peak RSS: ${mib(r.rss.afterSeedingBytes)} by the end of seeding, ${mib(r.rss.duringLoadBytes)} during the measured load.`,
  );
  for (const note of r.notes) lines.push(`- ${note}`);
  for (const p of r.profiles) {
    lines.push(
      '',
      `CPU profile of the API during ${p.operation} (${n(p.samples)} samples, busy ${pct(p.busyShare)}; self time as a share of busy time):`,
      '',
    );
    lines.push('| area | self |', '|---|---:|', ...p.areas.map((a) => `| ${a.area} | ${pct(a.share)} |`));
    lines.push('', '| function | self |', '|---|---:|', ...p.frames.map((f) => `| \`${f.frame}\` | ${pct(f.share)} |`));
  }
  return lines.join('\n') + '\n';
}

export async function writeResult(dir: string, stamp: string, result: BenchResult): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${stamp}.json`);
  const text = JSON.stringify(result, null, 2) + '\n';
  await writeFile(file, text);
  await writeFile(join(dir, 'latest.json'), text);
  await writeFile(join(dir, 'latest.md'), markdown(result));
  return file;
}
