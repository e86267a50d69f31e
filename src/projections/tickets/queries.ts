import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import type { ReadModels } from '../read-models.ts';

export const LIST_CATEGORIES = ['all', 'owner', 'duty', 'relation', 'worked', 'view', 'intervene'] as const;
export type ListCategory = (typeof LIST_CATEGORIES)[number];

export interface TicketListFilter {
  username: string;
  category: ListCategory;
  /** Workflows the caller may see here (app scope, category and `workflow_ids` already combined); null = all. */
  workflowIds: number[] | null;
  sn?: string;
  title?: string;
  createStart?: Date;
  createEnd?: Date;
  stateIds?: number[];
  ticketIds?: number[];
  actStateId?: number;
  creator?: string;
  parentTicketId?: number;
  parentTicketStateId?: number;
  reverse: boolean;
  page: number;
  perPage: number;
}

const likePattern = (s: string) => s.replace(/[\\%_]/g, '\\$&');

function matches(filter: TicketListFilter) {
  return (eb: ExpressionBuilder<ReadModels & { t: ReadModels['tickets'] }, 't'>) => {
    const userRows = (extra: 'in_process' | 'worked' | null) => {
      let q = eb.selectFrom('ticket_users as u').select('u.ticket_id').whereRef('u.ticket_id', '=', 't.id').where('u.username', '=', filter.username);
      if (extra) q = q.where(`u.${extra}`, '=', true);
      return eb.exists(q);
    };
    const conditions: Expression<SqlBool>[] = [eb('t.is_deleted', '=', false)];
    if (filter.workflowIds) conditions.push(filter.workflowIds.length ? eb('t.workflow_id', 'in', filter.workflowIds) : sql<SqlBool>`false`);
    if (filter.category === 'owner') conditions.push(eb('t.creator', '=', filter.username));
    if (filter.category === 'duty') conditions.push(userRows('in_process'), eb('t.act_state_id', 'not in', [4, 5]));
    if (filter.category === 'relation') conditions.push(userRows(null));
    if (filter.category === 'worked') conditions.push(userRows('worked'));
    if (filter.sn) conditions.push(eb('t.sn', 'like', `${likePattern(filter.sn)}%`));
    if (filter.title) conditions.push(eb('t.title', 'like', `%${likePattern(filter.title)}%`));
    if (filter.createStart) conditions.push(eb('t.gmt_created', '>=', filter.createStart));
    if (filter.createEnd) conditions.push(eb('t.gmt_created', '<=', filter.createEnd));
    if (filter.stateIds?.length) conditions.push(eb('t.state_id', 'in', filter.stateIds));
    if (filter.ticketIds?.length) conditions.push(eb('t.id', 'in', filter.ticketIds));
    if (filter.actStateId !== undefined) conditions.push(eb('t.act_state_id', '=', filter.actStateId));
    if (filter.creator) conditions.push(eb('t.creator', '=', filter.creator));
    if (filter.parentTicketId) conditions.push(eb('t.parent_ticket_id', '=', filter.parentTicketId));
    if (filter.parentTicketStateId) conditions.push(eb('t.parent_ticket_state_id', '=', filter.parentTicketStateId));
    return eb.and(conditions);
  };
}

/** One page of tickets with their state and workflow names: two queries whatever the page size. */
export async function listTickets(db: Kysely<ReadModels>, filter: TicketListFilter) {
  const base = db.selectFrom('tickets as t').where(matches(filter));
  const [{ total }] = await base.select((eb) => eb.fn.countAll<number>().as('total')).execute();
  const direction = filter.reverse ? 'desc' : 'asc';
  const rows = await base
    .leftJoin('workflow_states as s', (join) =>
      join.onRef('s.workflow_id', '=', 't.workflow_id').onRef('s.version', '=', 't.workflow_version').onRef('s.state_id', '=', 't.state_id'),
    )
    .leftJoin('workflow_versions as w', (join) => join.onRef('w.workflow_id', '=', 't.workflow_id').onRef('w.version', '=', 't.workflow_version'))
    .selectAll('t')
    .select([
      's.name as state_name',
      sql<Record<string, unknown> | null>`s.definition -> 'label'`.as('state_label'),
      sql<string | null>`w.definition ->> 'name'`.as('workflow_name'),
    ])
    .orderBy('t.gmt_created', direction)
    .orderBy('t.id', direction)
    .limit(filter.perPage)
    .offset((filter.page - 1) * filter.perPage)
    .execute();
  return { total: Number(total), rows };
}

export type TicketListRow = Awaited<ReturnType<typeof listTickets>>['rows'][number];

export async function ticketById(db: Kysely<ReadModels>, id: number) {
  return db.selectFrom('tickets').selectAll().where('id', '=', id).where('is_deleted', '=', false).executeTakeFirst();
}

/** For limit_expression: tickets of a workflow created since a moment, optionally by one creator. */
export async function countTicketsSince(db: Kysely<ReadModels>, query: { workflowId: number; since: Date; creator?: string }): Promise<number> {
  const row = await db
    .selectFrom('tickets')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workflow_id', '=', query.workflowId)
    .where('gmt_created', '>=', query.since)
    .where('is_deleted', '=', false)
    .$if(query.creator !== undefined, (q) => q.where('creator', '=', query.creator!))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
