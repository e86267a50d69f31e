// flowledger's command line: serve the API, apply a config document, rebuild and verify the
// read models, replay a ticket's history.
import { Command } from 'commander';
import { applyConfig, knownIds } from '../commands/apply-config.ts';
import { loadConfigFile } from '../config/config-document.ts';
import { readEnv } from '../config/env.ts';
import { positionToString } from '../eventstore/event-store.ts';
import { SingleBar, Presets } from 'cli-progress';
import { replayTicket } from '../audit/replay.ts';
import { checkpointPosition, readCheckpoints } from '../projections/engine/checkpoints.ts';
import { createParkedEventsTable } from '../projections/engine/parked-events-table.ts';
import { listParkedStreams, retryParkedStreams } from '../projections/engine/parked-events.ts';
import { rebuildProjection, verifyProjections } from '../projections/engine/rebuild.ts';
import { createRuntime, PROJECTIONS, reportProjectionError } from '../runtime.ts';
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
      onProjectionError: reportProjectionError,
      onReactionError: (reaction, error) => console.error(`reaction ${reaction}: ${(error as Error).message ?? error}`),
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

const projections = program.command('projections').description('inspect and rebuild the read models');
projections
  .command('status')
  .description("show each projection's version, how far it has read the log, and the streams it parked")
  .action(async () => {
    const runtime = await createRuntime(readEnv(), { project: false });
    try {
      const rows = await readCheckpoints(runtime.database.db);
      await createParkedEventsTable(runtime.database.db);
      const parked = await listParkedStreams(runtime.database.db);
      for (const p of PROJECTIONS) {
        const row = rows.find((r) => r.name === p.name);
        const state = !row
          ? 'never projected'
          : row.version === p.version
            ? `at ${positionToString(checkpointPosition(row))}`
            : `v${row.version} in the tables: rebuilt when a projector starts`;
        const own = parked.filter((s) => s.projection === p.name);
        console.log(`${p.name.padEnd(12)} v${p.version}  ${state}${own.length ? `  ${own.length} parked stream(s)` : ''}`);
      }
      for (const s of parked) {
        console.log(
          `parked: ${s.projection} ${s.streamId} since ${s.eventType} at ${positionToString(s.position)} ` +
            `(${s.events} event(s), ${s.attempts} tries, ${s.parkedAt.toISOString()}): ${s.error}`,
        );
      }
      if (parked.length)
        console.log('after a fix, "flowledger projections retry" applies them again (a new projection version rebuilds instead)');
    } finally {
      await runtime.close();
    }
  });

projections
  .command('retry')
  .argument('[names...]', `projections whose parked streams to retry (default: all of ${PROJECTIONS.map((p) => p.name).join(', ')})`)
  .description('apply the parked events of each parked stream again, in order; a stream that fails again stays parked')
  .action(async (names: string[]) => {
    const chosen = chooseProjections(names);
    if (!chosen) return;
    const runtime = await createRuntime(readEnv(), { project: false });
    try {
      await createParkedEventsTable(runtime.database.db);
      let failed = 0;
      for (const projection of chosen) {
        for (const outcome of await retryParkedStreams(runtime.database.db, runtime.store, projection)) {
          if (outcome.error) failed++;
          console.log(
            `${projection.name} ${outcome.streamId}: ${outcome.error ? `still parked: ${outcome.error}` : 'applied, no longer parked'}`,
          );
        }
      }
      if (failed) process.exitCode = 1;
      else console.log(`no parked streams left in ${chosen.map((p) => p.name).join(', ')}`);
    } finally {
      await runtime.close();
    }
  });

projections
  .command('rebuild')
  .argument('[names...]', `projections to rebuild (default: all of ${PROJECTIONS.map((p) => p.name).join(', ')})`)
  .description('rebuild read models from the log beside the live ones, then switch over (the API keeps serving; resumable)')
  .action(async (names: string[]) => {
    const chosen = chooseProjections(names);
    if (!chosen) return;
    const runtime = await createRuntime(readEnv(), { project: false });
    const bar = new SingleBar({ format: '{projection} [{bar}] {percentage}% | at {position}', hideCursor: true }, Presets.shades_classic);
    try {
      for (const projection of chosen) {
        bar.start(100, 0, { projection: projection.name.padEnd(10), position: '-' });
        const at = await rebuildProjection(runtime.database.db, runtime.store, projection, (_name, now, target) =>
          bar.update(target.prepare === 0n ? 100 : Number((now.prepare * 100n) / target.prepare), { position: positionToString(now) }),
        );
        bar.update(100, { position: positionToString(at) });
        bar.stop();
      }
      console.log(`rebuilt and switched: ${chosen.map((p) => p.name).join(', ')}`);
    } finally {
      bar.stop();
      await runtime.close();
    }
  });

