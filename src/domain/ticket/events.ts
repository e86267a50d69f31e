import type { FieldValue } from '../fields.ts';

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

interface Common {
  ticketId: number;
  actor: Actor;
  suggestion: string;
  /** When the decision was taken (ISO 8601), passed in by the command. */
  at: string;
}

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
  };
}

/** A transition was executed: the ticket moved, or (all must handle) one assignee's choice was recorded. */
export interface TicketHandled {
  type: 'TicketHandled';
  data: Common & {
    transitionId: number;
    fromStateId: number;
    fieldChanges: FieldChanges;
    assignment: Assignment;
    actStateId: number;
    /** False while an "all must handle" state waits for the others. */
    moved: boolean;
  };
}

export interface TicketAccepted {
  type: 'TicketAccepted';
  data: Common & { stateId: number; assignment: Assignment };
}

export interface TicketDelivered {
  type: 'TicketDelivered';
  data: Common & { stateId: number; target: string; fromAdmin: boolean; assignment: Assignment };
}

export interface TicketNodeAdded {
  type: 'TicketNodeAdded';
  data: Common & { stateId: number; target: string; assignment: Assignment; previousAssignment: Assignment };
}

export interface TicketNodeAddEnded {
  type: 'TicketNodeAddEnded';
  data: Common & { stateId: number; assignment: Assignment };
}

export interface TicketStateForced {
  type: 'TicketStateForced';
  data: Common & { fromStateId: number; assignment: Assignment; actStateId: number };
}

export interface TicketFieldsChanged {
  type: 'TicketFieldsChanged';
  data: Common & { stateId: number; fieldChanges: FieldChanges };
}

export interface TicketCommented {
  type: 'TicketCommented';
  data: Common & { stateId: number };
}

export interface TicketClosed {
  type: 'TicketClosed';
  data: Common & { fromStateId: number; assignment: Assignment };
}

export interface TicketRetreated {
  type: 'TicketRetreated';
  data: Common & { fromStateId: number; assignment: Assignment };
}

/** A hook reported failure (or could not be reached); the ticket waits for a retry. */
export interface TicketHookFailed {
  type: 'TicketHookFailed';
  data: Common & { stateId: number };
}

export interface TicketRetryRequested {
  type: 'TicketRetryRequested';
  data: Common & { stateId: number };
}

export type TicketEvent =
  | TicketCreated
  | TicketHandled
  | TicketAccepted
  | TicketDelivered
  | TicketNodeAdded
  | TicketNodeAddEnded
  | TicketStateForced
  | TicketFieldsChanged
  | TicketCommented
  | TicketClosed
  | TicketRetreated
  | TicketHookFailed
  | TicketRetryRequested;

export const ticketStream = (ticketId: number) => `ticket-${ticketId}`;
