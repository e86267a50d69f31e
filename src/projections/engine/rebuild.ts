// Rebuilding read models from the log beside the live ones, then switching over in one short
// transaction (zero downtime), and verifying live tables against a fresh rebuild.
import { isDeepStrictEqual } from 'node:util';
import { sql, type Kysely, type Transaction } from 'kysely';
import { comparePositions, positionToString, type EventStore, type LogPosition } from '../../eventstore/event-store.ts';
import type { Projection } from '../projection.ts';
import type { ReadModels } from '../read-models.ts';
import { applyBatch, applyWithRetries, ProjectionEventFailed } from './apply-batch.ts';
import { checkpointPosition, createCheckpointTable } from './checkpoints.ts';
import { createParkedEventsTable } from './parked-events-table.ts';
import { clearParkedEvents } from './parked-events.ts';

export type Progress = (projection: string, at: LogPosition, target: LogPosition) => void;

const START: LogPosition = { commit: 0n, prepare: 0n };

const PARK_AT_ONCE = { maxTries: 1, backoffMs: () => 0 };

/** Runs `fn` in a transaction whose unqualified table names resolve in `schema`. */
function inSchema<T>(db: Kysely<ReadModels>, schema: string, fn: (trx: Transaction<ReadModels>) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`select set_config('search_path', ${schema}, true)`.execute(trx);
    return fn(trx);
  });
}

export async function liveSchema(db: Kysely<ReadModels>): Promise<string> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  return rows[0].schema;
}

async function checkpointIn(trx: Transaction<ReadModels>, name: string): Promise<LogPosition | undefined> {
  const row = await trx.selectFrom('projection_checkpoints').selectAll().where('name', '=', name).executeTakeFirst();
  return row ? checkpointPosition(row) : undefined;
}

/** Tables of `projection` in `schema`, kept when an earlier run left them at the same version from the same store (resume). */
async function prepareTables(db: Kysely<ReadModels>, schema: string, projection: Projection, storeId: string): Promise<LogPosition> {
  await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
  return inSchema(db, schema, async (trx) => {
    await createCheckpointTable(trx);
    await createParkedEventsTable(trx);
    const row = await trx.selectFrom('projection_checkpoints').selectAll().where('name', '=', projection.name).executeTakeFirst();
    if (row && row.version === projection.version && row.store_id === storeId) return checkpointPosition(row);
    for (const table of projection.tables) await sql`drop table if exists ${sql.table(table)} cascade`.execute(trx);
    await projection.createTables(trx);
    await clearParkedEvents(trx, projection.name);
    await trx.deleteFrom('projection_checkpoints').where('name', '=', projection.name).execute();
    await trx
      .insertInto('projection_checkpoints')
      .values({
        name: projection.name,
        version: projection.version,
        position_commit: '0',
        position_prepare: '0',
        store_id: storeId,
        updated_at: new Date(),
      })
      .execute();
    return START;
  });
}

/** Projects the log into `schema` up to and including `until`. */
async function catchUp(
  db: Kysely<ReadModels>,
  store: EventStore,
  schema: string,
  projection: Projection,
  from: LogPosition,
  until: LogPosition,
  progress?: Progress,
): Promise<LogPosition> {
  let at = from;
  while (comparePositions(at, until) < 0) {
    const batch = await store.readAll({ after: at, maxCount: 500 });
    const within = batch.filter((e) => comparePositions(e.position, until) <= 0);
    if (within.length === 0) break;
    // A rebuild parks a failing event at once: it failed live too, or it would fail again.
    at = await applyWithRetries((park) => inSchema(db, schema, (trx) => applyBatch(trx, projection, within, park)), PARK_AT_ONCE);
    progress?.(projection.name, at, until);
  }
  return at;
}

/** Where the live projection is; the start when it never ran. */
async function livePosition(db: Kysely<ReadModels>, live: string, name: string, storeId: string): Promise<LogPosition> {
  return inSchema(db, live, async (trx) => {
    await createCheckpointTable(trx);
    await createParkedEventsTable(trx);
    const row = await trx.selectFrom('projection_checkpoints').selectAll().where('name', '=', name).executeTakeFirst();
    if (row?.store_id && row.store_id !== storeId) {
      throw new Error(
        `The live ${name} read model was projected from another event store (${row.store_id}); start a projector, which rebuilds it from this one.`,
      );
    }
    return row ? checkpointPosition(row) : START;
  });
}

/**
 * Rebuilds `projection` into `<live>__rebuild` while the live tables keep serving, then swaps
 * them in within one transaction that holds the live checkpoint's lock (the live projector
 * waits meanwhile) and first projects whatever the live one did since. Interrupted, it
 * resumes from the rebuild's own checkpoint.
 */
