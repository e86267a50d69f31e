import type { Actor } from './events.ts';

interface Base {
  ticketId: number;
  actor: Actor;
  /** The calling app: every action is checked against its workflow grant (Q17). */
  app: string;
}

export type TicketCommand =
  | (Base & { type: 'HandleTicket'; transitionId: number; suggestion: string; values: Record<string, unknown> })
  | (Base & { type: 'AcceptTicket' })
  | (Base & { type: 'DeliverTicket'; target: string; suggestion: string; fromAdmin: boolean })
  | (Base & { type: 'AddNode'; target: string; suggestion: string })
  | (Base & { type: 'EndAddNode'; suggestion: string })
  | (Base & { type: 'ForceState'; stateId: number; suggestion: string })
  | (Base & { type: 'ChangeFields'; values: Record<string, unknown> })
  | (Base & { type: 'CommentTicket'; suggestion: string })
  | (Base & { type: 'CloseTicket'; suggestion: string })
  | (Base & { type: 'RetreatTicket'; suggestion: string })
  | (Base & { type: 'ReceiveHookResult'; result: boolean; message: string; fieldValues: Record<string, unknown> })
  | (Base & { type: 'RetryAutomation' });

/** The engine's own identity for hook, timer and sub-ticket actions. */
export const ENGINE: Actor = { username: 'loonrobot', engine: true };
