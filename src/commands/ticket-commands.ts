// Runs a command against an existing ticket: loads its stream and what the decision needs
// (the catalog, the ticket's workflow version, the parent's fields), decides, appends.
import { currentWorkflow, workflowVersion } from '../domain/catalog/catalog.ts';
import { fail } from '../domain/errors.ts';
import { decideTicket } from '../domain/ticket/decide-ticket.ts';
import { ticketStream } from '../domain/ticket/events.ts';
import type { TicketCommand } from '../domain/ticket/ticket-actions.ts';
import type { TicketState } from '../domain/ticket/ticket.ts';
import type { AppendResult } from '../eventstore/event-store.ts';
import type { CommandDeps } from './command-deps.ts';
import { loadTicket, ticketDecider } from './ticket-stream.ts';
import { handleCommand } from './handle-command.ts';

export interface TicketCommandResult {
  /** Undefined when the command changed nothing (e.g. fields set to the values they had). */
  appended?: AppendResult;
  revision: bigint | 'no_stream';
  state: TicketState;
}

export async function runTicketCommand(
  deps: CommandDeps,
  command: TicketCommand,
  options: { ifMatch?: bigint; correlationId?: string } = {},
): Promise<TicketCommandResult> {
  const { catalog } = await deps.catalog.current({ fresh: true });
  return handleCommand(
    deps.store,
    ticketStream(command.ticketId),
    ticketDecider,
    async (state) => {
      if (state.status !== 'open') return fail('ticket_not_found', `Ticket ${command.ticketId} does not exist.`);
      const ticket = state.ticket;
      const version =
        workflowVersion(catalog, ticket.workflowId, ticket.workflowVersion) ??
        fail('workflow_not_found', `Workflow ${ticket.workflowId} version ${ticket.workflowVersion} of ticket ${ticket.id} is unknown.`);
      const parent = ticket.parentTicketId ? await loadTicket(deps.store, ticket.parentTicketId) : undefined;
      return decideTicket(command, state, {
        catalog,
        workflow: version.definition,
        grants: currentWorkflow(catalog, ticket.workflowId)?.definition ?? version.definition,
        now: deps.clock(),
        random: deps.random(),
        parentFields: parent?.state.status === 'open' ? parent.state.ticket.fields : {},
      });
    },
    {
      ifMatch: options.ifMatch,
      metadata: (state) => ({
        actor: command.actor.username,
        app: command.app,
        correlationId: options.correlationId,
        workflowVersion: state.status === 'open' ? state.ticket.workflowVersion : undefined,
      }),
    },
  );
}