program
  .command('verify')
  .description('rebuild every read model into a scratch schema and compare it with the live tables, row by row')
  .action(async () => {
    const runtime = await createRuntime(readEnv(), { project: false });
    try {
      const differences = await verifyProjections(runtime.database.db, runtime.store, PROJECTIONS);
      if (differences.length === 0) {
        console.log(`verified: every read-model table (${PROJECTIONS.flatMap((p) => p.tables).length}) equals a rebuild from the log`);
        return;
      }
      process.exitCode = 1;
      for (const d of differences) {
        console.log(
          `${d.table}: live ${d.liveRows} rows, rebuilt ${d.rebuiltRows}; ${d.onlyLive} only live, ${d.onlyRebuilt} only rebuilt`,
        );
      }
    } finally {
      await runtime.close();
    }
  });

program
  .command('replay')
  .argument('<ticket_id>', 'the ticket to replay')
  .option('--at <time>', 'show the ticket as it was at this moment (ISO 8601 or YYYY-MM-DD HH:MM:SS)')
  .option('--json', 'one JSON object per event')
  .description('audit replay: the ticket after each of its events, from the log alone')
  .action(async (id: string, options: { at?: string; json?: boolean }) => {
    const ticketId = Number(id);
    const at = options.at === undefined ? undefined : momentOf(options.at);
    if (!Number.isSafeInteger(ticketId) || ticketId <= 0 || at === null) {
      console.error('Give a ticket id (a positive integer) and, with --at, a local time such as "2026-11-29 10:00:00" or an ISO 8601 one.');
      process.exitCode = 1;
      return;
    }
    const runtime = await createRuntime(readEnv(), { project: false });
    try {
      const { catalog } = await runtime.commands.catalog.current({ fresh: true });
      const steps = await replayTicket(runtime.store, catalog, ticketId, { at });
      if (steps.length === 0) {
        console.error(at ? `Ticket ${ticketId} did not exist at ${options.at}.` : `Ticket ${ticketId} does not exist.`);
        process.exitCode = 1;
        return;
      }
      const shown = at ? steps.slice(-1) : steps;
      for (const step of shown) {
        if (options.json) {
          console.log(JSON.stringify(step));
          continue;
        }
        const t = step.ticket;
        console.log(
          `#${step.revision} ${step.recordedAt} ${step.type} by ${step.actor}${step.suggestion ? ` "${step.suggestion}"` : ''}\n` +
            `    state ${t.assignment.stateId} ${t.stateName} | act_state ${t.actStateId} | participant ${t.assignment.participant || '-'}` +
            `${t.inAddNode ? ` (consulting, for ${t.addNodeMan})` : ''} | fields ${JSON.stringify(t.fields)}`,
        );
      }
    } finally {
      await runtime.close();
    }
  });

/** The projections named (all when none is), or undefined after saying which names are unknown. */
function chooseProjections(names: string[]) {
  const unknown = names.filter((n) => !PROJECTIONS.some((p) => p.name === n));
  if (unknown.length) {
    console.error(`Unknown projection(s): ${unknown.join(', ')}. Known: ${PROJECTIONS.map((p) => p.name).join(', ')}.`);
    process.exitCode = 1;
    return undefined;
  }
  return names.length ? PROJECTIONS.filter((p) => names.includes(p.name)) : PROJECTIONS;
}

/**
 * The end of the moment a person means: "2026-11-29 18:52:33" (local, as the API shows
 * times) includes that whole second, "2026-11-29" the whole day; ISO 8601 with a zone is
 * taken as given. Null when it is no real time.
 */
function momentOf(text: string): Date | null {
  const local = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(text.trim());
  if (local) {
    const [, y, m, d, hh, mm, ss] = local.map(Number);
    const start = new Date(y, m - 1, d, hh || 0, mm || 0, ss || 0);
    if (start.getMonth() !== m - 1 || start.getDate() !== d) return null;
    const span = local[6] !== undefined ? 1000 : local[5] !== undefined ? 60_000 : 86_400_000;
    return new Date(start.getTime() + span - 1);
  }
  const zoned = new Date(text);
  return /[zZ]|[+-]\d{2}:?\d{2}$/.test(text) && !Number.isNaN(zoned.getTime()) ? zoned : null;
}

await program.parseAsync(process.argv);
