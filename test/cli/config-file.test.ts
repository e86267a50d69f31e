// CONFIG_FILE is applied at start-up, on top of what the store already holds.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { readEnv } from '../../src/config/env.ts';
import { applyStartupConfig, buildHttpApp, createRuntime } from '../../src/runtime.ts';
import { createTestDatabase } from '../support/database.ts';
import { signedHeaders } from '../support/app.ts';

t.test('CONFIG_FILE at start-up', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'flowledger-config-'));
  const db = await createTestDatabase();
  t.teardown(async () => {
    await db.drop();
    await rm(dir, { recursive: true, force: true });
  });
  const file = join(dir, 'flowledger.yaml');
  await writeFile(
    file,
    [
      'apps:',
      '  - {name: ops_portal, token: s3cret, ticket_sn_prefix: ops}',
      'users:',
      '  - {username: ann, alias: Ann, type_id: 2}',
      'workflows:',
      '  - id: 9',
      '    name: access',
      '    states:',
      '      - {id: 91, name: draft, type_id: 1, participant_type_id: 5, participant: creator}',
      '      - {id: 92, name: done, type_id: 2, participant_type_id: 0}',
      '    transitions:',
      '      - {id: 91, name: submit, source_state_id: 91, destination_state_id: 92}',
    ].join('\n'),
  );
  const env = readEnv({ CONFIG_FILE: file });
  const runtime = await createRuntime(env, { database: db.database });
  const first = await applyStartupConfig(runtime, env);
  t.match(first, { source: file, changes: 3 }, 'the file is applied, not the demo');
  t.same(await applyStartupConfig(runtime, env), { source: file, changes: 0 }, 'a restart with the same file changes nothing');
  const app = await buildHttpApp(runtime, env);
  t.teardown(async () => {
    await app.close();
    await runtime.close();
  });
  const res = await app.inject({
    method: 'GET',
    url: '/api/v1.0/workflows',
    headers: signedHeaders({ name: 'ops_portal', token: 's3cret' }, new Date(), 'ann'),
  });
  t.equal(res.statusCode, 200);
  t.same(res.json().data.value, [{ id: 9, name: 'access', description: '' }]);
  const demo = await app.inject({
    method: 'GET',
    url: '/api/v1.0/workflows',
    headers: signedHeaders({ name: 'demo', token: 'demo-token-change-me' }, new Date(), 'ann'),
  });
  t.equal(demo.statusCode, 401, 'no demo app was applied');

  await writeFile(file, 'workflows:\n  - {id: 9, name: broken, states: [], transitions: []}\n');
  await t.rejects(
    applyStartupConfig(runtime, env),
    /is not a valid config document:\n- .*start state/,
    'an invalid file stops the start-up with every problem',
  );
});
