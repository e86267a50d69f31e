import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';

const run = (args: string[], env: Record<string, string>) =>
  promisify(execFile)(process.execPath, ['--import=tsx', 'src/cli/main.ts', ...args], {
    env: { ...process.env, DATABASE_URL: '', TEST_DATABASE_URL: '', ...env },
  }).then(
    (r) => ({ code: 0, out: r.stdout + r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
  );

t.test('flowledger apply', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'flowledger-apply-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const env = { DATA_DIR: join(dir, 'data') };

  await writeFile(join(dir, 'bad.yaml'), 'users:\n  - {username: x, typo: 1}\nworkflows:\n  - {id: 1, name: w, states: [], transitions: []}\n');
  const bad = await run(['apply', join(dir, 'bad.yaml')], env);
  t.equal(bad.code, 1, 'an invalid document fails the command');
  t.match(bad.out, /was not applied; it has \d+ problem/);
  t.match(bad.out, /typo: unknown key/);
  t.match(bad.out, /start state/);

  const good = 'apps:\n  - {name: ops, token: s3cret, ticket_sn_prefix: ops}\nusers:\n  - {username: ann, type_id: 2}\n';
  await writeFile(join(dir, 'good.yaml'), good);
  const first = await run(['apply', join(dir, 'good.yaml')], env);
  t.equal(first.code, 0, first.out);
  t.match(first.out, /applied 2 change/);
  const again = await run(['apply', join(dir, 'good.yaml')], env);
  t.match(again.out, /already applied, nothing changed/);

  const status = await run(['projections', 'status'], env);
  t.match(status.out, /tickets\s+v\d+\s+never projected/, "status reads the checkpoints without projecting");
});
