// PATCH /tickets/{id}/fields: correct field values without moving the ticket (contract §5).
import { fail } from '../../errors.ts';
import { stateFieldRules } from '../../fields.ts';
import type { TicketCommandOf } from '../commands.ts';
import type { TicketContext } from '../context.ts';
import { eventCommon, type FieldChanges, type TicketEventOf } from '../events.ts';
import { currentState, fieldChanges, isAdminOf } from '../guards.ts';
import { handlePermission } from '../permissions.ts';
import { withFieldChanges, type Ticket } from '../ticket.ts';
import { flowLogIn, type FlowLogKind, type TicketAction } from './action.ts';

export type ChangeFields = TicketCommandOf<'ChangeFields', { values: Record<string, unknown> }>;

export type TicketFieldsChanged = TicketEventOf<'TicketFieldsChanged', { stateId: number; fieldChanges: FieldChanges }>;

const FIELD_CHANGE_LOG: FlowLogKind = { interveneTypeId: 11, name: '修改字段' };

function decide(command: ChangeFields, ticket: Ticket, ctx: TicketContext): TicketFieldsChanged[] {
  const wf = ctx.workflow;
  const keys = Object.keys(command.values);
  if (keys.length === 0) fail('invalid_request', 'Send at least one field to change, as {"field_key": value}.');
  const admin = isAdminOf(ctx, command.actor);
  if (!admin && !handlePermission(wf, ticket, command.actor.username).permission) {
    fail('not_permitted', `Only a current participant or an admin of workflow ${wf.id} may change the fields of ticket ${ticket.id}.`);
  }
  const state = currentState(ticket, wf);
  // Admins may correct any field; an assignee only what the current state lets them write.
  const allowed = admin ? ['title', ...wf.custom_fields.map((f) => f.field_key)] : stateFieldRules(state, wf).writable;
  const refused = keys.filter((k) => !allowed.includes(k));
  if (refused.length > 0) {
    fail('invalid_request', `These fields cannot be changed here: ${refused.join(', ')}. Changeable: ${allowed.join(', ') || 'none'}.`, {
      fields: refused,
    });
  }
  const { changes } = fieldChanges(ticket, ctx, keys, command.values);
  if (Object.keys(changes).length === 0) return [];
  return [{ type: 'TicketFieldsChanged', data: { ...eventCommon(command, ctx.now), stateId: state.id, fieldChanges: changes } }];
}

export const changeFields: TicketAction<ChangeFields, TicketFieldsChanged> = {
  flowLogKind: FIELD_CHANGE_LOG,
  decide,
  events: {
    TicketFieldsChanged: {
      evolve: (ticket, { data }) => withFieldChanges(ticket, data.fieldChanges),
      flowLog: ({ data }) => flowLogIn(FIELD_CHANGE_LOG, data.stateId, data),
    },
  },
};
