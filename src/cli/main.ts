// flowledger's command line: serve the API, apply a config document, inspect projections.
import { Command } from 'commander';
import { applyConfig, knownIds } from '../commands/apply-config.ts';
import { loadConfigFile } from '../config/config-document.ts';
import { readEnv } from '../config/env.ts';
import { positionToString } from '../eventstore/event-store.ts';
import { createRuntime } from '../runtime.ts';
import { serve } from './serve.ts';

const program = new Command()
  .name('flowledger')
  .description('Event-sourced ticket workflow engine serving the loonflow ticket API.')
  .showHelpAfterError();

program
  .command('serve', { isDefault: true })
  .description('serve the HTTP API and run the projections (configuration from the environment, see README)')
  .action(async () => {
    await serve(readEnv());
  });

program
  .command('project')
  .description('run the projections only (no HTTP); several processes share the work through leases')
  .action(async () => {
    const runtime = await createRuntime(readEnv(), {
      onProjectionError: (name, error) => console.error(`projection ${name} stopped and will restart:`, error),
    });
    console.log('projecting; SIGTERM or SIGINT to stop after the batch in flight');
    const stop = async () => {
      await runtime.close();
      process.exit(0);
    };
    process.once('SIGINT', () => void stop());
    process.once('SIGTERM', () => void stop());
  });

program
  .command('apply')
  .argument('<file>', 'config document, JSON or YAML')
  .description('validate a config document and apply it; a changed workflow becomes a new version')
  .action(async (file: string) => {
    const runtime = await createRuntime(readEnv(), { project: false });
    try {
      const loaded = await loadConfigFile(file, knownIds((await runtime.commands.catalog.current({ fresh: true })).catalog));
      if (!loaded.ok) {
        console.error(`${file} was not applied; it has ${loaded.problems.length} problem(s):\n- ${loaded.problems.join('\n- ')}`);
        process.exitCode = 1;
        return;
      }
      const result = await applyConfig(runtime.commands, loaded.document, { actor: 'cli' });
      console.log(result.changes === 0 ? `${file}: already applied, nothing changed.` : `${file}: applied ${result.changes} change(s).`);
    } finally {
      await runtime.close();
    }
  });

const projections = program.command('projections').description('inspect the read models');
projections
  .command('status')
  .description('show each projection, its version and how far it has read the log')
  .action(async () => {
    const runtime = await createRuntime(readEnv(), { project: false });
    try {
      await runtime.projections.start();
      for (const p of await runtime.projections.status()) {
        console.log(`${p.name.padEnd(12)} v${p.version}  at ${positionToString(p.position)}${p.leader ? '' : '  (led by another process)'}`);
      }
    } finally {
      await runtime.close();
    }
  });

await program.parseAsync(process.argv);
