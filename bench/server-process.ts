// The API under test as a separate process, started the way `npm start` starts it (tsx on
// src/cli/main.ts serve) but with node itself as the process, so that its pid is the
// server's own (for /proc/<pid>/status) and an inspector can be attached for a profile.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { signedHeaders } from './client.ts';
import { peakRss } from './machine.ts';

export interface ApiProcess {
  pid: number;
  url: string;
  /** ws:// address of the inspector when started with `inspect`. */
  inspectorUrl?: string;
  /** Peak RSS since start, or since the last resetPeak. */
  peakRss(): Promise<number | null>;
  /** Starts the peak over (Linux: writing 5 to clear_refs resets VmHWM). */
  resetPeak(): Promise<boolean>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

export async function startApi(options: { env: Record<string, string>; logFile: string; inspect?: boolean }): Promise<ApiProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const args = ['--import', 'tsx', ...(options.inspect ? ['--inspect=127.0.0.1:0'] : []), 'src/cli/main.ts', 'serve'];
  // Only what the API reads: a DATABASE_URL of the caller's shell must not leak into an embedded run.
  const { DATABASE_URL: _u, DATABASE_SCHEMA: _s, DATA_DIR: _d, CONFIG_FILE: _c, EVENTSTORE_URL: _e, PORT: _p, ...inherited } = process.env;
  const child = spawn(process.execPath, args, {
    env: { ...inherited, ...options.env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.pipe(log);
  let inspectorUrl: string | undefined;
  child.stderr!.on('data', (chunk: Buffer) => {
    log.write(chunk);
    inspectorUrl ??= /Debugger listening on (ws:\/\/\S+)/.exec(chunk.toString())?.[1];
  });
  const done = exited(child);

  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const tail = (await readFile(options.logFile, 'utf8')).split('\n').slice(-30).join('\n');
      throw new Error(`the API process exited (${child.exitCode ?? child.signalCode}) before answering; log ${options.logFile}:\n${tail}`);
    }
    try {
      const res = await request(`${url}/api/v1.0/tickets?category=all&per_page=1`, { headers: signedHeaders('admin') });
      await res.body.dump();
      if (res.statusCode === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() - started > 180_000) {
      child.kill('SIGKILL');
      throw new Error(`the API did not answer within 180 s; log ${options.logFile}`);
    }
    await sleep(200);
  }

  const pid = child.pid!;
  return {
    pid,
    url,
    get inspectorUrl() {
      return inspectorUrl;
    },
    peakRss: () => peakRss(pid),
    async resetPeak() {
      try {
        await writeFile(`/proc/${pid}/clear_refs`, '5');
        return true;
      } catch {
        return false;
      }
    },
    async stop() {
      // SIGTERM: the API finishes requests and the projection batch in flight, then exits.
      child.kill('SIGTERM');
      const timeout = sleep(60_000).then(() => 'timeout' as const);
      if ((await Promise.race([done.then(() => 'exited' as const), timeout])) === 'timeout') {
        child.kill('SIGKILL');
        await done;
      }
      log.end();
    },
  };
}
