// The command line as an operator runs it: a child process on a store of the test's own.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { Test } from 'tap';
import { TEST_DATABASE_URL } from './database.ts';

/** The environment of a fresh store: a schema on the test server, or an embedded store folder. */
export async function storeEnv(t: Test): Promise<Record<string, string>> {
  if (TEST_DATABASE_URL) {
    const schema = `t_cli_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
    t.teardown(async () => {
      const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      await c.query(
        `drop schema if exists ${schema} cascade; drop schema if exists ${schema}__rebuild cascade; drop schema if exists ${schema}__verify cascade`,
      );
      await c.end();
    });
    return { DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: schema };
  }
  const dir = await mkdtemp(join(tmpdir(), 'flowledger-ops-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return { DATA_DIR: dir, DATABASE_URL: '' };
}

export const cli = (args: string[], env: Record<string, string>) =>
  promisify(execFile)(process.execPath, ['--import=tsx', 'src/cli/main.ts', ...args], {
    env: { ...process.env, TEST_DATABASE_URL: '', LOG_LEVEL: 'silent', ...env },
  }).then(
    (r) => ({ code: 0, out: r.stdout + r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
  );
