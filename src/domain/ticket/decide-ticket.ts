// Every action on an existing ticket (behaviour §3.5–§3.20, contract §5): pure decisions
// from the command, the ticket's events and the workflow version it was created with.
import { appMayUseWorkflow, viewerOf, type Catalog } from '../catalog/catalog.ts';
import { USERNAME_MAX, withinLength } from '../bounds.ts';
import { ENGINE_USERNAMES, notAssignable } from '../directory.ts';
import { fail } from '../errors.ts';
import { checkRequiredFields, collectFieldValues, joinFieldErrors, stateFieldRules, type FieldValue } from '../fields.ts';
import {
  ParticipantType,
  StateType,
  TransitionAttribute,
  endStateOf,
  startStateOf,
  stateById,
  transitionById,
  transitionsFrom,
  type StateDefinition,
  type TransitionDefinition,
  type WorkflowDefinition,
} from '../workflow.ts';
import { ENGINE, type TicketCommand } from './commands.ts';
import { checkSuggestion } from './create-ticket.ts';
import { conditionValues, destinationOf } from './routing.ts';
import { actStateAfterForcing, actStateAfterTransition, enterState, type EntryContext } from './entering-states.ts';
import type { Actor, Assignment, FieldChanges, TicketEvent } from './events.ts';
import { canView, handlePermission, isTicketAdmin, type WorkflowGrants } from './permissions.ts';
import { ActState, type Ticket, type TicketState } from './ticket.ts';

export interface TicketContext extends EntryContext {
  /** The workflow version the ticket was created with: its states, transitions and fields. */
  workflow: WorkflowDefinition;
  /** Who administers and may view the workflow, from its current version. */
  grants: WorkflowGrants;
  now: Date;
}

const person = (stateId: number, username: string): Assignment => ({ stateId, participantTypeId: 1, participant: username, multiAllPerson: {} });

function currentState(ticket: Ticket, wf: WorkflowDefinition): StateDefinition {
  return stateById(wf, ticket.assignment.stateId) ?? fail('state_not_found', `Ticket ${ticket.id} is in state ${ticket.assignment.stateId}, which its workflow no longer has.`);
}

/** Nothing but admin actions can happen in a state without transitions (an end state). */
function assertActionable(ticket: Ticket, wf: WorkflowDefinition, state: StateDefinition) {
  if (transitionsFrom(wf, state.id).length === 0) {
    fail('wrong_state', `Ticket ${ticket.id} is in state "${state.name}", where nothing more can be done.`);
  }
}

function assertAssignee(ticket: Ticket, wf: WorkflowDefinition, actor: Actor) {
  const permission = handlePermission(wf, ticket, actor.username);
  if (!permission.permission) fail('not_permitted', `User "${actor.username}" is not a current participant of ticket ${ticket.id}.`);
  return permission;
}

function assertTicketAdmin(ticket: Ticket, ctx: TicketContext, actor: Actor, action: string) {
  if (!isTicketAdmin(viewerOf(ctx.catalog, actor.username), ctx.grants)) {
    fail('not_permitted', `Only a super admin or an admin of workflow ${ctx.workflow.id} may ${action} ticket ${ticket.id}.`);
  }
}

/** A deliver or add_node target: one active user of the directory, not the caller, not the engine. */
function checkTarget(target: string, actor: Actor, catalog: Catalog) {
  if (!withinLength(target, USERNAME_MAX)) fail('invalid_request', `target_username must be at most ${USERNAME_MAX} characters.`);
  if (!/^[^,\s]+$/.test(target)) fail('invalid_request', 'target_username must be one username (no commas or spaces).');
  if (ENGINE_USERNAMES.has(target)) fail('invalid_request', `"${target}" is the engine's own name; choose a person.`);
  if (target === actor.username) fail('invalid_request', 'target_username is yourself; choose someone else.');
  const problem = notAssignable(catalog, target);
  if (problem) fail('invalid_request', `target_username ${problem}; choose an active user of the directory.`);
}

/** The ticket's columns as conditions see them. */
const columnsOf = (ticket: Ticket) => ({
  id: ticket.id,
  sn: ticket.sn,
  title: ticket.title,
  creator: ticket.creator,
  workflow_id: ticket.workflowId,
  state_id: ticket.assignment.stateId,
  parent_ticket_id: ticket.parentTicketId,
  parent_ticket_state_id: ticket.parentTicketStateId,
  act_state_id: ticket.actStateId,
});

