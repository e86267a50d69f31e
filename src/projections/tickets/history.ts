// A ticket's history in loonflow's wire shapes: flow logs (behaviour §3.10), flow steps
// (§3.11), the batch state lookup (§3.13) and the current assignees (§3.18). Every view runs
// a fixed number of queries whatever the page size: the ticket and its workflow version
// (loadTicketView), the log rows, then the people they name in one query.
//
// Permission (our decision, stricter than loonflow, which lets any user of an authorised app
// read any ticket's history): flow logs, flow steps and participant info are shown only to
// users who may view the ticket itself (`canView`, as the detail does). They expose the same
// field values (ticket_data) and the assignees' contact details, so a workflow that checks
// view permission must not leak them through a side door.
import type { Kysely } from 'kysely';
import { assigneesOf } from '../../domain/ticket/participants.ts';
import { FLOW_LOG_KINDS } from '../../domain/ticket/ticket-actions.ts';
import { ParticipantType, TransitionAttribute, stateById, transitionById, type WorkflowDefinition } from '../../domain/workflow.ts';
import { usersByName } from '../directory/queries.ts';
import type { UserTable } from '../directory/tables.ts';
import { formatTimestamp } from '../format.ts';
import type { ReadModels } from '../read-models.ts';
import type { TicketFlowLogTable } from './tables.ts';
import type { Viewer } from '../../domain/ticket/permissions.ts';
import { assertMayView, type TicketInView } from './views.ts';

/** The `transition_name` a log without a transition shows, by intervene type (behaviour §4.1). */
export const SYNTHETIC_TRANSITION_NAMES: Record<number, string> = Object.fromEntries(
  FLOW_LOG_KINDS.map((kind) => [kind.interveneTypeId, kind.name]),
);

const UNKNOWN_OPERATION = '未知操作';
const UNKNOWN_STATE = '未知状态';

type LogRow = Omit<TicketFlowLogTable, 'ticket_data'> & { ticket_data?: Record<string, unknown> };

const LOG_COLUMNS = [
  'id',
  'ticket_id',
  'transition_id',
  'suggestion',
  'participant_type_id',
  'participant',
  'state_id',
  'intervene_type_id',
  'gmt_created',
] as const;

export interface FlowLogQuery {
  page: number;
  perPage: number;
  /** Newest first (by id) when true. */
  desc: boolean;
  withTicketData: boolean;
}

async function flowLogPage(db: Kysely<ReadModels>, ticketId: number, q: FlowLogQuery): Promise<{ total: number; rows: LogRow[] }> {
  const base = db.selectFrom('ticket_flow_logs').where('ticket_id', '=', ticketId);
  const [{ total }] = await base.select((eb) => eb.fn.countAll<number>().as('total')).execute();
  const direction = q.desc ? 'desc' : 'asc';
  const rows = await base
    .select(LOG_COLUMNS)
    .$if(q.withTicketData, (qb) => qb.select('ticket_data'))
    .orderBy('id', direction)
    .limit(q.perPage)
    .offset((q.page - 1) * q.perPage)
    .execute();
  return { total: Number(total), rows };
}

/** Every log of the ticket, newest first: flow steps are not paged (behaviour §3.11). */
async function allFlowLogs(db: Kysely<ReadModels>, ticketId: number): Promise<LogRow[]> {
  return db.selectFrom('ticket_flow_logs').select(LOG_COLUMNS).where('ticket_id', '=', ticketId).orderBy('id', 'desc').execute();
}

/** The people a page of logs names (persons only), plus the caller for the permission check. */
const namesIn = (rows: LogRow[], caller: string) => [
  caller,
  ...rows.filter((r) => r.participant_type_id === ParticipantType.person).map((r) => r.participant),
];

function transitionOf(workflow: WorkflowDefinition, log: LogRow) {
  if (log.transition_id !== 0) {
    const t = transitionById(workflow, log.transition_id);
    return t
      ? { transition_id: t.id, transition_name: t.name, attribute_type_id: t.attribute_type_id }
      : { transition_id: log.transition_id, transition_name: UNKNOWN_OPERATION, attribute_type_id: TransitionAttribute.other };
  }
  return {
    transition_id: 0,
    transition_name: SYNTHETIC_TRANSITION_NAMES[log.intervene_type_id] ?? UNKNOWN_OPERATION,
    attribute_type_id: TransitionAttribute.other,
  };
}

/** Who acted: a known person's contact details, else the participant's own name (a hook, the engine). */
function actorInfo(log: LogRow, users: ReadonlyMap<string, UserTable>) {
  const user = log.participant_type_id === ParticipantType.person ? users.get(log.participant) : undefined;
  return {
    participant_type_id: log.participant_type_id,
    participant: log.participant,
    participant_alias: user?.alias ?? log.participant,
    participant_email: user?.email ?? '',
    participant_phone: user?.phone ?? '',
  };
}

/**
 * A log's `ticket_data`: the ticket's columns and every custom field key of the ticket's
 * workflow version (null when unset), timestamps as `YYYY-MM-DD HH:MM:SS` and
 * `multi_all_person` as the JSON string the detail shows. Unlike loonflow, null stays null
 * (not the string "None"). `ticket_id` repeats `id`, as ticket.rst's example spells it.
 */
