// Every action on an existing ticket (behaviour §3.5–§3.20, contract §5): what all of them
// check first, then the action's own decision (actions/*.ts).
import { appMayUseWorkflow } from '../catalog/catalog.ts';
import { fail } from '../errors.ts';
import type { TicketContext } from './context.ts';
import { currentState } from './guards.ts';
import { actionOf, ruleOf, type TicketActionEvent, type TicketCommand } from './ticket-actions.ts';
import { withArmedTimers } from './timers.ts';
import type { TicketState } from './ticket.ts';

export function decideTicket(command: TicketCommand, state: TicketState, ctx: TicketContext): TicketActionEvent[] {
  if (state.status !== 'open') return fail('ticket_not_found', `Ticket ${command.ticketId} does not exist.`);
  const ticket = state.ticket;
  const app = ctx.catalog.apps.get(command.app);
  if (!app || !appMayUseWorkflow(app, ticket.workflowId)) {
    fail('app_not_allowed', `App "${command.app}" has no permission for workflow ${ticket.workflowId}.`);
  }
  // A ticket whose state its workflow no longer has can take no action at all.
  currentState(ticket, ctx.workflow);
  const events = actionOf(command).decide(command, ticket, ctx);
  const after = events.reduce((t, event) => ruleOf(event).evolve(t, event), ticket);
  return withArmedTimers(events, ctx.workflow, after.assignment.stateId, ctx.now);
}
