// `npm start` on a fresh data dir: serves the demo, prints a create command that works as
// printed, and shuts down cleanly on SIGTERM.
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';

t.test('serve prints a working quick start and stops on SIGTERM', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'flowledger-serve-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  const child = spawn(process.execPath, ['--import=tsx', 'src/cli/main.ts', 'serve'], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn', DATABASE_URL: '', TEST_DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  for (let i = 0; i < 600 && !/curl .*\n/.test(output); i++) await new Promise((r) => setTimeout(r, 100));

  t.match(output, /flowledger listening on http:\/\/127\.0\.0\.1:\d+/, 'prints the URL');
  t.match(output, /demo app: appname=demo token=\S+/, 'prints the demo app and token');
  const command = output
    .split('\n')
    .find((line) => line.includes('curl '))!
    .trim();
  const { stdout } = await promisify(execFile)('bash', ['-c', command]);
  t.match(JSON.parse(stdout), { code: 0, msg: '', data: { ticket_id: 1 } }, 'the printed command creates a ticket');

  child.kill('SIGTERM');
  t.equal(await exited, 0, 'exits cleanly on SIGTERM');
  t.match(output, /SIGTERM: finishing/);
});