export async function rebuildProjection(
  db: Kysely<ReadModels>,
  store: EventStore,
  projection: Projection,
  progress?: Progress,
): Promise<LogPosition> {
  const live = await liveSchema(db);
  const shadow = `${live}__rebuild`;
  const storeId = await store.identity();
  const from = await prepareTables(db, shadow, projection, storeId);
  const caughtUp = await catchUp(db, store, shadow, projection, from, await livePosition(db, live, projection.name, storeId), progress);
  return inSchema(db, live, async (trx) => {
    const locked = await trx
      .selectFrom('projection_checkpoints')
      .select(['position_commit', 'position_prepare'])
      .where('name', '=', projection.name)
      .forUpdate()
      .executeTakeFirst();
    const liveAt = locked ? checkpointPosition(locked) : START;
    let at = caughtUp;
    // Events the live projector handled since: read on another connection (they are final),
    // applied here. With the embedded store nothing else projects, so there are none.
    await sql`select set_config('search_path', ${shadow}, true)`.execute(trx);
    while (comparePositions(at, liveAt) < 0) {
      const batch = (await store.readAll({ after: at, maxCount: 500 })).filter((e) => comparePositions(e.position, liveAt) <= 0);
      if (batch.length === 0) break;
      at = await applyWithRetries(async (park) => {
        await sql`savepoint catch_up`.execute(trx);
        try {
          return await applyBatch(trx, projection, batch, park);
        } catch (error) {
          if (error instanceof ProjectionEventFailed) await sql`rollback to savepoint catch_up`.execute(trx);
          throw error;
        }
      }, PARK_AT_ONCE);
    }
    await sql`select set_config('search_path', ${live}, true)`.execute(trx);
    // The rebuilt tables hold every event but those the rebuild parked: those become the parked ones.
    await clearParkedEvents(trx, projection.name);
    await sql`
      insert into ${sql.table(`${live}.projection_parked_events`)}
      select * from ${sql.table(`${shadow}.projection_parked_events`)} where projection = ${projection.name}`.execute(trx);
    await sql`delete from ${sql.table(`${shadow}.projection_parked_events`)} where projection = ${projection.name}`.execute(trx);
    for (const table of projection.tables) {
      await sql`drop table if exists ${sql.table(`${live}.${table}`)} cascade`.execute(trx);
      await sql`alter table ${sql.table(`${shadow}.${table}`)} set schema ${sql.id(live)}`.execute(trx);
    }
    // A live projector that lagged behind the rebuild skips what the new tables already hold.
    const position = comparePositions(at, liveAt) > 0 ? at : liveAt;
    const row = {
      version: projection.version,
      position_commit: String(position.commit),
      position_prepare: String(position.prepare),
      store_id: storeId,
      updated_at: new Date(),
    };
    await trx
      .insertInto('projection_checkpoints')
      .values({ name: projection.name, ...row })
      .onConflict((oc) => oc.column('name').doUpdateSet(row))
      .execute();
    await sql`delete from ${sql.table(`${shadow}.projection_checkpoints`)} where name = ${projection.name}`.execute(trx);
    return position;
  });
}

export interface TableDifference {
  table: string;
  liveRows: number;
  rebuiltRows: number;
  /** Rows in the live table that the rebuild does not have, and the reverse. */
  onlyLive: number;
  onlyRebuilt: number;
}

async function dumpTable(trx: Transaction<ReadModels>, table: string): Promise<string[]> {
  const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(trx);
  return rows.map((r) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? String(v) : v))).sort();
}

/** Which events a projection has parked: a rebuild parks the same ones, or the live side missed a fix. */
async function parkedPositions(trx: Transaction<ReadModels>, projection: string): Promise<string[]> {
  const rows = await trx
    .selectFrom('projection_parked_events')
    .select(['stream_id', 'position_commit', 'position_prepare'])
    .where('projection', '=', projection)
    .execute();
  return rows.map((r) => `${r.stream_id}@${positionToString(checkpointPosition(r))}`).sort();
}

function difference(table: string, live: string[], rebuilt: string[]): TableDifference | undefined {
  if (isDeepStrictEqual(live, rebuilt)) return undefined;
  const inRebuilt = new Set(rebuilt);
  const inLive = new Set(live);
  return {
    table,
    liveRows: live.length,
    rebuiltRows: rebuilt.length,
    onlyLive: live.filter((r) => !inRebuilt.has(r)).length,
    onlyRebuilt: rebuilt.filter((r) => !inLive.has(r)).length,
  };
}

/**
 * Rebuilds every projection into a scratch schema up to where the live one stands and
 * compares the tables row by row. Returns the tables that differ (none when all is well).
 */
export async function verifyProjections(
  db: Kysely<ReadModels>,
  store: EventStore,
  projections: readonly Projection[],
  progress?: Progress,
) {
  const live = await liveSchema(db);
  const scratch = `${live}__verify`;
  await sql`drop schema if exists ${sql.id(scratch)} cascade`.execute(db);
  try {
    const differences: TableDifference[] = [];
    for (const projection of projections) {
      // The live rows and their checkpoint, as of one moment.
      const snapshot = await db
        .transaction()
        .setIsolationLevel('repeatable read')
        .execute(async (trx) => {
          await createCheckpointTable(trx);
          const at = (await checkpointIn(trx, projection.name)) ?? START;
          await createParkedEventsTable(trx);
          const tables: [string, string[]][] = [];
          for (const table of projection.tables) tables.push([table, await dumpTable(trx, table)]);
          return { at, tables, parked: await parkedPositions(trx, projection.name) };
        });
      const from = await prepareTables(db, scratch, projection, await store.identity());
      await catchUp(db, store, scratch, projection, from, snapshot.at, progress);
      await inSchema(db, scratch, async (trx) => {
        for (const [table, rows] of snapshot.tables) {
          const diff = difference(table, rows, await dumpTable(trx, table));
          if (diff) differences.push(diff);
        }
        const parked = difference(
          `projection_parked_events (${projection.name})`,
          snapshot.parked,
          await parkedPositions(trx, projection.name),
        );
        if (parked) differences.push(parked);
      });
    }
    return differences;
  } finally {
    await sql`drop schema if exists ${sql.id(scratch)} cascade`.execute(db);
  }
}
