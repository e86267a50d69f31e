// Workflow configuration as loonflow's workflow endpoints show it (behaviour §7.1): states,
// custom fields, transitions and the flow-chart summary of a workflow's CURRENT version.
// Lists are paged in memory from the one definition row; the people, depts and roles a page
// of states names are fetched with one query each. Hook and external participant configs
// (url, token) never appear (contract Q27): `participant` is masked as in stateRow.
import type { Kysely } from 'kysely';
import {
  ParticipantType,
  stateById,
  type CustomFieldDefinition,
  type StateDefinition,
  type TransitionDefinition,
  type WorkflowDefinition,
} from '../../domain/workflow.ts';
import { deptsWithParents, usersByName } from '../directory/queries.ts';
import type { DeptTable, UserTable } from '../directory/tables.ts';
import { aliasOf, PARTICIPANT_TYPE_NAMES } from '../directory/views.ts';
import { formatTimestamp } from '../format.ts';
import type { ReadModels } from '../read-models.ts';
import type { WorkflowTable } from './tables.ts';
import { stateRow, visibleParticipant } from './views.ts';

export interface Paging {
  page: number;
  perPage: number;
}

/** The items of one page; a page past the end is empty (as GET /tickets). */
const pageSlice = <T>(items: T[], { page, perPage }: Paging): T[] => items.slice((page - 1) * perPage, page * perPage);

/** loonflow's paged list body. */
const paged = <T>(value: T[], { page, perPage }: Paging, total: number) => ({ value, per_page: perPage, page, total });

const contains = (haystack: string, needle: string) => haystack.toLowerCase().includes(needle.toLowerCase());

/** Workflows carry no author: creator is '' and the timestamps are the workflow row's. */
const auditOf = (row: Pick<WorkflowTable, 'gmt_created' | 'gmt_modified'>) => ({
  creator: '',
  gmt_created: formatTimestamp(row.gmt_created),
  gmt_modified: formatTimestamp(row.gmt_modified),
});

const VARIABLE_ALIASES: Record<string, string> = { creator: '工单创建人', creator_tl: '工单创建人tl' };

const splitList = (value: string) =>
  value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
/** Ids a participant string names; anything that cannot be an integer column value is left out. */
const idsIn = (value: string) =>
  splitList(value)
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0 && n <= 2_147_483_647);

interface Directory {
  users: ReadonlyMap<string, UserTable>;
  depts: ReadonlyMap<number, DeptTable>;
  roles: ReadonlyMap<number, string>;
}

/** The users, depts and roles some states name: three queries at most, whatever their number. */
async function directoryFor(db: Kysely<ReadModels>, states: StateDefinition[]): Promise<Directory> {
  const configOf = (type: number) =>
    states.filter((s) => s.participant_type_id === type && typeof s.participant === 'string').map((s) => s.participant as string);
  const usernames = [...configOf(ParticipantType.person), ...configOf(ParticipantType.multiPerson)].flatMap(splitList);
  const deptIds = configOf(ParticipantType.dept).flatMap(idsIn);
  const roleIds = [...new Set(configOf(ParticipantType.role).flatMap(idsIn))];
  const [users, depts, roleRows] = await Promise.all([
    usersByName(db, usernames),
    deptsWithParents(db, deptIds),
    roleIds.length ? db.selectFrom('directory_roles').select(['id', 'name']).where('id', 'in', roleIds).execute() : Promise.resolve([]),
  ]);
  return { users, depts, roles: new Map(roleRows.map((r) => [r.id, r.name])) };
}

/** A state's participant as loonflow's state list describes it (names and aliases resolved). */
function stateParticipantInfo(workflow: WorkflowDefinition, state: StateDefinition, dir: Directory) {
  const type = state.participant_type_id;
  const participant = visibleParticipant(state);
  let name = participant;
  let alias = '';
  switch (type) {
    case ParticipantType.person:
    case ParticipantType.multiPerson:
      alias = splitList(participant)
        .map((u) => aliasOf(dir.users, u))
        .join(',');
      break;
    case ParticipantType.dept:
      name = splitList(participant)
        .map((d) => dir.depts.get(Number(d))?.name ?? '未知')
        .join(',');
      alias = name;
      break;
    case ParticipantType.role:
      name = splitList(participant)
        .map((r) => dir.roles.get(Number(r)) ?? '未知')
        .join(',');
      alias = name;
      break;
    case ParticipantType.variable:
      alias = splitList(participant)
        .map((v) => VARIABLE_ALIASES[v] ?? v)
        .join(',');
      break;
    case ParticipantType.ticketField:
    case ParticipantType.parentTicketField:
      alias = splitList(participant)
        .map((k) => workflow.custom_fields.find((f) => f.field_key === k)?.field_name ?? k)
        .join(',');
      break;
    default:
      // script: its name; hook / external: the masked placeholder; none: ''.
      alias = participant;
  }
  return {
    participant,
    participant_name: name,
    participant_type_id: type,
    participant_type_name: PARTICIPANT_TYPE_NAMES[type] ?? '',
    participant_alias: alias,
  };
}

/** By order_id; ties keep the configuration's order (Array.prototype.sort is stable). */
const byOrder = (states: StateDefinition[]) => [...states].sort((a, b) => a.order_id - b.order_id);

const matchingStates = (wf: WorkflowDefinition, search: string) => byOrder(wf.states).filter((s) => !search || contains(s.name, search));

