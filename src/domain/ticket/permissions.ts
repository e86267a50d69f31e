// May this user act on the ticket right now (behaviour §2.2)?
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
  return { permission: true, needAccept: names.length > 1 && state?.distribute_type_id === 1, inAddNode: ticket.inAddNode };
}
