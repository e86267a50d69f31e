import { currentWorkflow, type Catalog } from '../domain/catalog/catalog.ts';
import { fail } from '../domain/errors.ts';
import { decideCreateTicket, type CreateTicket } from '../domain/ticket/create-ticket.ts';
import { ticketStream, type TicketEvent } from '../domain/ticket/events.ts';
import { evolveTicket, initialTicketState, type TicketState } from '../domain/ticket/ticket.ts';
import type { AppendResult, EventStore } from '../eventstore/event-store.ts';
import type { CatalogStore } from './catalog-store.ts';
import { aggregateStream, handleCommand, type Decider } from './handle-command.ts';
import { claimIdempotencyKey, replayIdempotentCreate } from './idempotency.ts';
import { reserveSn, reserveTicketId } from './ticket-numbers.ts';
import { limitWindow } from '../domain/ticket/creation-limits.ts';

export const ticketDecider: Decider<TicketState, TicketEvent> = {
  initialState: initialTicketState,
  evolve: evolveTicket,
};

export interface CommandDeps {
  store: EventStore;
  catalog: CatalogStore;
  clock: () => Date;
  random: () => number;
  /** Tickets of a workflow created since a moment (by one creator), for limit_expression. */
  countTickets: (query: { workflowId: number; since: Date; creator?: string }) => Promise<number>;
}

/** The command as the caller gives it; the handler adds numbers, the workflow version, time and chance. */
export type CreateTicketRequest = Omit<CreateTicket, 'ticketId' | 'sn' | 'workflow' | 'parentFields' | 'recentTicketCount' | 'now' | 'random'> & {
  workflowId: number;
  correlationId?: string;
  /** A retried create with the same key returns the first ticket instead of a new one. */
  idempotencyKey?: string;
};

export async function loadTicket(store: EventStore, ticketId: number) {
  return aggregateStream(store, ticketStream(ticketId), ticketDecider);
}

export interface CreatedTicket {
  ticketId: number;
  /** Where the ticket's creation is in the log, for read-your-writes. */
  appended: AppendResult;
  /** True when an Idempotency-Key matched an earlier create. */
  replayed: boolean;
}

export async function createTicket(deps: CommandDeps, request: CreateTicketRequest): Promise<CreatedTicket> {
  const { catalog } = await deps.catalog.current({ fresh: true });
  if (request.idempotencyKey) {
    const earlier = await replayIdempotentCreate(deps.store, request);
    if (earlier) return earlier;
  }
  const workflow =
    currentWorkflow(catalog, request.workflowId) ?? fail('workflow_not_found', `Workflow ${request.workflowId} does not exist.`);
  let parentFields: Record<string, unknown> = {};
  if (request.parentTicketId) {
    const parent = await loadTicket(deps.store, request.parentTicketId);
    if (parent.state.status === 'none') fail('ticket_not_found', `Parent ticket ${request.parentTicketId} does not exist.`);
    else parentFields = parent.state.ticket.fields;
  }
  const now = deps.clock();
  const random = deps.random();
  const window = limitWindow(workflow.definition.limit_expression, request.creator, now);
  const recentTicketCount = window ? await deps.countTickets({ workflowId: workflow.definition.id, ...window }) : 0;
  const command = (ticketId: number, sn: string): CreateTicket => ({
    ...request,
    ticketId,
    sn,
    workflow,
    parentFields,
    recentTicketCount,
    now,
    random,
  });
  // Decide once before reserving numbers, so that a refused request leaves no gap in the sn counter.
  decideCreateTicket(command(0, ''), initialTicketState(), catalog);
  const ticketId = await reserveTicketId(deps.store);
  if (request.idempotencyKey) {
    const earlier = await claimIdempotencyKey(deps.store, request, ticketId);
    if (earlier) return earlier;
  }
  const sn = await reserveSn(deps.store, snPrefix(catalog, request.app), now, ticketId);
  const result = await handleCommand(deps.store, ticketStream(ticketId), ticketDecider, (state) => decideCreateTicket(command(ticketId, sn), state, catalog), {
    metadata: { actor: request.creator, app: request.app, correlationId: request.correlationId, workflowVersion: workflow.version },
  });
  return { ticketId, appended: result.appended!, replayed: false };
}

const snPrefix = (catalog: Catalog, app: string) => catalog.apps.get(app)?.ticket_sn_prefix || 'loonflow';
