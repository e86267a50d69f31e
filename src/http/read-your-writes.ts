// Read-your-writes at the edge: a command answers once every read model has its events.
// When they cannot show it (lagging, or the ticket parked by a projection) the answer still
// says what was saved, so that a caller reads it later instead of retrying the change.
import type { FastifyInstance } from 'fastify';
import { DomainError } from '../domain/errors.ts';
import { positionToString, type LogPosition } from '../eventstore/event-store.ts';
import { SavedChangeNotVisible, type SavedChange } from './errors.ts';

/** Why a ticket's read models are stale: a projection parked one of its events. */
export interface TicketStall {
  projection: string;
  position: LogPosition;
  eventType: string;
}

export interface ReadModelWatch {
  /** Resolves once every read model has passed the position. */
  waitForProjections(position: LogPosition): Promise<void>;
  /** Set when a projection has parked one of the ticket's events. */
  ticketStall(ticketId: number): TicketStall | undefined;
}

const stalled = (ticketId: number, stall: TicketStall, saved?: SavedChange): DomainError => {
  const message =
    `Ticket ${ticketId} is stalled: the ${stall.projection} read model could not apply its ${stall.eventType} event at ` +
    `${positionToString(stall.position)} and set the ticket aside (other tickets are not affected). ` +
    `${saved ? 'The change was saved. ' : ''}An operator sees the error with "flowledger projections status" and replays it with "flowledger projections retry".`;
  const details = { projection: stall.projection, position: positionToString(stall.position), event_type: stall.eventType };
  return saved ? new SavedChangeNotVisible('ticket_stalled', message, saved, details) : new DomainError('ticket_stalled', message, details);
};

/** Waits until the read models show the change, or refuses with what was saved. */
export async function awaitReadModels(deps: ReadModelWatch, position: LogPosition, saved: SavedChange): Promise<void> {
  try {
    await deps.waitForProjections(position);
  } catch (error) {
    if (error instanceof DomainError && error.code === 'read_model_lagging') {
      throw new SavedChangeNotVisible(error.code, `${error.message} Ticket ${saved.ticketId} is at revision ${saved.revision}.`, saved);
    }
    throw error;
  }
  const stall = deps.ticketStall(saved.ticketId);
  if (stall) throw stalled(saved.ticketId, stall, saved);
}

/** Every /tickets/:id route answers 503 for a parked ticket instead of showing stale rows or acting on them. */
export function registerStalledTickets(app: FastifyInstance, deps: ReadModelWatch): void {
  app.addHook('preHandler', async (request) => {
    if (!request.routeOptions.url?.startsWith('/api/v1.0/tickets/:id')) return;
    const ticketId = Number((request.params as { id?: unknown }).id);
    if (!Number.isSafeInteger(ticketId)) return;
    const stall = deps.ticketStall(ticketId);
    if (stall) throw stalled(ticketId, stall);
  });
}
