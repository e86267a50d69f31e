// Wires the pieces together from the environment: the database, the event store, the
// catalog, the projections and the HTTP app. Tests and the CLI build on it.
import type { FastifyInstance } from 'fastify';
import { applyConfig, knownIds } from './commands/apply-config.ts';
import { CatalogStore } from './commands/catalog-store.ts';
import type { CommandDeps } from './commands/command-deps.ts';
import { DEMO_CONFIG_PATH, loadConfigFile } from './config/config-document.ts';
import type { Env } from './config/env.ts';
import { connectPostgres, openPglite, type Database } from './db/database.ts';
import { CONFIG_STREAM } from './domain/catalog/events.ts';
import { ticketStream } from './domain/ticket/events.ts';
import { EventStoreDbEventStore } from './eventstore/esdb/esdb-event-store.ts';
import type { EventStore } from './eventstore/event-store.ts';
import { PostgresEventStore } from './eventstore/postgres/postgres-event-store.ts';
import { createEventStoreSchema } from './eventstore/postgres/schema.ts';
import { buildApp } from './http/app.ts';
import { directoryProjection } from './projections/directory/projection.ts';
import { ProjectionRunner, type RunnerOptions } from './projections/engine/projection-runner.ts';
import { ReactionDispatcher } from './reactions/engine/dispatcher.ts';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './reactions/delivery/backoff.ts';
import { parseHostAllowList } from './reactions/delivery/host-allow-list.ts';
import { DeliveryClient } from './reactions/delivery/signed-post.ts';
import { hookCallReaction } from './reactions/hooks/hook-calls.ts';
import { parentAdvanceReaction } from './reactions/sub-tickets/parent-advance.ts';
import { timerReaction } from './reactions/timers/timers.ts';
import type { Projection } from './projections/projection.ts';
import { ticketsProjection } from './projections/tickets/projection.ts';
import { countTicketsSince } from './projections/tickets/queries.ts';
import { workflowsProjection } from './projections/workflows/projection.ts';

export const PROJECTIONS: readonly Projection[] = [directoryProjection, workflowsProjection, ticketsProjection];

export interface Runtime {
  database: Database;
  store: EventStore;
  commands: CommandDeps;
  projections: ProjectionRunner;
  /** The reactions' own projections (their due work), apart from read-your-writes. */
  reactionProjections: ProjectionRunner;
  reactions: ReactionDispatcher;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** An already open database (tests); otherwise opened from the environment. */
  database?: Database;
  clock?: () => Date;
  random?: () => number;
  /** Start the projection runner (default true); the CLI's offline commands skip it. */
  project?: boolean;
  /** Run the reactions (hooks, timers) beside the projections (default true). */
  react?: boolean;
  onProjectionError?: RunnerOptions['onError'];
  onReactionError?: (reaction: string, error: unknown) => void;
  /** Outbound calls of hooks: time limit per attempt (default 10 s, as loonflow) and retries. */
  delivery?: { timeoutMs?: number; retry?: RetryPolicy };
}

export async function openDatabase(env: Env): Promise<Database> {
  return env.DATABASE_URL ? connectPostgres(env.DATABASE_URL, { schema: env.DATABASE_SCHEMA }) : openPglite(env.DATA_DIR);
}

/** What the server and the projector print when a projection fails. */
export function reportProjectionError(projection: string, error: unknown, attempt?: { tries: number; parked: boolean }): void {
  if (!attempt) console.error(`projection ${projection} stopped and restarts from its checkpoint:`, error);
  else if (attempt.parked)
    console.error(
      `projection ${projection} parked a stream after ${attempt.tries} tries (see "flowledger projections status"): ${(error as Error).message}`,
    );
  else console.error(`projection ${projection}, try ${attempt.tries}: ${(error as Error).message}`);
}

export async function createRuntime(env: Env, options: RuntimeOptions = {}): Promise<Runtime> {
  const database = options.database ?? (await openDatabase(env));
  let store: EventStore;
  if (env.EVENTSTORE_URL) store = EventStoreDbEventStore.connect(env.EVENTSTORE_URL);
  else {
    await createEventStoreSchema(database.db);
    store = new PostgresEventStore(database);
  }
  const clock = options.clock ?? (() => new Date());
  const commands: CommandDeps = {
    store,
    catalog: new CatalogStore(store, clock),
    clock,
    random: options.random ?? Math.random,
    countTickets: (query) => countTicketsSince(database.db, query),
  };
  const projections = new ProjectionRunner(database, store, PROJECTIONS, { onError: options.onProjectionError });
  // What the engine does by itself runs beside the read models: a slow receiver never delays them.
  const delivery = new DeliveryClient(parseHostAllowList(env.HOOK_HOST_ALLOWED), {
    timeoutMs: options.delivery?.timeoutMs ?? 10_000,
    clock,
  });
  const reactionList = [
    timerReaction(commands),
    hookCallReaction({ commands, delivery, retry: options.delivery?.retry ?? DEFAULT_RETRY_POLICY }),
    parentAdvanceReaction({ commands, readModels: database.db, waitForReadModels: (position) => projections.waitFor(position, 30_000) }),
  ];
  const reactionProjections = new ProjectionRunner(
    database,
    store,
    reactionList.map((r) => r.projection),
    { onError: options.onProjectionError },
  );
  const reactions = new ReactionDispatcher(
    { database, clock, waitForProjections: (position) => reactionProjections.waitFor(position, 30_000), onError: options.onReactionError },
    reactionList,
  );
  if (options.project !== false) await projections.start();
  if (options.project !== false && options.react !== false) {
    await reactionProjections.start();
    // Work starts once the due-work tables have caught up: a call recorded just before a
    // restart is then not made again.
    void store
      .headPosition()
      .then((head) => reactionProjections.waitFor(head, 60_000))
      .catch((error) => options.onReactionError?.('startup', error))
      .then(() => reactions.start());
  }
  return {
    database,
    store,
    commands,
    projections,
    reactionProjections,
    reactions,
    async close() {
      await reactions.stop();
      await reactionProjections.stop();
      await delivery.close();
      await projections.stop();
      await store.close();
      if (!options.database) await database.close();
    },
  };
}

/** CONFIG_FILE when given; the bundled demo when the store has no configuration yet. */
export async function applyStartupConfig(runtime: Runtime, env: Env): Promise<{ source: string; changes: number } | undefined> {
  const hasConfig = (await runtime.store.readStream(CONFIG_STREAM)).length > 0;
  const path = env.CONFIG_FILE ?? (hasConfig ? undefined : DEMO_CONFIG_PATH);
  if (!path) return undefined;
  const loaded = await loadConfigFile(path, knownIds((await runtime.commands.catalog.current({ fresh: true })).catalog));
  if (!loaded.ok) throw new Error(`${path} is not a valid config document:\n- ${loaded.problems.join('\n- ')}`);
  const result = await applyConfig(runtime.commands, loaded.document, { actor: 'loonrobot' });
  if (result.appended) await runtime.projections.waitFor(result.appended.position, 30_000);
  return { source: path, changes: result.changes };
}

export function buildHttpApp(runtime: Runtime, env: Env, logger?: boolean | object): Promise<FastifyInstance> {
  return buildApp({
    commands: runtime.commands,
    readModels: runtime.database.db,
    waitForProjections: (position) => runtime.projections.waitFor(position),
    ticketStall: (ticketId) => runtime.projections.parkedStream(ticketStream(ticketId)),
    signatureTtlSeconds: env.SIGNATURE_TTL_SECONDS,
    logger,
  });
}
