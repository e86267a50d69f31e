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

  await writeFile(
    join(dir, 'bad.yaml'),
    'users:\n  - {username: x, typo: 1}\nworkflows:\n  - {id: 1, name: w, states: [], transitions: []}\n',
  );
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
  t.match(status.out, /tickets\s+v\d+\s+never projected/, 'status reads the checkpoints without projecting');
});

t.test('flowledger apply lists every problem of a document in one run', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'flowledger-apply-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  // As a new user writes it: a typo, a transition without a name next to one that leads to a
  // missing state, a second start state, a condition on a field that does not exist, and a
  // workflow copied from another that kept its state id.
  const document = [
    'users:',
    '  - {username: ann, typo: 1}',
    'workflows:',
    '  - id: 1',
    '    name: leave',
    '    states:',
    '      - {id: 1, name: new, type_id: 1, participant_type_id: 5, participant: creator}',
    '      - {id: 2, name: done, type_id: 2}',
    '    transitions:',
    '      - {id: 1, name: submit, source_state_id: 1, destination_state_id: 3}',
    '      - {id: 2, source_state_id: 1, destination_state_id: 2}',
    '  - id: 2',
    '    name: vpn',
    '    states:',
    '      - {id: 3, name: new, type_id: 1}',
    '      - {id: 4, name: also new, type_id: 1}',
    '      - {id: 5, name: done, type_id: 2}',
    '    transitions:',
    '      - id: 3',
    '        name: submit',
    '        source_state_id: 3',
    '        destination_state_id: 5',
    '        condition_expression: [{expression: "{budget} > 1", target_state_id: 5}]',
    '  - id: 3',
    '    name: copy',
    '    states:',
    '      - {id: 1, name: new, type_id: 1}',
    '      - {id: 6, name: done, type_id: 2}',
    '    transitions:',
    '      - {id: 4, name: submit, source_state_id: 1, destination_state_id: 6}',
  ].join('\n');
  await writeFile(join(dir, 'bad.yaml'), document);
  const bad = await run(['apply', join(dir, 'bad.yaml')], { DATA_DIR: join(dir, 'data') });
  t.equal(bad.code, 1, 'an invalid document fails the command');
  const expected = [
    'users[0].typo: unknown key (check the spelling)',
    'workflows[0].transitions[1].name: is required',
    'workflows[2].states[0].id: duplicate state id 1, already used at workflows[0].states[0].id (state ids must be unique across all workflows)',
    'workflows[0].transitions[0].destination_state_id: state 3 is not a state of workflow 1',
    'workflows[1].states: workflow 2 has 2 start states (3, 4); exactly one is allowed',
    'workflows[1].transitions[0].condition_expression[0].expression: refers to {budget}, which is neither a field of workflow 2 nor a ticket column',
  ];
  t.match(bad.out, `was not applied; it has ${expected.length} problem(s):`, bad.out);
  for (const problem of expected) t.match(bad.out, `\n- ${problem}`, problem);
});
