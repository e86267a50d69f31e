// Audit replay: a ticket as it was after each of its events, folded from the log alone.
import { workflowVersion, type Catalog } from '../domain/catalog/catalog.ts';
import { decodeTicketEvent } from '../domain/ticket/decode.ts';
import { ticketStream } from '../domain/ticket/events.ts';
import { evolveTicket } from '../domain/ticket/evolve.ts';
import { initialTicketState, type Ticket } from '../domain/ticket/ticket.ts';
import { stateById } from '../domain/workflow.ts';
import type { EventStore } from '../eventstore/event-store.ts';

export interface ReplayStep {
  revision: number;
  recordedAt: string;
  type: string;
  actor: string;
  app: string;
  correlationId: string;
  suggestion: string;
  /** The ticket right after this event. */
  ticket: Ticket & { stateName: string };
}

export async function replayTicket(
  store: EventStore,
  catalog: Catalog,
  ticketId: number,
  options: { at?: Date } = {},
): Promise<ReplayStep[]> {
  const events = await store.readStream(ticketStream(ticketId));
  let state = initialTicketState();
  const steps: ReplayStep[] = [];
  for (const recorded of events) {
    if (options.at && recorded.recordedAt > options.at) break;
    const event = decodeTicketEvent(recorded.type, recorded.data);
    if (event) state = evolveTicket(state, event);
    if (state.status !== 'open') continue;
    const ticket = state.ticket;
    const workflow = workflowVersion(catalog, ticket.workflowId, ticket.workflowVersion)?.definition;
    steps.push({
      revision: Number(recorded.revision),
      recordedAt: recorded.recordedAt.toISOString(),
      type: recorded.type,
      actor: String(recorded.metadata.actor ?? ''),
      app: String(recorded.metadata.app ?? ''),
      correlationId: String(recorded.metadata.correlationId ?? ''),
      suggestion: event && 'suggestion' in event.data ? String(event.data.suggestion) : '',
      ticket: { ...ticket, stateName: (workflow && stateById(workflow, ticket.assignment.stateId)?.name) ?? '' },
    });
  }
  return steps;
}
