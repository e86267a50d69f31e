// The two account lists an app caller may read (behaviour §7.2): simple users and depts.
// Fixed queries per page: count, rows, then the depts (and users) the rows mention.
// A user's id is the order in which the directory first defined them (stable across rebuilds).
import type { Kysely } from 'kysely';
import type { ReadModels } from '../read-models.ts';
import { deptsWithParents, usersByName } from './queries.ts';
import type { DeptTable } from './tables.ts';
import { deptInfo } from './views.ts';

export interface AccountListQuery {
  /** Case-insensitive "contains"; '' = everything. */
  search: string;
  page: number;
  perPage: number;
}

const containsPattern = (s: string) => `%${s.replace(/[\\%_]/g, '\\$&')}%`;

/** GET /accounts/simple_users: ordered by username, searched on username and alias. */
export async function simpleUsersPage(db: Kysely<ReadModels>, q: AccountListQuery) {
  let base = db.selectFrom('directory_users');
  if (q.search) {
    const pattern = containsPattern(q.search);
    base = base.where((eb) => eb.or([eb('username', 'ilike', pattern), eb('alias', 'ilike', pattern)]));
  }
  const [{ total }] = await base.select((eb) => eb.fn.countAll<number>().as('total')).execute();
  const rows = await base
    .select(['id', 'username', 'alias', 'is_active', 'dept_ids'])
    .orderBy('username')
    .limit(q.perPage)
    .offset((q.page - 1) * q.perPage)
    .execute();
  const ids = [...new Set(rows.flatMap((r) => r.dept_ids))].filter((n) => Number.isSafeInteger(n));
  const depts = ids.length
    ? new Map((await db.selectFrom('directory_depts').select(['id', 'name']).where('id', 'in', ids).execute()).map((d) => [d.id, d]))
    : new Map<number, { id: number; name: string }>();
  const value = rows.map((r) => ({
    id: r.id,
    username: r.username,
    alias: r.alias,
    is_active: r.is_active,
    user_dept_info_list: r.dept_ids
      .map((d) => depts.get(d))
      .filter((d): d is { id: number; name: string } => d !== undefined)
      .map((d) => ({ name: d.name, id: d.id })),
  }));
  return { value, per_page: q.perPage, page: q.page, total: Number(total) };
}

/** GET /accounts/simple_depts: full dept rows (loonflow applies no "simple"), ordered by id, searched on name. */
export async function simpleDeptsPage(db: Kysely<ReadModels>, q: AccountListQuery) {
  let base = db.selectFrom('directory_depts');
  if (q.search) base = base.where('name', 'ilike', containsPattern(q.search));
  const [{ total }] = await base.select((eb) => eb.fn.countAll<number>().as('total')).execute();
  const rows: DeptTable[] = await base
    .selectAll()
    .orderBy('id')
    .limit(q.perPage)
    .offset((q.page - 1) * q.perPage)
    .execute();
  const users = await usersByName(
    db,
    rows.flatMap((d) => [d.creator, d.leader, ...d.approvers]),
  );
  // The rows' parents, for parent_dept_info (the rows themselves come back too).
  const depts = await deptsWithParents(
    db,
    rows.map((d) => d.id),
  );
  return { value: rows.map((d) => deptInfo(d, users, depts)), per_page: q.perPage, page: q.page, total: Number(total) };
}
