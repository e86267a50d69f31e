// What happens when a ticket enters a state: its assignees (with remember-last-man, Q8)
// and its progress status (§2.5, Q19).
import type { Catalog } from '../catalog/catalog.ts';
import { ParticipantType, StateType, TransitionAttribute, type StateDefinition } from '../workflow.ts';
import type { Assignment } from './events.ts';
import { resolveAssignment } from './participants.ts';
import { ActState, type Ticket } from './ticket.ts';

export interface EntryContext {
  catalog: Catalog;
  random: number;
  parentFields: Record<string, unknown>;
}

export function enterState(ticket: Ticket, state: StateDefinition, fields: Record<string, unknown>, ctx: EntryContext): Assignment {
  const assignment = resolveAssignment(state, {
    catalog: ctx.catalog,
    creator: ticket.creator,
    fields,
    parentFields: ctx.parentFields,
    random: ctx.random,
  });
  const last = ticket.lastPersonByState[state.id];
  const allMode = Object.keys(assignment.multiAllPerson).length > 0;
  // Back to a state someone already worked: the same person takes it again (people only: a
  // hook, script or external state keeps its automation).
  const people = assignment.participantTypeId === ParticipantType.person || assignment.participantTypeId === ParticipantType.multiPerson;
  if (state.remember_last_man_enable && state.type_id === StateType.normal && people && !allMode && last) {
    return { stateId: state.id, participantTypeId: ParticipantType.person, participant: last, multiAllPerson: {} };
  }
  return assignment;
}

/** act_state after a transition: end 4, start 0, else 1; a reject transition makes it 2 wherever it leads. */
export function actStateAfterTransition(destination: StateDefinition, attributeTypeId: number): number {
  if (attributeTypeId === TransitionAttribute.reject) return ActState.rejected;
  if (destination.type_id === StateType.end) return ActState.finished;
  if (destination.type_id === StateType.start) return ActState.draft;
  return ActState.inProgress;
}

/** A forced state change: end closes, start makes a draft, a normal state reopens an ended ticket (Q19). */
export function actStateAfterForcing(destination: StateDefinition, current: number): number {
  if (destination.type_id === StateType.end) return ActState.closed;
  if (destination.type_id === StateType.start) return ActState.draft;
  return current === ActState.draft || current === ActState.finished || current === ActState.closed ? ActState.inProgress : current;
}
