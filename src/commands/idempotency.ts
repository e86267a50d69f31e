// Idempotency-Key on ticket creation: the first request claims the key in a stream of its
// own (expected revision "no stream") for the ticket id it reserved. A retry, even a
// concurrent one, returns that ticket, or finishes creating it when the first request died
// between the claim and the ticket.
import { createHash } from 'node:crypto';
import { fail } from '../domain/errors.ts';
import { ticketStream } from '../domain/ticket/events.ts';
import { WrongExpectedRevisionError, type EventStore, type RecordedEvent } from '../eventstore/event-store.ts';
import type { CreatedTicket, CreateTicketRequest } from './create-ticket-request.ts';

interface Claim {
  ticketId: number;
  fingerprint: string;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const keyStream = (request: CreateTicketRequest) => `ticket_idempotency-${request.app}-${sha256(request.idempotencyKey!).slice(0, 40)}`;

/** Key order must not matter: a client may serialise the same body differently on retry. */
const canonical = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(canonical)
    : value && typeof value === 'object'
      ? Object.fromEntries(
          Object.keys(value)
            .sort()
            .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
        )
      : value;

const fingerprint = (r: CreateTicketRequest) =>
  sha256(
    JSON.stringify(
      canonical({
        workflowId: r.workflowId,
        transitionId: r.transitionId,
        creator: r.creator,
        suggestion: r.suggestion,
        values: r.values,
        parentTicketId: r.parentTicketId,
        parentTicketStateId: r.parentTicketStateId,
      }),
    ),
  );

function checked(request: CreateTicketRequest, claimed: RecordedEvent): number {
  const claim = claimed.data as Claim;
  if (claim.fingerprint !== fingerprint(request)) {
    fail('idempotency_key_reused', 'This Idempotency-Key was already used for a different request; use a new key for a new ticket.');
  }
  return claim.ticketId;
}

/** The ticket id an earlier request with this key claimed, if any. */
export async function claimedTicketId(store: EventStore, request: CreateTicketRequest): Promise<number | undefined> {
  const [claimed] = await store.readStream(keyStream(request));
  return claimed ? checked(request, claimed) : undefined;
}

/** Claims the key for `ticketId`; returns the id that holds the key (another request's when it was first). */
export async function claimIdempotencyKey(store: EventStore, request: CreateTicketRequest, ticketId: number): Promise<number> {
  const claim: Claim = { ticketId, fingerprint: fingerprint(request) };
  try {
    await store.appendToStream(
      keyStream(request),
      [{ type: 'IdempotencyKeyClaimed', data: claim, metadata: { actor: request.creator, app: request.app } }],
      {
        expectedRevision: 'no_stream',
      },
    );
    return ticketId;
  } catch (error) {
    if (!(error instanceof WrongExpectedRevisionError)) throw error;
    const [claimed] = await store.readStream(keyStream(request));
    return checked(request, claimed);
  }
}

/** The ticket as created by an earlier request, or undefined while it does not exist yet. */
export async function existingTicket(store: EventStore, ticketId: number): Promise<CreatedTicket | undefined> {
  const events = await store.readStream(ticketStream(ticketId));
  if (events.length === 0) return undefined;
  const last = events[events.length - 1];
  return { ticketId, appended: { nextExpectedRevision: last.revision, position: last.position }, replayed: true };
}

/**
 * The ticket another request claimed the key for: usually it appears within moments. Only
 * when it does not (that request died) does the caller finish the creation itself.
 */
export async function awaitTicket(store: EventStore, ticketId: number, waitMs = 2000): Promise<CreatedTicket | undefined> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const found = await existingTicket(store, ticketId);
    if (found || Date.now() >= deadline) return found;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
