// POST /tickets/{id}/comments: anyone who may view the ticket may comment (behaviour §3.14).
import { viewerOf } from '../../catalog/catalog.ts';
import { fail } from '../../errors.ts';
import type { TicketCommandOf } from '../commands.ts';
import type { TicketContext } from '../context.ts';
import { eventCommon, type TicketEventOf } from '../events.ts';
import { checkSuggestion, currentState } from '../guards.ts';
import { canView } from '../permissions.ts';
import type { Ticket } from '../ticket.ts';
import { flowLogIn, type FlowLogKind, type TicketAction } from './action.ts';

export type CommentTicket = TicketCommandOf<'CommentTicket', { suggestion: string }>;

export type TicketCommented = TicketEventOf<'TicketCommented', { stateId: number }>;

const COMMENT_LOG: FlowLogKind = { interveneTypeId: 5, name: '新增评论' };

function decide(command: CommentTicket, ticket: Ticket, ctx: TicketContext): TicketCommented[] {
  if (command.suggestion.trim() === '') fail('invalid_request', 'suggestion must be a non-empty comment.');
  checkSuggestion(command.suggestion);
  if (!canView(ctx.grants, ctx.workflow, ticket, viewerOf(ctx.catalog, command.actor.username))) {
    fail('not_permitted', `User "${command.actor.username}" may not see ticket ${ticket.id}, so may not comment on it.`);
  }
  return [
    {
      type: 'TicketCommented',
      data: { ...eventCommon(command, ctx.now, command.suggestion), stateId: currentState(ticket, ctx.workflow).id },
    },
  ];
}

export const comment: TicketAction<CommentTicket, TicketCommented> = {
  flowLogKind: COMMENT_LOG,
  decide,
  events: {
    TicketCommented: {
      // A comment is not working the ticket, so it is not remembered as the state's last man.
      evolve: (ticket) => ticket,
      flowLog: ({ data }) => flowLogIn(COMMENT_LOG, data.stateId, data),
    },
  },
};
