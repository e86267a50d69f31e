// A ticket as the write side knows it: folded from its own stream.
import type { FieldValue } from '../fields.ts';
import type { Assignment, TicketEvent } from './events.ts';

export const ActState = { draft: 0, inProgress: 1, rejected: 2, withdrawn: 3, finished: 4, closed: 5 } as const;

export interface Ticket {
  id: number;
  sn: string;
  title: string;
  workflowId: number;
  workflowVersion: number;
  creator: string;
  parentTicketId: number;
  parentTicketStateId: number;
  assignment: Assignment;
  actStateId: number;
  inAddNode: boolean;
  addNodeMan: string;
  scriptRunLastResult: boolean;
  fields: Record<string, FieldValue>;
  createdAt: string;
}

export type TicketState = { status: 'none' } | { status: 'open'; ticket: Ticket };

export const initialTicketState = (): TicketState => ({ status: 'none' });

export function evolveTicket(state: TicketState, event: TicketEvent): TicketState {
  switch (event.type) {
    case 'TicketCreated': {
      const d = event.data;
      return {
        status: 'open',
        ticket: {
          id: d.ticketId,
          sn: d.sn,
          title: d.title,
          workflowId: d.workflowId,
          workflowVersion: d.workflowVersion,
          creator: d.creator,
          parentTicketId: d.parentTicketId,
          parentTicketStateId: d.parentTicketStateId,
          assignment: d.assignment,
          actStateId: d.actStateId,
          inAddNode: false,
          addNodeMan: '',
          scriptRunLastResult: true,
          fields: { ...d.fields },
          createdAt: d.createdAt,
        },
      };
    }
    default:
      return state;
  }
}
