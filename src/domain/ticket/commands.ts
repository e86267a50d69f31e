import type { Actor } from './events.ts';

/** What every command on an existing ticket carries; each action adds its own (actions/*.ts). */
export interface CommandBase {
  ticketId: number;
  actor: Actor;
  /** The calling app: every action is checked against its workflow grant (Q17). */
  app: string;
}

/** A command on an existing ticket: its type, what every such command carries, and its own fields. */
export type TicketCommandOf<Type extends string, Fields = Record<never, never>> = CommandBase & { type: Type } & Fields;

/** The engine's own identity for hook, timer and sub-ticket actions. */
export const ENGINE: Actor = { username: 'loonrobot', engine: true };
