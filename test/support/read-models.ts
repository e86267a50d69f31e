import { sql, type Kysely } from 'kysely';
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
