import { sql, type Expression, type ExpressionBuilder, type Kysely, type SelectQueryBuilder, type SqlBool } from 'kysely';
import { ActState } from '../../domain/ticket/ticket.ts';
import type { ReadModels } from '../read-models.ts';

export const LIST_CATEGORIES = ['all', 'owner', 'duty', 'relation', 'worked', 'view', 'intervene'] as const;
export type ListCategory = (typeof LIST_CATEGORIES)[number];

export interface TicketListFilter {
  username: string;
  category: ListCategory;
  /** Workflows the caller may see here (app scope, category and `workflow_ids` already combined); null = all. */
  workflowIds: number[] | null;
  /** For `all`: workflows whose every ticket the user may see; elsewhere only tickets the user is related to. */
  fullyVisibleWorkflowIds?: number[];
  /** Workflows left out (counting the user's own tickets beside the fully visible ones). */
  excludedWorkflowIds?: number[];
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

type Row = ReadModels & { t: ReadModels['tickets']; u: ReadModels['ticket_users'] };

const LIST_COLUMNS = [
  't.id',
  't.sn',
  't.title',
  't.workflow_id',
  't.workflow_version',
  't.state_id',
  't.parent_ticket_id',
  't.parent_ticket_state_id',
  't.participant_type_id',
  't.participant',
  't.relation',
  't.in_add_node',
  't.add_node_man',
  't.script_run_last_result',
  't.act_state_id',
  't.multi_all_person',
  't.creator',
  't.is_deleted',
  't.gmt_created',
  't.gmt_modified',
] as const;

const likePattern = (s: string) => s.replace(/[\\%_]/g, '\\$&');

/** duty, relation and worked are a user's own rows of ticket_users: pages and counts are range scans there. */
const desk = (category: ListCategory) =>
  category === 'duty'
    ? ('in_process' as const)
    : category === 'worked'
      ? ('worked' as const)
      : category === 'relation'
        ? ('any' as const)
        : undefined;

/** Conditions on the ticket itself, beyond the user's rows, scope and time. */
function ticketConditions(eb: ExpressionBuilder<Row, 't'>, f: TicketListFilter): Expression<SqlBool>[] {
  const c: Expression<SqlBool>[] = [];
  if (f.category === 'owner') c.push(eb('t.creator', '=', f.username));
  if (f.sn) c.push(eb('t.sn', 'like', `${likePattern(f.sn)}%`));
  if (f.title) c.push(eb('t.title', 'like', `%${likePattern(f.title)}%`));
  if (f.stateIds?.length) c.push(eb('t.state_id', 'in', f.stateIds));
  if (f.ticketIds?.length) c.push(eb('t.id', 'in', f.ticketIds));
  if (f.actStateId !== undefined) c.push(eb('t.act_state_id', '=', f.actStateId));
  if (f.creator) c.push(eb('t.creator', '=', f.creator));
  if (f.parentTicketId) c.push(eb('t.parent_ticket_id', '=', f.parentTicketId));
  if (f.parentTicketStateId) c.push(eb('t.parent_ticket_state_id', '=', f.parentTicketStateId));
  return c;
}

/** The rows a filter selects, without order or paging; `key` is the table that carries time and workflow. */
// Both shapes are typed as the joined one: queries only name `u` columns when it is joined.
// `{}` is kysely's own type for "nothing selected yet".
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
type Selection = { key: 't' | 'u'; query: SelectQueryBuilder<Row, 't' | 'u', {}> };

function selection(db: Kysely<ReadModels>, f: TicketListFilter): Selection {
  const kind = desk(f.category);
  const scoped =
    <K extends 't' | 'u'>(key: K) =>
    (eb: ExpressionBuilder<Row, 't' | 'u'>) => {
      const c: Expression<SqlBool>[] = [eb('t.is_deleted', '=', false), ...ticketConditions(eb as ExpressionBuilder<Row, 't'>, f)];
      if (f.workflowIds)
        c.push(f.workflowIds.length ? eb(`${key}.workflow_id` as 't.workflow_id', 'in', f.workflowIds) : sql<SqlBool>`false`);
      if (f.createStart) c.push(eb(`${key}.gmt_created` as 't.gmt_created', '>=', f.createStart));
      if (f.createEnd) c.push(eb(`${key}.gmt_created` as 't.gmt_created', '<=', f.createEnd));
      if (f.excludedWorkflowIds?.length) c.push(eb(`${key}.workflow_id` as 't.workflow_id', 'not in', f.excludedWorkflowIds));
      if (f.fullyVisibleWorkflowIds) {
        const related = eb.exists(
          eb
            .selectFrom('ticket_users as r')
            .select('r.ticket_id')
            .whereRef('r.ticket_id', '=', 't.id')
            .where('r.username', '=', f.username),
        );
        c.push(eb.or([eb('t.workflow_id', 'in', f.fullyVisibleWorkflowIds), related]));
      }
      // In loonflow's duty list an ended ticket never shows, whatever the desk says.
      if (f.category === 'duty') c.push(eb('t.act_state_id', 'not in', [ActState.finished, ActState.closed]));
      return eb.and(c);
    };
  if (!kind) return { key: 't', query: db.selectFrom('tickets as t').where(scoped('t') as never) as unknown as Selection['query'] };
  let query = db.selectFrom('ticket_users as u').innerJoin('tickets as t', 't.id', 'u.ticket_id').where('u.username', '=', f.username);
  if (kind !== 'any') query = query.where(`u.${kind}`, '=', true);
  return { key: 'u', query: query.where(scoped('u') as never) as unknown as Selection['query'] };
}

const intersectIds = (scope: number[] | null, ids: number[]) => (scope === null ? ids : ids.filter((id) => scope.includes(id)));

const DAY_MS = 86_400_000;
const ceilDay = (d: Date) => new Date(Math.ceil(d.getTime() / DAY_MS) * DAY_MS);
const floorDay = (d: Date) => new Date(Math.floor(d.getTime() / DAY_MS) * DAY_MS);

/** Has the filter nothing but scope and a time window, so whole days can be counted from ticket_daily_counts? */
const countableByDay = (f: TicketListFilter) =>
  !desk(f.category) &&
  f.category !== 'owner' &&
  f.createStart !== undefined &&
  f.createEnd !== undefined &&
  !f.fullyVisibleWorkflowIds &&
  !(
    f.sn ||
    f.title ||
    f.stateIds?.length ||
    f.ticketIds?.length ||
    f.actStateId !== undefined ||
    f.creator ||
    f.parentTicketId ||
    f.parentTicketStateId
  );

async function countTickets(db: Kysely<ReadModels>, f: TicketListFilter): Promise<number> {
  const exact = async (filter: TicketListFilter) => {
    const { query } = selection(db, filter);
    const [{ total }] = await query.select((eb) => eb.fn.countAll<number>().as('total')).execute();
    return Number(total);
  };
  // Every ticket of the fully visible workflows, plus the user's own tickets in the others.
  if (f.fullyVisibleWorkflowIds) {
    const { fullyVisibleWorkflowIds: full, ...rest } = f;
    const [visible, own] = await Promise.all([
      countTickets(db, { ...rest, workflowIds: intersectIds(f.workflowIds, full) }),
      exact({ ...rest, category: 'relation', excludedWorkflowIds: full }),
    ]);
    return visible + own;
  }
  if (!countableByDay(f)) return exact(f);
  const firstWholeDay = ceilDay(f.createStart!);
  const endOfWholeDays = floorDay(f.createEnd!);
  if (firstWholeDay >= endOfWholeDays) return exact(f);
  // Whole UTC days from the counters; the two partial days at the edges from the tickets.
  let days = db
    .selectFrom('ticket_daily_counts')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('tickets'), sql<number>`0`).as('total'))
    .where('day', '>=', firstWholeDay.toISOString().slice(0, 10))
    .where('day', '<', endOfWholeDays.toISOString().slice(0, 10));
  if (f.workflowIds) days = f.workflowIds.length ? days.where('workflow_id', 'in', f.workflowIds) : days.where(sql<SqlBool>`false`);
  const [whole, head, tail] = await Promise.all([
    days.executeTakeFirstOrThrow(),
    exact({ ...f, createEnd: new Date(firstWholeDay.getTime() - 1) }),
    exact({ ...f, createStart: endOfWholeDays }),
  ]);
  return Number(whole.total) + head + tail;
}

