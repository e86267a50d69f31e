// What the machine is and how busy it is: this 2-core box is shared, so every measurement
// is preceded by the idle share of the CPUs over about a second (from /proc/stat).
import { readFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

async function cpuTimes(): Promise<{ idle: number; total: number }> {
  // First line: cpu user nice system idle iowait irq softirq steal ...
  const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0];
  const fields = line.trim().split(/\s+/).slice(1, 9).map(Number);
  return { idle: fields[3] + fields[4], total: fields.reduce((a, b) => a + b, 0) };
}

/** Share of all CPUs that was idle over `ms` (0..1); null where /proc/stat is missing. */
export async function idleShare(ms = 1000): Promise<number | null> {
  try {
    const a = await cpuTimes();
    await sleep(ms);
    const b = await cpuTimes();
    return b.total === a.total ? null : (b.idle - a.idle) / (b.total - a.total);
  } catch {
    return null;
  }
}

/** Peak resident set of a process in bytes (VmHWM), null once it is gone. */
export async function peakRss(pid: number): Promise<number | null> {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(await readFile(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

export function describeMachine() {
  const list = cpus();
  return { cpus: list.length, cpuModel: list[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version };
}
