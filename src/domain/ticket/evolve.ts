// A ticket folded from its stream: the creation opens it, each later event changes it as
// its action says (ticket-actions.ts).
import { createdTicket } from './create-ticket.ts';
import { ruleOf, type TicketEvent } from './ticket-actions.ts';
import type { TicketState } from './ticket.ts';

export function evolveTicket(state: TicketState, event: TicketEvent): TicketState {
  if (event.type === 'TicketCreated') return { status: 'open', ticket: createdTicket(event.data) };
  if (state.status !== 'open') return state;
  return { status: 'open', ticket: { ...ruleOf(event).evolve(state.ticket, event), modifiedAt: event.data.at } };
}
