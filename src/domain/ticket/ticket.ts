// A ticket as the write side knows it: folded from its own stream.
import type { FieldValue } from '../fields.ts';
import type { Assignment, FieldChanges, TicketEvent } from './events.ts';
import { assigneesOf } from './participants.ts';

export const ActState = { draft: 0, inProgress: 1, rejected: 2, withdrawn: 3, finished: 4, closed: 5 } as const;

export interface Ticket {
  id: number;
  sn: string;
  title: string;
  workflowId: number;
  workflowVersion: number;
  creator: string;
  app: string;
  parentTicketId: number;
  parentTicketStateId: number;
  assignment: Assignment;
  actStateId: number;
  inAddNode: boolean;
  addNodeMan: string;
  /** What add_node_end gives back: the assignment before the consultation. */
  assignmentBeforeAddNode?: Assignment;
  scriptRunLastResult: boolean;
  fields: Record<string, FieldValue>;
  /** Everyone ever related: the creator and every assignee (loonflow's `relation`). */
  relation: string[];
  /** The last person who acted in each state, for remember_last_man_enable. */
  lastPersonByState: Record<number, string>;
  createdAt: string;
}

export type TicketState = { status: 'none' } | { status: 'open'; ticket: Ticket };

export const initialTicketState = (): TicketState => ({ status: 'none' });

const related = (relation: string[], assignment: Assignment) => [...new Set([...relation, ...assigneesOf(assignment)])];

// The title lives on the ticket itself; every other change is a custom field's value.
const withChanges = (fields: Record<string, FieldValue>, changes: FieldChanges) => {
  const next = { ...fields };
  for (const [key, { after }] of Object.entries(changes)) {
    if (key === 'title') continue;
    if (after === null) delete next[key];
    else next[key] = after;
  }
  return next;
};

/** A person's action in a state, remembered for remember_last_man_enable. */
const actedIn = (ticket: Ticket, stateId: number, actor: { username: string; engine?: boolean }) =>
  actor.engine ? ticket.lastPersonByState : { ...ticket.lastPersonByState, [stateId]: actor.username };

function assigned(ticket: Ticket, assignment: Assignment): Ticket {
  return { ...ticket, assignment, relation: related(ticket.relation, assignment) };
}

export function evolveTicket(state: TicketState, event: TicketEvent): TicketState {
  if (event.type === 'TicketCreated') {
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
        app: d.app,
        parentTicketId: d.parentTicketId,
        parentTicketStateId: d.parentTicketStateId,
        assignment: d.assignment,
        actStateId: d.actStateId,
        inAddNode: false,
        addNodeMan: '',
        scriptRunLastResult: true,
        fields: { ...d.fields },
        relation: related([d.creator], d.assignment),
        lastPersonByState: { [d.startStateId]: d.creator },
        createdAt: d.createdAt,
      },
    };
  }
  if (state.status !== 'open') return state;
  const ticket = state.ticket;
  const open = (next: Ticket): TicketState => ({ status: 'open', ticket: next });
  switch (event.type) {
    case 'TicketHandled': {
      const d = event.data;
      const fields = withChanges(ticket.fields, d.fieldChanges);
      const title = d.fieldChanges.title ? String(d.fieldChanges.title.after ?? '') : ticket.title;
      return open({
        ...assigned(ticket, d.assignment),
        fields,
        title,
        actStateId: d.actStateId,
        lastPersonByState: actedIn(ticket, d.fromStateId, d.actor),
        // A hook that answered has done its job; a new state starts with a clean slate.
        scriptRunLastResult: d.moved ? true : ticket.scriptRunLastResult,
        // The engine may move a ticket that was out for consultation: the consultation is over.
        ...(d.moved ? { inAddNode: false, addNodeMan: '', assignmentBeforeAddNode: undefined } : {}),
      });
    }
    case 'TicketAccepted':
      return open({ ...assigned(ticket, event.data.assignment), lastPersonByState: actedIn(ticket, event.data.stateId, event.data.actor) });
    // An admin's delivery is an intervention: it ends a consultation and is not the state's last man.
    case 'TicketDelivered':
      return event.data.fromAdmin
        ? open({ ...assigned(ticket, event.data.assignment), inAddNode: false, addNodeMan: '', assignmentBeforeAddNode: undefined })
        : open({ ...assigned(ticket, event.data.assignment), lastPersonByState: actedIn(ticket, event.data.stateId, event.data.actor) });
    case 'TicketNodeAdded':
      return open({
        ...assigned(ticket, event.data.assignment),
        inAddNode: true,
        addNodeMan: event.data.actor.username,
        assignmentBeforeAddNode: event.data.previousAssignment,
        lastPersonByState: actedIn(ticket, event.data.stateId, event.data.actor),
      });
    case 'TicketNodeAddEnded':
      return open({
        ...assigned(ticket, event.data.assignment),
        inAddNode: false,
        addNodeMan: '',
        assignmentBeforeAddNode: undefined,
        lastPersonByState: actedIn(ticket, event.data.stateId, event.data.actor),
      });
    case 'TicketStateForced':
    case 'TicketRetreated':
    case 'TicketClosed':
      return open({
        ...assigned(ticket, event.data.assignment),
        actStateId: event.type === 'TicketStateForced' ? event.data.actStateId : event.type === 'TicketRetreated' ? ActState.withdrawn : ActState.closed,
        inAddNode: false,
        addNodeMan: '',
        assignmentBeforeAddNode: undefined,
        scriptRunLastResult: true,
      });
    case 'TicketFieldsChanged': {
      const changes = event.data.fieldChanges;
      return open({
        ...ticket,
        fields: withChanges(ticket.fields, changes),
        title: changes.title ? String(changes.title.after ?? '') : ticket.title,
      });
    }
    // A comment is not working the ticket: anyone who may view it may comment, so it is not remembered.
    case 'TicketCommented':
      return state;
    case 'TicketHookFailed':
      return open({ ...ticket, scriptRunLastResult: false });
    case 'TicketRetryRequested':
      return open({ ...ticket, scriptRunLastResult: true });
    default:
      return state;
  }
}
