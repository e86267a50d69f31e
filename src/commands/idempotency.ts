// Idempotency-Key on ticket creation: the first request claims the key in a stream of its
// own (expected revision "no stream"), so a retry, even a concurrent one, gets the same ticket.
import { createHash } from 'node:crypto';
import { DomainError, fail } from '../domain/errors.ts';
import { ticketStream } from '../domain/ticket/events.ts';
import { WrongExpectedRevisionError, type EventStore, type RecordedEvent } from '../eventstore/event-store.ts';
import type { CreatedTicket, CreateTicketRequest } from './create-ticket.ts';

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
      ? Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]))
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

async function replay(store: EventStore, request: CreateTicketRequest, claimed: RecordedEvent): Promise<CreatedTicket> {
  const claim = claimed.data as Claim;
  if (claim.fingerprint !== fingerprint(request)) {
    fail('idempotency_key_reused', 'This Idempotency-Key was already used for a different request; use a new key for a new ticket.');
  }
  // The first request may still be writing the ticket it claimed the key for.
  for (let attempt = 0; attempt < 100; attempt++) {
    const events = await store.readStream(ticketStream(claim.ticketId));
    if (events.length > 0) {
      const last = events[events.length - 1];
      return { ticketId: claim.ticketId, appended: { nextExpectedRevision: last.revision, position: last.position }, replayed: true };
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new DomainError('concurrent_change', 'A request with this Idempotency-Key is still being processed; retry shortly.');
}

/** The ticket an earlier request with this key created, if any. */
export async function replayIdempotentCreate(store: EventStore, request: CreateTicketRequest): Promise<CreatedTicket | undefined> {
  const [claimed] = await store.readStream(keyStream(request));
  return claimed ? replay(store, request, claimed) : undefined;
}

/** Claims the key for `ticketId`; when another request got there first, its ticket. */
export async function claimIdempotencyKey(store: EventStore, request: CreateTicketRequest, ticketId: number): Promise<CreatedTicket | undefined> {
  const claim: Claim = { ticketId, fingerprint: fingerprint(request) };
  try {
    await store.appendToStream(keyStream(request), [{ type: 'IdempotencyKeyClaimed', data: claim, metadata: { actor: request.creator, app: request.app } }], {
      expectedRevision: 'no_stream',
    });
    return undefined;
  } catch (error) {
    if (!(error instanceof WrongExpectedRevisionError)) throw error;
    const [claimed] = await store.readStream(keyStream(request));
    return replay(store, request, claimed);
  }
}
