// Who may do what with a ticket (behaviour §2.2, §5.4, with contract.md's fixes).
import { DistributeType, ParticipantType, transitionsFrom, type WorkflowDefinition } from '../workflow.ts';
import type { Assignment } from './events.ts';

export interface HandlePermission {
  permission: boolean;
  /** Several assignees and "active accept": one must accept before anyone handles. */
  needAccept: boolean;
  inAddNode: boolean;
}

export function handlePermission(
  workflow: WorkflowDefinition,
  ticket: { assignment: Assignment; inAddNode: boolean },
  username: string,
): HandlePermission {
  const { participantTypeId, participant, stateId } = ticket.assignment;
  const denied = { permission: false, needAccept: false, inAddNode: ticket.inAddNode };
  if (transitionsFrom(workflow, stateId).length === 0) return denied;
  const names = participant.split(',').filter((n) => n !== '');
  const isAssignee =
    (participantTypeId === ParticipantType.person || participantTypeId === ParticipantType.multiPerson) && names.includes(username);
  if (!isAssignee) return denied;
  const state = workflow.states.find((s) => s.id === stateId);
  const allMode = Object.keys(ticket.assignment.multiAllPerson).length > 0;
  return {
    permission: true,
    needAccept: !allMode && names.length > 1 && state?.distribute_type_id === DistributeType.accept,
    inAddNode: ticket.inAddNode,
  };
}

/** What a workflow grants, taken from its CURRENT version: revoking an admin must take effect on old tickets too. */
export type WorkflowGrants = Pick<WorkflowDefinition, 'view_permission_check' | 'admins' | 'view_persons' | 'view_depts' | 'interveners'>;

/** The facts about a user that permissions depend on. */
export interface Viewer {
  username: string;
  superAdmin: boolean;
  /** The user's depts and every dept above them. */
  deptIds: ReadonlySet<number>;
}

/** Contract Q15: a ticket admin is a super admin or an admin of the ticket's workflow. */
export const isTicketAdmin = (viewer: Viewer, grants: WorkflowGrants): boolean =>
  viewer.superAdmin || grants.admins.includes(viewer.username);

/** May the user see every ticket of the workflow: no view check, or an admin, a viewer (person or dept) or an intervener? */
export const mayViewAll = (grants: WorkflowGrants, viewer: Viewer): boolean =>
  !grants.view_permission_check ||
  isTicketAdmin(viewer, grants) ||
  grants.view_persons.includes(viewer.username) ||
  grants.view_depts.some((d) => viewer.deptIds.has(d)) ||
  grants.interveners.includes(viewer.username);

/** May this user see the ticket (behaviour §3.3, with the workflow's grants and Q15)? */
export function canView(
  grants: WorkflowGrants,
  workflow: WorkflowDefinition,
  ticket: { assignment: Assignment; inAddNode: boolean; relation: string[] },
  viewer: Viewer,
): boolean {
  return (
    mayViewAll(grants, viewer) ||
    ticket.relation.includes(viewer.username) ||
    handlePermission(workflow, ticket, viewer.username).permission
  );
}
