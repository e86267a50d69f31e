import { sql, type Kysely } from 'kysely';
import type { ReadModels } from '../read-models.ts';

export interface WorkflowPageFilter {
  /** Null = every workflow. */
  allowedIds: number[] | null;
  search: string;
  page: number;
  perPage: number;
}

export async function listWorkflows(db: Kysely<ReadModels>, filter: WorkflowPageFilter) {
  let query = db.selectFrom('workflows');
  if (filter.allowedIds) query = filter.allowedIds.length ? query.where('id', 'in', filter.allowedIds) : query.where(sql<boolean>`false`);
  if (filter.search) query = query.where('name', 'ilike', `%${filter.search.replace(/[\\%_]/g, '\\$&')}%`);
  const [{ total }] = await query.select((eb) => eb.fn.countAll<number>().as('total')).execute();
  const rows = await query
    .select(['id', 'name', 'description', 'version', 'definition', 'gmt_created', 'gmt_modified'])
    .orderBy('id')
    .limit(filter.perPage)
    .offset((filter.page - 1) * filter.perPage)
    .execute();
  return { total: Number(total), rows };
}

export async function currentWorkflowRow(db: Kysely<ReadModels>, id: number) {
  return db.selectFrom('workflows').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function workflowVersionRow(db: Kysely<ReadModels>, id: number, version: number) {
  return db
    .selectFrom('workflow_versions')
    .select(['definition', 'published_at'])
    .where('workflow_id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
}
