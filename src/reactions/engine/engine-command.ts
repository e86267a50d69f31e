// A command the engine runs for a reaction (a timer, a sub-ticket's parent). A conflict is
// tried again by the dispatcher; any other refusal means the engine cannot act here (the
// ticket needs a person), so the work ends instead of being retried forever.
import type { CommandDeps } from '../../commands/command-deps.ts';
import { runTicketCommand } from '../../commands/ticket-commands.ts';
import { DomainError } from '../../domain/errors.ts';
import type { TicketCommand } from '../../domain/ticket/ticket-actions.ts';
import type { LogPosition } from '../../eventstore/event-store.ts';

/** Where the command's events are, or undefined when it appended nothing or was refused. */
export async function runEngineCommand(
  commands: CommandDeps,
  command: TicketCommand,
  correlationId: string,
): Promise<LogPosition | undefined> {
  try {
    return (await runTicketCommand(commands, command, { correlationId })).appended?.position;
  } catch (error) {
    if (!(error instanceof DomainError) || error.code === 'concurrent_change') throw error;
    return undefined;
  }
}