/** Validated values for `keys` (as stored, for conditions) and before/after pairs of what actually changes. */
function fieldChanges(ticket: Ticket, ctx: TicketContext, keys: string[], values: Record<string, unknown>) {
  const wf = ctx.workflow;
  const collected = collectFieldValues(wf, keys, ctx.catalog, values);
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

const common = (command: TicketCommand, ctx: TicketContext, suggestion = '') => ({
  ticketId: command.ticketId,
  actor: command.actor,
  suggestion,
  at: ctx.now.toISOString(),
});

function decideHandle(
  command: Extract<TicketCommand, { type: 'HandleTicket' }>,
  ticket: Ticket,
  ctx: TicketContext,
): TicketEvent[] {
  const wf = ctx.workflow;
  const state = currentState(ticket, wf);
  assertActionable(ticket, wf, state);
  if (!command.actor.engine) {
    const permission = assertAssignee(ticket, wf, command.actor);
    if (permission.needAccept) fail('wrong_state', `Ticket ${ticket.id} has several assignees; accept it first (POST .../accept).`);
    if (permission.inAddNode) fail('wrong_state', `Ticket ${ticket.id} is out for consultation; only add_node_end is possible now.`);
  }
  const transition =
    transitionById(wf, command.transitionId) ?? fail('transition_not_found', `Transition ${command.transitionId} does not exist in workflow ${wf.id}.`);
  if (transition.source_state_id !== state.id) {
    fail('wrong_state', `Transition ${transition.id} ("${transition.name}") does not start at the ticket's current state "${state.name}".`);
  }
  checkSuggestion(command.suggestion);
  const rules = stateFieldRules(state, wf);
  if (transition.field_require_check) {
    const missing = checkRequiredFields(rules.required, command.values);
    if (missing.length > 0) fail('required_fields_missing', `Required fields are missing: ${missing.join(', ')}.`, { fields: missing });
  }
  const { changes, values: normalized } = fieldChanges(ticket, ctx, rules.writable, command.values);
  const fieldsAfter: Record<string, unknown> = { ...ticket.fields };
  for (const [key, { after }] of Object.entries(changes)) fieldsAfter[key] = after;

  const handled = (assignment: Assignment, actStateId: number, moved: boolean): TicketEvent[] => [
    {
      type: 'TicketHandled',
      data: {
        ...common(command, ctx, command.suggestion),
        transitionId: transition.id,
        fromStateId: state.id,
        fieldChanges: changes,
        assignment,
        actStateId,
        moved,
      },
    },
  ];
  const move = () => {
    const destinationId = destinationOf(transition, conditionValues(columnsOf(ticket), fieldsAfter, wf, normalized));
    const destination =
      stateById(wf, destinationId) ?? fail('state_not_found', `Transition ${transition.id} leads to state ${destinationId}, which does not exist.`);
    const assignment = enterState(ticket, destination, fieldsAfter, ctx);
    return handled(assignment, actStateAfterTransition(destination, transition.attribute_type_id), true);
  };

  const round = ticket.assignment.multiAllPerson;
  if (command.actor.engine || !Object.hasOwn(round, command.actor.username)) return move();
  // All must handle: record this choice; move only when everyone chose the same transition.
  const choices = { ...round, [command.actor.username]: { transition_id: transition.id, transition_name: transition.name } };
  const pending = Object.keys(choices).filter((u) => choices[u].transition_id === undefined);
  // Loonflow recomputes act_state even when the ticket stays: one reject among the choices shows as rejected.
  const stayActState = transition.attribute_type_id === TransitionAttribute.reject ? ActState.rejected : ActState.inProgress;
  if (pending.length > 0) {
    return handled({ ...ticket.assignment, participantTypeId: 2, participant: pending.join(','), multiAllPerson: choices }, stayActState, false);
  }
  if (Object.values(choices).every((c) => c.transition_id === transition.id)) return move();
  // Contract Q9: different choices start a new round with every assignee, nothing recorded.
  // Nothing was sent back, so the ticket is in progress (1) even if the last choice was a reject.
  const everyone = Object.keys(choices);
  return handled(
    { ...ticket.assignment, participantTypeId: 2, participant: everyone.join(','), multiAllPerson: Object.fromEntries(everyone.map((u) => [u, {}])) },
    ActState.inProgress,
    false,
  );
}

function firstTransition(wf: WorkflowDefinition, state: StateDefinition): TransitionDefinition {
  return transitionsFrom(wf, state.id)[0] ?? fail('wrong_state', `State "${state.name}" has no transition to continue with.`);
}

export function decideTicket(command: TicketCommand, state: TicketState, ctx: TicketContext): TicketEvent[] {
  if (state.status !== 'open') return fail('ticket_not_found', `Ticket ${command.ticketId} does not exist.`);
  const ticket = state.ticket;
  const wf = ctx.workflow;
  const app = ctx.catalog.apps.get(command.app);
  if (!app || !appMayUseWorkflow(app, ticket.workflowId)) {
    fail('app_not_allowed', `App "${command.app}" has no permission for workflow ${ticket.workflowId}.`);
  }
  const current = currentState(ticket, wf);
  const base = common(command, ctx);

  switch (command.type) {
    case 'HandleTicket':
      return decideHandle(command, ticket, ctx);

    case 'AcceptTicket': {
      assertActionable(ticket, wf, current);
      const permission = assertAssignee(ticket, wf, command.actor);
      if (!permission.needAccept) fail('wrong_state', `Ticket ${ticket.id} has a single assignee or is handled directly; there is nothing to accept.`);
      return [
        {
          type: 'TicketAccepted',
          data: { ...base, suggestion: '接单处理', stateId: current.id, assignment: person(current.id, command.actor.username) },
        },
      ];
    }

    case 'DeliverTicket': {
      assertActionable(ticket, wf, current);
      checkSuggestion(command.suggestion);
      if (command.fromAdmin) assertTicketAdmin(ticket, ctx, command.actor, 'deliver');
      else assertAssignee(ticket, wf, command.actor);
      checkTarget(command.target, command.actor, ctx.catalog);
      const round = ticket.assignment.multiAllPerson;
      let assignment = person(current.id, command.target);
      // In an "all must handle" round an assignee hands over only their own part.
      if (!command.fromAdmin && Object.hasOwn(round, command.actor.username)) {
        if (Object.hasOwn(round, command.target)) {
          fail('invalid_request', `"${command.target}" already has a part in this round; deliver to someone outside it.`);
        }
        const choices = Object.fromEntries(Object.entries(round).map(([u, c]) => (u === command.actor.username ? [command.target, c] : [u, c])));
        const pending = Object.keys(choices).filter((u) => choices[u].transition_id === undefined);
        assignment = { ...ticket.assignment, participantTypeId: 2, participant: pending.join(','), multiAllPerson: choices };
      }
      return [
        {
          type: 'TicketDelivered',
          data: { ...base, suggestion: command.suggestion, stateId: current.id, target: command.target, fromAdmin: command.fromAdmin, assignment },
        },
      ];
    }

    case 'AddNode': {
      assertActionable(ticket, wf, current);
      checkSuggestion(command.suggestion);
      const permission = assertAssignee(ticket, wf, command.actor);
      if (permission.needAccept) fail('wrong_state', `Ticket ${ticket.id} has several assignees; accept it before adding someone.`);
      if (permission.inAddNode) fail('wrong_state', `Ticket ${ticket.id} is already out for consultation; finish it with add_node_end first.`);
      checkTarget(command.target, command.actor, ctx.catalog);
      return [
        {
          type: 'TicketNodeAdded',
          data: {
            ...base,
            suggestion: command.suggestion,
            stateId: current.id,
            target: command.target,
            assignment: person(current.id, command.target),
            previousAssignment: ticket.assignment,
          },
        },
      ];
    }

    case 'EndAddNode': {
      checkSuggestion(command.suggestion);
      if (!ticket.inAddNode) fail('wrong_state', `Ticket ${ticket.id} is not out for consultation; there is nothing to finish.`);
      assertAssignee(ticket, wf, command.actor);
      return [
        {
          type: 'TicketNodeAddEnded',
          data: {
            ...base,
            suggestion: command.suggestion,
            stateId: current.id,
            assignment: ticket.assignmentBeforeAddNode ?? person(current.id, ticket.addNodeMan),
          },
        },
      ];
    }

    case 'ForceState': {
      checkSuggestion(command.suggestion);
      assertTicketAdmin(ticket, ctx, command.actor, 'change the state of');
      const destination =
        stateById(wf, command.stateId) ?? fail('state_not_found', `State ${command.stateId} is not a state of workflow ${wf.id}.`);
      return [
        {
          type: 'TicketStateForced',
          data: {
            ...base,
            suggestion: command.suggestion,
            fromStateId: current.id,
            assignment: enterState(ticket, destination, ticket.fields, ctx),
            actStateId: actStateAfterForcing(destination, ticket.actStateId),
          },
        },
      ];
    }

    case 'ChangeFields': {
      const keys = Object.keys(command.values);
      if (keys.length === 0) fail('invalid_request', 'Send at least one field to change, as {"field_key": value}.');
      const admin = isTicketAdmin(viewerOf(ctx.catalog, command.actor.username), ctx.grants);
      if (!admin && !handlePermission(wf, ticket, command.actor.username).permission) {
        fail('not_permitted', `Only a current participant or an admin of workflow ${wf.id} may change the fields of ticket ${ticket.id}.`);
      }
      // Admins may correct any field; an assignee only what the current state lets them write.
      const allowed = admin ? ['title', ...wf.custom_fields.map((f) => f.field_key)] : stateFieldRules(current, wf).writable;
      const refused = keys.filter((k) => !allowed.includes(k));
      if (refused.length > 0) {
        fail('invalid_request', `These fields cannot be changed here: ${refused.join(', ')}. Changeable: ${allowed.join(', ') || 'none'}.`, {
          fields: refused,
        });
      }
      const { changes } = fieldChanges(ticket, ctx, keys, command.values);
      if (Object.keys(changes).length === 0) return [];
      return [{ type: 'TicketFieldsChanged', data: { ...base, stateId: current.id, fieldChanges: changes } }];
    }

    case 'CommentTicket': {
      if (command.suggestion.trim() === '') fail('invalid_request', 'suggestion must be a non-empty comment.');
      checkSuggestion(command.suggestion);
      if (!canView(ctx.grants, wf, ticket, viewerOf(ctx.catalog, command.actor.username))) {
        fail('not_permitted', `User "${command.actor.username}" may not see ticket ${ticket.id}, so may not comment on it.`);
      }
      return [{ type: 'TicketCommented', data: { ...base, suggestion: command.suggestion, stateId: current.id } }];
    }

    case 'CloseTicket': {
      checkSuggestion(command.suggestion);
      if (ticket.actStateId === ActState.closed || ticket.actStateId === ActState.finished || current.type_id === StateType.end) {
        fail('wrong_state', `Ticket ${ticket.id} has already ended.`);
      }
      const creatorAtStart = command.actor.username === ticket.creator && current.type_id === StateType.start;
      if (!creatorAtStart && !isTicketAdmin(viewerOf(ctx.catalog, command.actor.username), ctx.grants)) {
        fail('not_permitted', `Only the creator (while the ticket is at its start state) or an admin of workflow ${wf.id} may close ticket ${ticket.id}.`);
      }
      const end = endStateOf(wf) ?? fail('state_not_found', `Workflow ${wf.id} has no end state to close into.`);
      return [
        {
          type: 'TicketClosed',
          data: {
            ...base,
            suggestion: command.suggestion,
            fromStateId: current.id,
            assignment: { stateId: end.id, participantTypeId: ParticipantType.none, participant: '', multiAllPerson: {} },
          },
        },
      ];
    }

    case 'RetreatTicket': {
      checkSuggestion(command.suggestion);
      if (command.actor.username !== ticket.creator) fail('not_permitted', `Only the creator of ticket ${ticket.id} may withdraw it.`);
      if (!current.enable_retreat) fail('wrong_state', `Ticket ${ticket.id} cannot be withdrawn in state "${current.name}".`);
      const start = startStateOf(wf) ?? fail('state_not_found', `Workflow ${wf.id} has no start state.`);
      return [
        { type: 'TicketRetreated', data: { ...base, suggestion: command.suggestion, fromStateId: current.id, assignment: person(start.id, ticket.creator) } },
      ];
    }

    case 'ReceiveHookResult': {
      if (ticket.assignment.participantTypeId !== ParticipantType.hook) {
        fail('wrong_state', `Ticket ${ticket.id} is not waiting for a hook; the callback changes nothing.`);
      }
      checkSuggestion(command.message, 'msg');
      if (!command.result) {
        return [{ type: 'TicketHookFailed', data: { ...base, actor: { username: 'hook', engine: true }, suggestion: command.message, stateId: current.id } }];
      }
      return decideHandle(
        {
          type: 'HandleTicket',
          ticketId: ticket.id,
          actor: ENGINE,
          app: command.app,
          transitionId: firstTransition(wf, current).id,
          suggestion: command.message,
          values: command.fieldValues,
        },
        ticket,
        ctx,
      );
    }

    case 'RetryAutomation': {
      const type = ticket.assignment.participantTypeId;
      if (type !== ParticipantType.script && type !== ParticipantType.hook) {
        fail('wrong_state', `Ticket ${ticket.id} is not waiting for a script or a hook; there is nothing to retry.`);
      }
      return [{ type: 'TicketRetryRequested', data: { ...base, stateId: current.id } }];
    }
  }
}
