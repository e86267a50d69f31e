// Script states run a module of the scripts folder in a worker, within limits.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { runScript, scriptPath } from '../../src/reactions/scripts/script-runner.ts';

t.test('a script gets the ticket; its result or what it printed is the outcome', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'flowledger-scripts-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'grant.mjs'), 'export default async (ticket) => `granted vpn to ${ticket.creator}`;\n');
  await writeFile(join(dir, 'chatty.mjs'), 'export default (ticket) => { console.log("working on", ticket.id); };\n');
  await writeFile(join(dir, 'throws.mjs'), 'export default () => { console.log("about to fail"); throw new Error("no such account"); };\n');
  await writeFile(join(dir, 'loops.mjs'), 'export default () => { for (;;) {} };\n');
  await writeFile(join(dir, 'hog.mjs'), 'export default () => { const keep = []; for (;;) keep.push(new Array(1e6).fill(1)); };\n');
  await writeFile(join(dir, 'no-default.mjs'), 'export const run = () => 1;\n');
  const ticket = { id: 7, creator: 'lilei' };

  t.same(await runScript(dir, 'grant.mjs', ticket), { kind: 'succeeded', output: 'granted vpn to lilei' });
  t.same(await runScript(dir, 'chatty.mjs', ticket), { kind: 'succeeded', output: 'working on 7' });
  t.same(await runScript(dir, 'throws.mjs', ticket), { kind: 'failed', reason: 'no such account\nabout to fail' });
  t.same(await runScript(dir, 'loops.mjs', ticket, { timeoutMs: 300, memoryMb: 64 }), {
    kind: 'failed',
    reason: 'the script did not finish within 300 ms',
  });
  t.match(await runScript(dir, 'hog.mjs', ticket, { timeoutMs: 20_000, memoryMb: 32 }), {
    kind: 'failed',
    reason: /more than 32 MB|memory/,
  });
  t.match(await runScript(dir, 'no-default.mjs', ticket), { kind: 'failed', reason: /no default export/ });
  t.match(await runScript(dir, 'missing.mjs', ticket), { kind: 'failed', reason: /Cannot find module|ERR_MODULE_NOT_FOUND|not found/i });
});

t.test('a script name is a file of the folder, never a path out of it', async (t) => {
  t.equal(scriptPath('/srv/scripts', '../etc/passwd.js'), undefined);
  t.equal(scriptPath('/srv/scripts', 'sub/dir.js'), undefined);
  t.equal(scriptPath('/srv/scripts', 'grant.py'), undefined);
  t.equal(scriptPath('/srv/scripts', 'grant.mjs'), '/srv/scripts/grant.mjs');
  t.match(await runScript('/srv/scripts', '../x.js', {}), { kind: 'failed', reason: /not a script file name/ });
});
