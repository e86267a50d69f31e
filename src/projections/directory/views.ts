// Loonflow's shapes for people and depts, shared by every read endpoint.
import { ParticipantType } from '../../domain/workflow.ts';
import { formatTimestamp } from '../format.ts';
import type { DeptTable, UserTable } from './tables.ts';

/** Loonflow's names of the participant types, as `participant_type_name` shows them. */
export const PARTICIPANT_TYPE_NAMES: Record<number, string> = {
  [ParticipantType.person]: '个人',
  [ParticipantType.multiPerson]: '多人',
  [ParticipantType.dept]: '部门',
  [ParticipantType.role]: '角色',
  [ParticipantType.variable]: '变量',
  [ParticipantType.script]: '脚本',
  [ParticipantType.ticketField]: '工单字段',
  [ParticipantType.parentTicketField]: '父工单字段',
  [ParticipantType.hook]: 'hook',
  [ParticipantType.external]: '外部获取',
};

export const aliasOf = (users: ReadonlyMap<string, UserTable>, username: string) => users.get(username)?.alias ?? username;

export function participantInfo(
  ticket: { participant_type_id: number; participant: string; multi_all_person: Record<string, { transition_name?: string }> },
  users: ReadonlyMap<string, UserTable>,
) {
  const type = ticket.participant_type_id;
  const names = ticket.participant.split(',').filter((n) => n !== '');
  const all = Object.entries(ticket.multi_all_person ?? {});
  let alias = names.map((n) => aliasOf(users, n)).join(',');
  let typeName = PARTICIPANT_TYPE_NAMES[type] ?? '';
  if (all.length > 0) {
    typeName = '多人且全部处理';
    alias = all
      .map(([u, choice]) => `${aliasOf(users, u)}(${u})${choice.transition_name ? `已处理:${choice.transition_name}` : '未处理:None'}`)
      .join(';');
  } else if (type === ParticipantType.script) alias = `脚本:${ticket.participant}`;
  else if (type === ParticipantType.hook) alias = 'hook';
  else if (type === ParticipantType.none) typeName = '';
  return {
    participant: ticket.participant,
    participant_name: type === ParticipantType.hook ? 'hook' : ticket.participant,
    participant_type_id: type,
    participant_type_name: typeName,
    participant_alias: alias,
  };
}

/** The list's creator_info: depts as comma strings (r2). */
export function creatorSummary(username: string, users: ReadonlyMap<string, UserTable>, depts: ReadonlyMap<number, DeptTable>) {
  const user = users.get(username);
  if (!user) return { username, alias: '', is_active: false, email: '', phone: '', dept_info: {} };
  const own = user.dept_ids.map((id) => depts.get(id)).filter((d): d is DeptTable => d !== undefined);
  return {
    username,
    alias: user.alias,
    is_active: user.is_active,
    email: user.email,
    phone: user.phone,
    dept_info: { id: own.map((d) => d.id).join(','), name: own.map((d) => d.name).join(',') },
  };
}

/** A dept as ticket.rst shows it in the detail's creator_info. */
export function deptInfo(dept: DeptTable, users: ReadonlyMap<string, UserTable>, depts: ReadonlyMap<number, DeptTable>) {
  const parent = depts.get(dept.parent_dept_id);
  return {
    id: dept.id,
    name: dept.name,
    parent_dept_id: dept.parent_dept_id,
    leader: dept.leader,
    approver: dept.approvers.join(','),
    label: Object.keys(dept.label ?? {}).length ? JSON.stringify(dept.label) : '',
    creator: dept.creator,
    gmt_created: formatTimestamp(dept.gmt_created),
    gmt_modified: formatTimestamp(dept.gmt_modified),
    is_deleted: false,
    creator_info: { creator_id: 0, creator_alias: aliasOf(users, dept.creator) },
    parent_dept_info: { parent_dept_id: dept.parent_dept_id, parent_dept_name: parent?.name ?? '' },
    leader_info: { leader_username: dept.leader, leader_alias: dept.leader ? aliasOf(users, dept.leader) : '' },
    approver_info: dept.approvers.map((a) => ({ approver_name: a, approver_alias: aliasOf(users, a) })),
  };
}

export function creatorDetail(username: string, users: ReadonlyMap<string, UserTable>, depts: ReadonlyMap<number, DeptTable>) {
  const user = users.get(username);
  if (!user) return { username, alias: '', is_active: false, email: '', phone: '', dept_info: {} };
  const first = user.dept_ids.map((id) => depts.get(id)).find((d) => d !== undefined);
  return {
    username,
    alias: user.alias,
    email: user.email,
    phone: user.phone,
    is_active: user.is_active,
    dept_info: first ? deptInfo(first, users, depts) : {},
  };
}