export function renderTicketData(workflow: WorkflowDefinition, snapshot: Record<string, unknown>): Record<string, unknown> {
  const { gmt_created, gmt_modified, multi_all_person, ...rest } = snapshot;
  const custom = Object.fromEntries(workflow.custom_fields.map((f) => [f.field_key, snapshot[f.field_key] ?? null]));
  return {
    ...rest,
    ticket_id: snapshot.id,
    multi_all_person: typeof multi_all_person === 'string' ? multi_all_person : JSON.stringify(multi_all_person ?? {}),
    gmt_created: formatTimestamp(gmt_created as string | undefined),
    gmt_modified: formatTimestamp(gmt_modified as string | undefined),
    ...custom,
  };
}

function logItem(workflow: WorkflowDefinition, log: LogRow, users: ReadonlyMap<string, UserTable>) {
  const at = formatTimestamp(log.gmt_created);
  return {
    id: log.id,
    ticket_id: log.ticket_id,
    state: { state_id: log.state_id, state_name: stateById(workflow, log.state_id)?.name ?? UNKNOWN_STATE },
    transition: transitionOf(workflow, log),
    intervene_type_id: log.intervene_type_id,
    participant_type_id: log.participant_type_id,
    participant: log.participant,
    participant_info: actorInfo(log, users),
    suggestion: log.suggestion,
    gmt_created: at,
    // Flow logs never change after they are written (contract §3: emit it anyway).
    gmt_modified: at,
  };
}

export async function ticketFlowLogs(db: Kysely<ReadModels>, view: TicketInView, viewer: Viewer, q: FlowLogQuery) {
  assertMayView(view, viewer);
  const { total, rows } = await flowLogPage(db, view.ticket.id, q);
  const users = await usersByName(db, namesIn(rows, viewer.username));
  const value = rows.map((log) => ({
    ...logItem(view.workflow, log, users),
    ...(q.withTicketData ? { ticket_data: renderTicketData(view.workflow, log.ticket_data ?? {}) } : {}),
  }));
  return { value, per_page: q.perPage, page: q.page, total };
}

/**
 * The ticket's states by order_id (ties keep the configuration's order), hidden ones left out
 * unless the ticket is in them, each with the logs written in it, newest first.
 */
export async function ticketFlowSteps(db: Kysely<ReadModels>, view: TicketInView, viewer: Viewer) {
  assertMayView(view, viewer);
  const logs = await allFlowLogs(db, view.ticket.id);
  const users = await usersByName(db, namesIn(logs, viewer.username));
  const { ticket, workflow } = view;
  const byState = new Map<number, LogRow[]>();
  for (const log of logs) {
    const list = byState.get(log.state_id) ?? [];
    list.push(log);
    byState.set(log.state_id, list);
  }
  const steps = [...workflow.states]
    .sort((a, b) => a.order_id - b.order_id)
    .filter((s) => !s.is_hidden || s.id === ticket.state_id)
    .map((s) => ({
      state_id: s.id,
      state_name: s.name,
      order_id: s.order_id,
      state_flow_log_list: (byState.get(s.id) ?? []).map((log) => {
        const item = logItem(workflow, log, users);
        return { ...item, state_id: log.state_id, attribute_type_id: item.transition.attribute_type_id };
      }),
    }));
  return { value: steps, current_state_id: ticket.state_id };
}

/** The ticket's current assignees with their contact details, for "urge" features (§3.18). */
export async function ticketParticipants(db: Kysely<ReadModels>, view: TicketInView, viewer: Viewer) {
  assertMayView(view, viewer);
  const { ticket } = view;
  // Dept and role states are resolved to persons when the ticket enters them, so types 1
  // and 2 are the only ones naming people; scripts, hooks and external assignees name none.
  const names = assigneesOf({ participantTypeId: ticket.participant_type_id, participant: ticket.participant });
  const users = await usersByName(db, [...names, viewer.username]);
  return {
    participant_username_list: names,
    participant_info_list: names
      .map((n) => users.get(n))
      .filter((u): u is UserTable => u !== undefined)
      .map((u) => ({ username: u.username, alias: u.alias, phone: u.phone, email: u.email })),
  };
}

/**
 * Current state of several tickets in one query, keyed by the id as a string (ticket.rst).
 * Unknown or deleted tickets, and tickets of workflows outside `workflowIds`, are absent.
 */
export async function ticketStates(db: Kysely<ReadModels>, ticketIds: number[], workflowIds: number[] | null) {
  const result: Record<string, { state_id: number; state_name: string }> = {};
  if (ticketIds.length === 0 || (workflowIds !== null && workflowIds.length === 0)) return result;
  const rows = await db
    .selectFrom('tickets as t')
    .leftJoin('workflow_states as s', (join) =>
      join
        .onRef('s.workflow_id', '=', 't.workflow_id')
        .onRef('s.version', '=', 't.workflow_version')
        .onRef('s.state_id', '=', 't.state_id'),
    )
    .select(['t.id', 't.state_id', 's.name as state_name'])
    .where('t.id', 'in', [...new Set(ticketIds)])
    .where('t.is_deleted', '=', false)
    .$if(workflowIds !== null, (q) => q.where('t.workflow_id', 'in', workflowIds!))
    .orderBy('t.id')
    .execute();
  for (const row of rows) result[String(row.id)] = { state_id: row.state_id, state_name: row.state_name ?? UNKNOWN_STATE };
  return result;
}
