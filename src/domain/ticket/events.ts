// What every ticket event shares, and the event that opens a ticket. The events of the
// actions on an existing ticket live with their action (actions/*.ts); ticket-actions.ts
// joins them into TicketEvent.
import type { FieldValue } from '../fields.ts';
import type { ArmedTimer } from './timers.ts';

/** Who works a ticket in its current state, as loonflow stores it on the ticket row. */
export interface Assignment {
  stateId: number;
  participantTypeId: number;
  /** A username, comma-joined usernames, a script name, `***` for a hook, or ''. */
  participant: string;
  /** "All must handle": each assignee's choice, `{}` while not yet handled. */
  multiAllPerson: Record<string, { transition_id?: number; transition_name?: string }>;
}

/** A field's value before and after an action, for auditors. */
export type FieldChanges = Record<string, { before: FieldValue; after: FieldValue }>;

/** Who did it: a user, or the engine acting for a hook, a timer or a sub-ticket. */
export interface Actor {
  username: string;
  /** True for the engine (`loonrobot`, `hook`): it never counts as having worked the ticket. */
  engine?: boolean;
}

/** The data every event on an existing ticket carries. */
export interface EventCommon {
  ticketId: number;
  actor: Actor;
  suggestion: string;
  /** When the decision was taken (ISO 8601), passed in by the command. */
  at: string;
  /** Timers of the state the decision left the ticket in (timers.ts); on the decision's last event. */
  armedTimers?: ArmedTimer[];
}

/** An event on an existing ticket: its type, what every such event carries, and its own data. */
export type TicketEventOf<Type extends string, Data> = { type: Type; data: EventCommon & Data };

export const eventCommon = (command: { ticketId: number; actor: Actor }, now: Date, suggestion = ''): EventCommon => ({
  ticketId: command.ticketId,
  actor: command.actor,
  suggestion,
  at: now.toISOString(),
});

export interface TicketCreated {
  type: 'TicketCreated';
  data: {
    ticketId: number;
    sn: string;
    title: string;
    workflowId: number;
    workflowVersion: number;
    creator: string;
    app: string;
    parentTicketId: number;
    parentTicketStateId: number;
    transitionId: number;
    /** The start state the creating transition left. */
    startStateId: number;
    suggestion: string;
    fields: Record<string, FieldValue>;
    assignment: Assignment;
    actStateId: number;
    createdAt: string;
    /** Timers of the state the ticket was created into (timers.ts). */
    armedTimers?: ArmedTimer[];
  };
}

export const ticketStream = (ticketId: number) => `ticket-${ticketId}`;
