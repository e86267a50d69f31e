import type { Kysely } from 'kysely';
import type { ReadModels } from '../read-models.ts';
import type { DeptTable, UserTable } from './tables.ts';

export async function usersByName(db: Kysely<ReadModels>, usernames: Iterable<string>): Promise<Map<string, UserTable>> {
  const names = [...new Set(usernames)].filter((n) => n !== '');
  if (names.length === 0) return new Map();
  const rows = await db.selectFrom('directory_users').selectAll().where('username', 'in', names).execute();
  return new Map(rows.map((r) => [r.username, r]));
}

/** The depts asked for and their parents, in one query (parents are needed for dept_info). */
export async function deptsWithParents(db: Kysely<ReadModels>, ids: Iterable<number>): Promise<Map<number, DeptTable>> {
  const wanted = [...new Set(ids)];
  if (wanted.length === 0) return new Map();
  const rows = await db
    .selectFrom('directory_depts')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb('id', 'in', wanted),
        eb('id', 'in', eb.selectFrom('directory_depts as child').select('child.parent_dept_id').where('child.id', 'in', wanted)),
      ]),
    )
    .execute();
  return new Map(rows.map((r) => [r.id, r]));
}
