// Tickets in loonflow's wire shapes (ticket.rst, behaviour §3.1 and §3.3). Every view runs a
// fixed number of queries: rows first, then the people and depts they mention, in bulk.
import type { Kysely } from 'kysely';
import { fail } from '../../domain/errors.ts';
import { canView, handlePermission, type Viewer, type WorkflowGrants } from '../../domain/ticket/permissions.ts';
import { StateType, stateById, transitionsFrom, type WorkflowDefinition } from '../../domain/workflow.ts';
import { deptsWithParents, usersByName } from '../directory/queries.ts';
import { creatorDetail, creatorSummary, participantInfo } from '../directory/views.ts';
import { formatTimestamp } from '../format.ts';
import type { ReadModels } from '../read-models.ts';
import { currentWorkflowRow, workflowVersionRow } from '../workflows/queries.ts';
import { builtinField, byOrderId, customField, stateRow, transitionButton } from '../workflows/views.ts';
import { listTickets, ticketById, type TicketListFilter, type TicketListRow } from './queries.ts';
import type { TicketTable } from './tables.ts';

/** The ticket row's own columns, as loonflow serialises a TicketRecord. */
function ticketColumns(t: Omit<TicketTable, 'fields' | 'app' | 'revision'>) {
  return {
    id: t.id,
    sn: t.sn,
    title: t.title,
    workflow_id: t.workflow_id,
    state_id: t.state_id,
    parent_ticket_id: t.parent_ticket_id,
    parent_ticket_state_id: t.parent_ticket_state_id,
    participant_type_id: t.participant_type_id,
    participant: t.participant,
    relation: t.relation,
    in_add_node: t.in_add_node,
    add_node_man: t.add_node_man,
    script_run_last_result: t.script_run_last_result,
    act_state_id: t.act_state_id,
    multi_all_person: JSON.stringify(t.multi_all_person ?? {}),
    creator: t.creator,
    is_deleted: t.is_deleted,
    gmt_created: formatTimestamp(t.gmt_created),
    gmt_modified: formatTimestamp(t.gmt_modified),
  };
}

const namesIn = (t: { creator: string; participant: string; multi_all_person: Record<string, unknown> }) => [
  t.creator,
  ...t.participant.split(','),
  ...Object.keys(t.multi_all_person ?? {}),
];

export async function ticketListPage(db: Kysely<ReadModels>, filter: TicketListFilter) {
  const { total, rows } = await listTickets(db, filter);
  const users = await usersByName(db, rows.flatMap(namesIn));
  const depts = await deptsWithParents(
    db,
    [...users.values()].flatMap((u) => u.dept_ids),
  );
  const item = (row: TicketListRow) => {
    const workflow = { workflow_id: row.workflow_id, workflow_name: row.workflow_name ?? '' };
    return {
      ...ticketColumns(row),
      state: { state_id: row.state_id, state_name: row.state_name ?? '未知状态', state_label: row.state_label ?? {} },
      participant_info: participantInfo(row, users),
      creator_info: creatorSummary(row.creator, users, depts),
      workflow,
      workflow_info: workflow,
    };
  };
  return { value: rows.map(item), per_page: filter.perPage, page: filter.page, total };
}

export interface TicketInView {
  ticket: TicketTable;
  /** The workflow version the ticket was created with, and when it was published. */
  workflow: WorkflowDefinition;
  publishedAt: Date;
  /** Admins and viewers come from the workflow's current version. */
  grants: WorkflowGrants;
}

/** The ticket and the workflow version it was created with; 404 when either is unknown. */
export async function loadTicketView(db: Kysely<ReadModels>, ticketId: number): Promise<TicketInView> {
  const ticket = (await ticketById(db, ticketId)) ?? fail('ticket_not_found', `Ticket ${ticketId} does not exist.`);
  const version =
    (await workflowVersionRow(db, ticket.workflow_id, ticket.workflow_version)) ??
    fail('workflow_not_found', `Workflow ${ticket.workflow_id} version ${ticket.workflow_version} of ticket ${ticketId} is unknown.`);
  const current = await currentWorkflowRow(db, ticket.workflow_id);
  return { ticket, workflow: version.definition, publishedAt: version.published_at, grants: current?.definition ?? version.definition };
}

