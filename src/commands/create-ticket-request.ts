// A ticket creation as the caller asks for it, and what it answers.
import type { CreateTicket } from '../domain/ticket/create-ticket.ts';
import type { AppendResult } from '../eventstore/event-store.ts';

/** The command as the caller gives it; the handler adds numbers, the workflow version, time and chance. */
export type CreateTicketRequest = Omit<
  CreateTicket,
  'ticketId' | 'sn' | 'workflow' | 'parentFields' | 'recentTicketCount' | 'now' | 'random'
> & {
  workflowId: number;
  correlationId?: string;
  /** A retried create with the same key returns the first ticket instead of a new one. */
  idempotencyKey?: string;
};

export interface CreatedTicket {
  ticketId: number;
  /** Where the ticket's creation is in the log, for read-your-writes. */
  appended: AppendResult;
  /** True when an Idempotency-Key matched an earlier create. */
  replayed: boolean;
}
