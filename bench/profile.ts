// Where the time goes: a CPU profile of the API process during one operation's load, taken
// through the inspector (the API runs with --inspect on a loopback port when --profile is
// given), and summarised by self time per function and per area of the code.
import { writeFile } from 'node:fs/promises';
import { WebSocket } from 'undici';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples?: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  operation: string;
  file: string;
  samples: number;
  /** Share of samples the process was busy (not idle). */
  busyShare: number;
  /** Self time per area, as a share of the busy samples. */
  areas: { area: string; share: number }[];
  frames: { frame: string; share: number }[];
}

/** A small client of the inspector protocol: one socket, numbered calls. */
export async function openInspector(url: string) {
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve, { once: true });
    socket.addEventListener('error', reject, { once: true });
  });
  let id = 0;
  const waiting = new Map<number, (message: any) => void>();
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data));
    if (message.id !== undefined) waiting.get(message.id)?.(message);
  });
  const call = (method: string, params: object = {}) =>
    new Promise<any>((resolve, reject) => {
      const n = ++id;
      waiting.set(n, (m) => (m.error ? reject(new Error(`${method}: ${m.error.message}`)) : resolve(m.result)));
      socket.send(JSON.stringify({ id: n, method, params }));
    });
  return { call, close: () => socket.close() };
}

/** Where a frame's code lives: a package, a folder of src, node itself, or the VM. */
function areaOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const src = /\/(src|bench)\/([^/]+)\//.exec(url);
  if (src) return `${src[1]}/${src[2]}`;
  if (url.startsWith('node:')) return url.replace(/^node:(internal\/)?([^/]+).*/, 'node:$2');
  return url;
}

const frameName = (f: CallFrame) =>
  f.url
    ? `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(node_modules|src)\//, '$1/').replace(/^file:\/\//, '')}`
    : `${f.functionName} (native)`;

export function summarise(profile: CpuProfile, operation: string, file: string, top = 12): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
  // A native frame (a syscall such as writev) is charged to the JavaScript that called it:
  // on loopback the kernel's work for the receiving side is done inside the sender's write.
  const callerOf = (id: number): CallFrame | undefined => {
    for (let at = parentOf.get(id); at !== undefined; at = parentOf.get(at)) {
      const frame = byId.get(at)!.callFrame;
      if (frame.url && !frame.url.startsWith('node:')) return frame;
    }
    return undefined;
  };
  const hits = new Map<number, number>();
  if (profile.samples) for (const s of profile.samples) hits.set(s, (hits.get(s) ?? 0) + 1);
  else for (const n of profile.nodes) hits.set(n.id, n.hitCount ?? 0);
  let total = 0;
  let idle = 0;
  const areas = new Map<string, number>();
  const frames = new Map<string, number>();
  for (const [id, count] of hits) {
    const node = byId.get(id)!;
    total += count;
    if (node.callFrame.functionName === '(idle)') {
      idle += count;
      continue;
    }
    const native = !node.callFrame.url && !node.callFrame.functionName.startsWith('(');
    const caller = native ? callerOf(id) : undefined;
    const area = caller ? `${areaOf(caller)} (native)` : areaOf(node.callFrame);
    areas.set(area, (areas.get(area) ?? 0) + count);
    const name = caller ? `${node.callFrame.functionName} (native) ← ${frameName(caller)}` : frameName(node.callFrame);
    frames.set(name, (frames.get(name) ?? 0) + count);
  }
  const busy = Math.max(1, total - idle);
  const ranked = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top);
  return {
    operation,
    file,
    samples: total,
    busyShare: total ? (total - idle) / total : 0,
    areas: ranked(areas).map(([area, n]) => ({ area, share: n / busy })),
    frames: ranked(frames).map(([frame, n]) => ({ frame, share: n / busy })),
  };
}

/** Profiles the API while `load` runs, and writes the .cpuprofile beside the results (DevTools opens it). */
export async function profileDuring(
  inspectorUrl: string,
  operation: string,
  file: string,
  load: () => Promise<unknown>,
): Promise<ProfileSummary> {
  const inspector = await openInspector(inspectorUrl);
  try {
    await inspector.call('Profiler.enable');
    // 1 ms between samples: ten thousand samples in a ten-second run.
    await inspector.call('Profiler.setSamplingInterval', { interval: 1000 });
    await inspector.call('Profiler.start');
    await load();
    const { profile } = (await inspector.call('Profiler.stop')) as { profile: CpuProfile };
    await writeFile(file, JSON.stringify(profile));
    return summarise(profile, operation, file);
  } finally {
    inspector.close();
  }
}
