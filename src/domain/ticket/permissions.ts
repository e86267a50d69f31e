// Who may do what with a ticket (behaviour §2.2, §5.4, with contract.md's fixes).
import { isSuperAdmin, type Catalog } from '../catalog/catalog.ts';
import { ParticipantType, transitionsFrom, type WorkflowDefinition } from '../workflow.ts';
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
  return { permission: true, needAccept: !allMode && names.length > 1 && state?.distribute_type_id === 1, inAddNode: ticket.inAddNode };
}

/** Contract Q15: a ticket admin is a super admin or an admin of the ticket's workflow. */
export const isTicketAdmin = (catalog: Catalog, username: string, workflow: WorkflowDefinition): boolean =>
  isSuperAdmin(catalog, username) || workflow.admins.includes(username);

/** May this user see the ticket (behaviour §3.3; workflow admins too, Q15)? */
export function canView(
  workflow: WorkflowDefinition,
  ticket: { assignment: Assignment; inAddNode: boolean; relation: string[] },
  username: string,
  superAdmin: boolean,
): boolean {
  return (
    !workflow.view_permission_check ||
    superAdmin ||
    workflow.admins.includes(username) ||
    ticket.relation.includes(username) ||
    handlePermission(workflow, ticket, username).permission
  );
}