/** GET /workflows/{id}/states: full rows ordered by order_id, with state_field_str and participant_info. */
export async function workflowStatesPage(db: Kysely<ReadModels>, row: WorkflowTable, q: Paging & { search: string }) {
  const wf = row.definition;
  const audit = auditOf(row);
  const states = matchingStates(wf, q.search);
  const page = pageSlice(states, q);
  const dir = await directoryFor(db, page);
  const value = page.map((s) => ({
    ...stateRow(wf, s, audit),
    state_field_str: s.state_field,
    participant_info: stateParticipantInfo(wf, s, dir),
  }));
  return paged(value, q, states.length);
}

/** GET /workflows/{id}/simple_states. */
export function workflowSimpleStatesPage(row: WorkflowTable, q: Paging & { search: string }) {
  const states = matchingStates(row.definition, q.search);
  return paged(
    pageSlice(states, q).map((s) => ({ id: s.id, name: s.name })),
    q,
    states.length,
  );
}

/** The state with this id in the current version of whichever workflow has it. */
export async function currentStateById(db: Kysely<ReadModels>, stateId: number) {
  return db
    .selectFrom('workflow_states as s')
    .innerJoin('workflows as w', (join) => join.onRef('w.id', '=', 's.workflow_id').onRef('w.version', '=', 's.version'))
    .select(['s.workflow_id', 's.definition', 'w.gmt_created'])
    .where('s.state_id', '=', stateId)
    .orderBy('s.workflow_id')
    .executeTakeFirst();
}

/** GET /workflows/states/{state_id}. */
export const stateDetail = (found: { workflow_id: number; definition: StateDefinition; gmt_created: Date }) => {
  const s = found.definition;
  return {
    id: s.id,
    name: s.name,
    workflow_id: found.workflow_id,
    distribute_type_id: s.distribute_type_id,
    is_hidden: s.is_hidden,
    order_id: s.order_id,
    type_id: s.type_id,
    participant_type_id: s.participant_type_id,
    participant: visibleParticipant(s),
    state_field: s.state_field,
    label: s.label,
    creator: '',
    gmt_created: formatTimestamp(found.gmt_created),
  };
};

function customFieldRow(wf: WorkflowDefinition, f: CustomFieldDefinition, audit: ReturnType<typeof auditOf>) {
  return {
    id: f.id,
    workflow_id: wf.id,
    field_key: f.field_key,
    field_name: f.field_name,
    field_type_id: f.field_type_id,
    order_id: f.order_id,
    default_value: f.default_value,
    description: f.description,
    placeholder: f.placeholder,
    field_template: f.field_template,
    boolean_field_display: f.boolean_field_display,
    field_choice: f.field_choice,
    label: f.label,
    ...audit,
    is_deleted: false,
  };
}

/** GET /workflows/{id}/custom_fields: ordered by id, searchable on key and name. */
export function customFieldsPage(row: WorkflowTable, q: Paging & { search: string }) {
  const wf = row.definition;
  const audit = auditOf(row);
  const fields = [...wf.custom_fields]
    .sort((a, b) => a.id - b.id)
    .filter((f) => !q.search || contains(f.field_key, q.search) || contains(f.field_name, q.search));
  return paged(
    pageSlice(fields, q).map((f) => customFieldRow(wf, f, audit)),
    q,
    fields.length,
  );
}

/** `{id, name}` of a transition's end; loonflow's placeholders when it has none. */
function destinationInfo(wf: WorkflowDefinition, t: TransitionDefinition) {
  const state = stateById(wf, t.destination_state_id);
  if (state) return { id: state.id, name: state.name };
  return { id: t.destination_state_id, name: t.condition_expression.length ? '见条件表达式' : '请指定目标状态或设置条件表达式' };
}

/** GET /workflows/{id}/transitions: ordered by id, searchable on name. */
export function transitionsPage(row: WorkflowTable, q: Paging & { search: string }) {
  const wf = row.definition;
  const audit = auditOf(row);
  const transitions = [...wf.transitions].sort((a, b) => a.id - b.id).filter((t) => !q.search || contains(t.name, q.search));
  const value = pageSlice(transitions, q).map((t) => {
    const source = stateById(wf, t.source_state_id);
    return {
      id: t.id,
      name: t.name,
      workflow_id: wf.id,
      transition_type_id: t.transition_type_id,
      timer: t.timer,
      source_state_id: t.source_state_id,
      destination_state_id: t.destination_state_id,
      // A list of {expression, target_state_id} (loonflow stores the JSON text).
      condition_expression: t.condition_expression,
      attribute_type_id: t.attribute_type_id,
      field_require_check: t.field_require_check,
      alert_enable: t.alert_enable,
      enable_alert: t.alert_enable,
      alert_text: t.alert_text,
      source_state_info: source ? { id: source.id, name: source.name } : {},
      destination_state_info: destinationInfo(wf, t),
      ...audit,
      is_deleted: false,
    };
  });
  return paged(value, q, transitions.length);
}

/** GET /workflows/{id}/simple_description: what a client needs to draw the flow chart. */
export function simpleDescription(wf: WorkflowDefinition) {
  return {
    workflow_basic_info: { id: wf.id, name: wf.name },
    workflow_state_info: byOrder(wf.states).map((s) => ({ id: s.id, name: s.name })),
    workflow_transition_info: [...wf.transitions]
      .sort((a, b) => a.id - b.id)
      .map((t) => ({
        id: t.id,
        name: t.name,
        source_state_id: t.source_state_id,
        destination_state_id: t.destination_state_id,
        condition_expression: t.condition_expression,
        attribute_type_id: t.attribute_type_id,
        timer: t.timer,
      })),
  };
}