/** One page of tickets with their state and workflow names: a fixed number of queries whatever the page size. */
export async function listTickets(db: Kysely<ReadModels>, filter: TicketListFilter) {
  const { key, query } = selection(db, filter);
  const direction = filter.reverse ? 'desc' : 'asc';
  const [total, rows] = await Promise.all([
    countTickets(db, filter),
    query
      .leftJoin('workflow_states as s', (join) =>
        join
          .onRef('s.workflow_id', '=', 't.workflow_id')
          .onRef('s.version', '=', 't.workflow_version')
          .onRef('s.state_id', '=', 't.state_id'),
      )
      .leftJoin('workflow_versions as w', (join) =>
        join.onRef('w.workflow_id', '=', 't.workflow_id').onRef('w.version', '=', 't.workflow_version'),
      )
      // Every column but the field values, which lists never show.
      .select(LIST_COLUMNS)
      .select([
        's.name as state_name',
        sql<Record<string, unknown> | null>`s.definition -> 'label'`.as('state_label'),
        sql<string | null>`w.definition ->> 'name'`.as('workflow_name'),
      ])
      .orderBy(`${key}.gmt_created` as 't.gmt_created', direction)
      .orderBy(key === 'u' ? 'u.ticket_id' : 't.id', direction)
      .limit(filter.perPage)
      .offset((filter.page - 1) * filter.perPage)
      .execute(),
  ]);
  return { total, rows };
}

export type TicketListRow = Awaited<ReturnType<typeof listTickets>>['rows'][number];

export async function ticketById(db: Kysely<ReadModels>, id: number) {
  return db.selectFrom('tickets').selectAll().where('id', '=', id).where('is_deleted', '=', false).executeTakeFirst();
}

/** For limit_expression: tickets of a workflow created since a moment, optionally by one creator. */
export async function countTicketsSince(
  db: Kysely<ReadModels>,
  query: { workflowId: number; since: Date; creator?: string },
): Promise<number> {
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

/** The sub-tickets of one state of a parent ticket, with where each stands. */
export async function subTicketsOf(db: Kysely<ReadModels>, parentTicketId: number, parentStateId: number) {
  return db
    .selectFrom('tickets')
    .select(['id', 'workflow_id', 'workflow_version', 'state_id'])
    .where('parent_ticket_id', '=', parentTicketId)
    .where('parent_ticket_state_id', '=', parentStateId)
    .where('is_deleted', '=', false)
    .execute();
}
