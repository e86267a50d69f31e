// A ticket's stream folded into its state: the decider every ticket command runs with.
import { decodeTicketEvent } from '../domain/ticket/decode.ts';
import { ticketStream } from '../domain/ticket/events.ts';
import { evolveTicket } from '../domain/ticket/evolve.ts';
import type { TicketEvent } from '../domain/ticket/ticket-actions.ts';
import { initialTicketState, type TicketState } from '../domain/ticket/ticket.ts';
import type { EventStore } from '../eventstore/event-store.ts';
import { aggregateStream, type Decider } from './handle-command.ts';

export const ticketDecider: Decider<TicketState, TicketEvent> = {
  initialState: initialTicketState,
  evolve: evolveTicket,
  decode: decodeTicketEvent,
};

export async function loadTicket(store: EventStore, ticketId: number) {
  return aggregateStream(store, ticketStream(ticketId), ticketDecider);
}