/** 403 unless the user may see the ticket (the same rule for the detail and its history). */
export function assertMayView({ ticket, workflow, grants }: TicketInView, viewer: Viewer): void {
  const asTicket = { ...assignmentOf(ticket), relation: ticket.relation.split(',') };
  if (!canView(grants, workflow, asTicket, viewer)) {
    fail(
      'not_permitted',
      `User "${viewer.username}" may not view ticket ${ticket.id}: not related to it, and workflow ${workflow.id} checks view permission.`,
    );
  }
}

const assignmentOf = (t: TicketTable) => ({
  assignment: {
    stateId: t.state_id,
    participantTypeId: t.participant_type_id,
    participant: t.participant,
    multiAllPerson: t.multi_all_person,
  },
  inAddNode: t.in_add_node,
});

export async function ticketDetail(db: Kysely<ReadModels>, view: TicketInView, viewer: Viewer) {
  const { ticket, workflow } = view;
  const { username } = viewer;
  assertMayView(view, viewer);
  const users = await usersByName(db, namesIn(ticket));
  const depts = await deptsWithParents(db, users.get(ticket.creator)?.dept_ids ?? []);
  const state = stateById(workflow, ticket.state_id);
  const canHandle = handlePermission(workflow, assignmentOf(ticket), username).permission;

  const participant = participantInfo(ticket, users);
  const builtinValues: Record<string, unknown> = {
    sn: ticket.sn,
    title: ticket.title,
    state_id: ticket.state_id,
    'state.state_name': state?.name ?? '未知状态',
    'participant_info.participant_name': participant.participant_name,
    'participant_info.participant_alias': participant.participant_alias,
    'workflow.workflow_name': workflow.name,
    creator: ticket.creator,
    gmt_created: formatTimestamp(ticket.gmt_created),
    gmt_modified: formatTimestamp(ticket.gmt_modified),
  };
  // A handler sees the state's form with its attributes; anyone else the workflow's display_form, read-only.
  const shown: Record<string, number> =
    canHandle && state ? state.state_field : Object.fromEntries(workflow.display_form.map((k) => [k, 1]));
  const fieldList = byOrderId([
    ...Object.keys(builtinValues)
      .filter((k) => k in shown)
      .map((k) => builtinField(k, builtinValues[k], shown[k])),
    ...workflow.custom_fields
      .filter((f) => f.field_key in shown)
      .map((f) => customField(f, ticket.fields[f.field_key] ?? null, shown[f.field_key])),
  ]);
  const published = formatTimestamp(view.publishedAt);
  const audit = { creator: '', gmt_created: published, gmt_modified: published };
  const stateInfo = state
    ? { ...stateRow(workflow, state, audit), state_field_str: state.state_field }
    : { id: ticket.state_id, name: '--状态已被删除--' };
  return {
    value: {
      ...ticketColumns(ticket),
      is_end: state?.type_id === StateType.end,
      field_list: fieldList,
      creator_info: creatorDetail(ticket.creator, users, depts),
      participant_info: participant,
      state_info: stateInfo,
    },
  };
}

const syntheticButton = (name: string, flags: { is_accept: boolean; in_add_node: boolean }) => ({
  transition_id: 0,
  transition_name: name,
  field_require_check: false,
  ...flags,
  alert_enable: false,
  enable_alert: false,
  alert_text: '',
  attribute_type_id: 3,
});

/** The buttons this user has now (behaviour §3.4): 完成 during add-node, 接单 before accepting, else the state's transitions. */
export function ticketTransitions({ ticket, workflow }: TicketInView, username: string) {
  const permission = handlePermission(workflow, assignmentOf(ticket), username);
  if (!permission.permission) return { value: [] };
  if (permission.inAddNode) return { value: [syntheticButton('完成', { is_accept: false, in_add_node: true })] };
  if (permission.needAccept) return { value: [syntheticButton('接单', { is_accept: true, in_add_node: false })] };
  return {
    value: transitionsFrom(workflow, ticket.state_id).map((t) => ({
      ...transitionButton(t),
      is_accept: false,
      in_add_node: false,
    })),
  };
}
