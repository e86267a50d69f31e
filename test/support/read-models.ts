import { sql, type Kysely } from 'kysely';
import type { EventStore, LogPosition } from '../../src/eventstore/event-store.ts';
import { PROJECTIONS } from '../../src/runtime.ts';

/** Every read-model row, sorted, for comparing two databases. */
export async function dumpReadModels(db: Kysely<any>): Promise<Record<string, unknown[]>> {
  const dump: Record<string, unknown[]> = {};
  for (const table of PROJECTIONS.flatMap((p) => p.tables)) {
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db);
    dump[table] = rows.map((r) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? String(v) : v))).sort();
  }
  return dump;
}

/**
 * A position at or after every event appended so far. Reading the log's last event is not
 * enough on a busy server: readAll stops below the oldest appending transaction still open,
 * so append a marker and use its position instead.
 */
export async function endOfLog(store: EventStore): Promise<LogPosition> {
  const { position } = await store.appendToStream('ticket_test-markers', [{ type: 'TestMarkerAppended', data: {} }]);
  return position;
}
