// Creates a ticket: reserve its id and sn, claim the Idempotency-Key, decide, append.
import { appMayUseWorkflow, currentWorkflow, workflowVersion, type Catalog } from '../domain/catalog/catalog.ts';
import { DomainError, fail } from '../domain/errors.ts';
import { decideCreateTicket, type CreateTicket } from '../domain/ticket/create-ticket.ts';
import { limitWindow } from '../domain/ticket/creation-limits.ts';
import { ticketStream } from '../domain/ticket/events.ts';
import { initialTicketState } from '../domain/ticket/ticket.ts';
import type { CommandDeps } from './command-deps.ts';
import type { CreatedTicket, CreateTicketRequest } from './create-ticket-request.ts';
import { handleCommand } from './handle-command.ts';
import { awaitTicket, claimedTicketId, claimIdempotencyKey, existingTicket } from './idempotency.ts';
import { loadTicket, ticketDecider } from './ticket-stream.ts';
import { reserveSn, reserveTicketId } from './ticket-numbers.ts';

export async function createTicket(deps: CommandDeps, request: CreateTicketRequest): Promise<CreatedTicket> {
  const { catalog } = await deps.catalog.current({ fresh: true });
  // A retry returns the ticket its key stands for, or finishes creating it.
  let ticketId = request.idempotencyKey ? await claimedTicketId(deps.store, request) : undefined;
  if (ticketId !== undefined) {
    const earlier = await awaitTicket(deps.store, ticketId);
    if (earlier) return earlier;
  }
  const workflow =
    currentWorkflow(catalog, request.workflowId) ?? fail('workflow_not_found', `Workflow ${request.workflowId} does not exist.`);
  const parentFields = request.parentTicketId ? await parentTicketFields(deps, catalog, request) : {};
  const now = deps.clock();
  const random = deps.random();
  const window = limitWindow(workflow.definition.limit_expression, request.creator, now);
  const recentTicketCount = window ? await deps.countTickets({ workflowId: workflow.definition.id, ...window }) : 0;
  const command = (id: number, sn: string): CreateTicket => ({
    ...request,
    ticketId: id,
    sn,
    workflow,
    parentFields,
    recentTicketCount,
    now,
    random,
  });
  // Decide once before reserving numbers, so that a refused request leaves no gap in the sn counter.
  decideCreateTicket(command(0, ''), initialTicketState(), catalog);
  if (ticketId === undefined) {
    ticketId = await reserveTicketId(deps.store);
    if (request.idempotencyKey) {
      const reserved = ticketId;
      ticketId = await claimIdempotencyKey(deps.store, request, reserved);
      const earlier = ticketId === reserved ? undefined : await awaitTicket(deps.store, ticketId);
      if (earlier) return earlier;
    }
  }
  const id = ticketId;
  const sn = await reserveSn(deps.store, snPrefix(catalog, request.app), now, id);
  try {
    const result = await handleCommand(
      deps.store,
      ticketStream(id),
      ticketDecider,
      (state) => decideCreateTicket(command(id, sn), state, catalog),
      {
        metadata: { actor: request.creator, app: request.app, correlationId: request.correlationId, workflowVersion: workflow.version },
      },
    );
    return { ticketId: id, appended: result.appended!, replayed: false };
  } catch (error) {
    // A concurrent retry with the same key created it first.
    const earlier = request.idempotencyKey && error instanceof DomainError ? await existingTicket(deps.store, id) : undefined;
    if (earlier) return earlier;
    throw error;
  }
}

/** The parent's field values, once it is known to be a ticket this app may use, in the state given. */
async function parentTicketFields(deps: CommandDeps, catalog: Catalog, request: CreateTicketRequest): Promise<Record<string, unknown>> {
  const parent = await loadTicket(deps.store, request.parentTicketId);
  if (parent.state.status === 'none') return fail('ticket_not_found', `Parent ticket ${request.parentTicketId} does not exist.`);
  const ticket = parent.state.ticket;
  const app = catalog.apps.get(request.app);
  if (!app || !appMayUseWorkflow(app, ticket.workflowId)) {
    fail('app_not_allowed', `App "${request.app}" has no permission for the workflow of parent ticket ${ticket.id}.`);
  }
  const states = workflowVersion(catalog, ticket.workflowId, ticket.workflowVersion)?.definition.states ?? [];
  if (request.parentTicketStateId && !states.some((s) => s.id === request.parentTicketStateId)) {
    fail(
      'invalid_request',
      `parent_ticket_state_id ${request.parentTicketStateId} is not a state of parent ticket ${ticket.id}'s workflow.`,
    );
  }
  return ticket.fields;
}

const snPrefix = (catalog: Catalog, app: string) => catalog.apps.get(app)?.ticket_sn_prefix || 'loonflow';
