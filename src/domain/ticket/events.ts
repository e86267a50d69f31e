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

export type TicketEvent = TicketCreated;

export const ticketStream = (ticketId: number) => `ticket-${ticketId}`;
