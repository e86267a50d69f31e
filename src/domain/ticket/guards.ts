// The checks several ticket actions share: where the ticket is, who may act, what they send.
import { viewerOf, type Catalog } from '../catalog/catalog.ts';
import { SUGGESTION_MAX, USERNAME_MAX, codePoints, withinLength } from '../bounds.ts';
import { ENGINE_USERNAMES, notAssignable } from '../directory.ts';
import { fail } from '../errors.ts';
import { collectFieldValues, joinFieldErrors, type FieldValue } from '../fields.ts';
import { ParticipantType, stateById, transitionsFrom, type StateDefinition, type WorkflowDefinition } from '../workflow.ts';
import type { TicketContext } from './context.ts';
import type { Actor, Assignment, FieldChanges } from './events.ts';
import { handlePermission, isTicketAdmin } from './permissions.ts';
import type { Ticket } from './ticket.ts';

/** `name` is what the caller called it: `suggestion`, or `msg` for a hook callback. */
export function checkSuggestion(suggestion: string, name = 'suggestion'): void {
  // Characters, not UTF-16 units, as the field limits count them.
  if (!withinLength(suggestion, SUGGESTION_MAX)) {
    fail('suggestion_too_long', `${name} is ${codePoints(suggestion)} characters long; the limit is ${SUGGESTION_MAX}.`);
  }
}

/** One person works the ticket in this state. */
export const person = (stateId: number, username: string): Assignment => ({
  stateId,
  participantTypeId: ParticipantType.person,
  participant: username,
  multiAllPerson: {},
});

export function currentState(ticket: Ticket, wf: WorkflowDefinition): StateDefinition {
  return (
    stateById(wf, ticket.assignment.stateId) ??
    fail('state_not_found', `Ticket ${ticket.id} is in state ${ticket.assignment.stateId}, which its workflow no longer has.`)
  );
}

/** The ticket's state, where something can still be done: nothing but admin actions in a state without transitions (an end state). */
export function actionableState(ticket: Ticket, wf: WorkflowDefinition): StateDefinition {
  const state = currentState(ticket, wf);
  if (transitionsFrom(wf, state.id).length === 0) {
    fail('wrong_state', `Ticket ${ticket.id} is in state "${state.name}", where nothing more can be done.`);
  }
  return state;
}

/** The actor is one of the ticket's current participants. */
export function assertParticipant(ticket: Ticket, wf: WorkflowDefinition, actor: Actor) {
  const permission = handlePermission(wf, ticket, actor.username);
  if (!permission.permission) fail('not_permitted', `User "${actor.username}" is not a current participant of ticket ${ticket.id}.`);
  return permission;
}

/** A participant who must accept first may not act yet, nor anyone while the ticket is out for consultation. */
export function assertFreeToAct(
  ticket: Ticket,
  permission: { needAccept: boolean; inAddNode: boolean },
  acceptFirst: string,
  consultation: string,
): void {
  if (permission.needAccept) fail('wrong_state', `Ticket ${ticket.id} has several assignees; ${acceptFirst}.`);
  if (permission.inAddNode) fail('wrong_state', `Ticket ${ticket.id} ${consultation}.`);
}

export const isAdminOf = (ctx: TicketContext, actor: Actor): boolean => isTicketAdmin(viewerOf(ctx.catalog, actor.username), ctx.grants);

export function assertTicketAdmin(ticket: Ticket, ctx: TicketContext, actor: Actor, action: string): void {
  if (!isAdminOf(ctx, actor)) {
    fail('not_permitted', `Only a super admin or an admin of workflow ${ctx.workflow.id} may ${action} ticket ${ticket.id}.`);
  }
}

/** A deliver or add_node target: one active user of the directory, not the caller, not the engine. */
export function checkTarget(target: string, actor: Actor, catalog: Catalog): void {
  if (!withinLength(target, USERNAME_MAX)) fail('invalid_request', `target_username must be at most ${USERNAME_MAX} characters.`);
  if (!/^[^,\s]+$/.test(target)) fail('invalid_request', 'target_username must be one username (no commas or spaces).');
  if (ENGINE_USERNAMES.has(target)) fail('invalid_request', `"${target}" is the engine's own name; choose a person.`);
  if (target === actor.username) fail('invalid_request', 'target_username is yourself; choose someone else.');
  const problem = notAssignable(catalog, target);
  if (problem) fail('invalid_request', `target_username ${problem}; choose an active user of the directory.`);
}

/** Validated values for `keys` (as stored, for conditions) and before/after pairs of what actually changes. */
export function fieldChanges(ticket: Ticket, ctx: TicketContext, keys: string[], values: Record<string, unknown>) {
  const collected = collectFieldValues(ctx.workflow, keys, ctx.catalog, values);
  if (!collected.ok) {
    return fail('invalid_field_value', joinFieldErrors(collected.errors), { fields: collected.errors.map((e) => e.field) });
  }
  const changes: FieldChanges = {};
  for (const [key, after] of Object.entries(collected.values)) {
    const before: FieldValue = key === 'title' ? ticket.title : (ticket.fields[key] ?? null);
    const value = key === 'title' ? (after ?? '') : after;
    if (before !== value) changes[key] = { before, after: value };
  }
  return { changes, values: collected.values };
}
