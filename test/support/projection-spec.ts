// The read-model side of given/when/then, beside the decider specifications
// (test/domain/decider-spec.ts): given these events, then these rows. The projection's own
// `apply` runs on a fresh database (PGlite, or a schema of TEST_DATABASE_URL), once for the
// rows and then a second time, which must change nothing (a rebuild or a replayed batch).
//
// projectionSpec(projection, streamOf).given(...events).then(table, rows) | thenCheck(fn)
import type { Kysely } from 'kysely';
import type { Test } from 'tap';
import type { RecordedEvent } from '../../src/eventstore/event-store.ts';
import type { Projection } from '../../src/projections/projection.ts';
import { createTestDatabase } from './database.ts';

/** When the first given event was recorded; each next one a second later. */
export const RECORDED_FROM = new Date('2024-03-05T09:00:00.000Z');

/** The events as the store would hand them over: revisions per stream, positions 1, 2, … in the log. */
export function recorded<E extends { type: string; data: unknown }>(events: E[], streamOf: (event: E) => string): RecordedEvent[] {
  const revisions = new Map<string, bigint>();
  return events.map((event, n) => {
    const streamId = streamOf(event);
    const revision = revisions.get(streamId) ?? 0n;
    revisions.set(streamId, revision + 1n);
    const position = BigInt(n + 1);
    return {
      streamId,
      revision,
      position: { commit: position, prepare: position },
      type: event.type,
      data: event.data,
      metadata: {},
      recordedAt: new Date(RECORDED_FROM.getTime() + n * 1000),
    };
  });
}

// Timestamps as ISO strings, so that expected rows are plain data.
const plain = (row: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(row).map(([key, value]) => [key, value instanceof Date ? value.toISOString() : value]));

/** The expected rows' columns of `table`, ordered by those columns. */
async function rowsOf(db: Kysely<any>, table: string, expected: Record<string, unknown>[]) {
  const columns = [...new Set(expected.flatMap((row) => Object.keys(row)))];
  if (columns.length === 0) columns.push('*');
  let query = db.selectFrom(table).select(columns);
  for (const column of columns.filter((c) => c !== '*')) query = query.orderBy(column);
  return (await query.execute()).map(plain);
}

export function projectionSpec<E extends { type: string; data: unknown }>(projection: Projection, streamOf: (event: E) => string) {
  const project = async (t: Test, events: E[], check: (db: Kysely<any>, pass: string) => Promise<void>) => {
    const test = await createTestDatabase();
    t.teardown(() => test.drop());
    const db = test.database.db;
    await projection.createTables(db);
    const log = recorded(events, streamOf);
    for (const pass of ['after the events', 'after applying them again']) {
      for (const event of log) await db.transaction().execute((trx) => projection.apply(trx, event));
      await check(db, pass);
    }
  };
  return {
    given: (...events: E[]) => ({
      /** Exactly these rows in `table`, compared on the columns they name. */
      then: (table: string, expected: Record<string, unknown>[]) => async (t: Test) =>
        project(t, events, async (db, pass) => {
          t.strictSame(await rowsOf(db, table, expected), expected.map(plain), `${table} ${pass}`);
        }),
      /** For rules about several tables: `check` reads what it needs. */
      thenCheck: (check: (t: Test, db: Kysely<any>) => Promise<void>) => async (t: Test) => project(t, events, async (db) => check(t, db)),
    }),
  };
}
