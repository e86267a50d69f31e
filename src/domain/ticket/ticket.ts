// A ticket as the write side knows it, folded from its own stream (evolve.ts), and the
// changes the actions' events make to it.
import type { Actor, Assignment, FieldChanges, TicketCreated } from './events.ts';
import { assigneesOf } from './participants.ts';

export const ActState = { draft: 0, inProgress: 1, rejected: 2, withdrawn: 3, finished: 4, closed: 5 } as const;

/** What the creation decided, as the ticket keeps it. */
type Created = Pick<
  TicketCreated['data'],
  | 'sn'
  | 'title'
  | 'workflowId'
  | 'workflowVersion'
  | 'creator'
  | 'app'
  | 'parentTicketId'
  | 'parentTicketStateId'
  | 'assignment'
  | 'actStateId'
  | 'fields'
  | 'createdAt'
>;

export interface Ticket extends Created {
  id: number;
  inAddNode: boolean;
  addNodeMan: string;
  /** What add_node_end gives back: the assignment before the consultation. */
  assignmentBeforeAddNode?: Assignment;
  scriptRunLastResult: boolean;
  /** Everyone ever related: the creator and every assignee (loonflow's `relation`). */
  relation: string[];
  /** The last person who acted in each state, for remember_last_man_enable. */
  lastPersonByState: Record<number, string>;
  /** When its last event was decided (loonflow's gmt_modified): a timer armed before it is void. */
  modifiedAt: string;
}

export type TicketState = { status: 'none' } | { status: 'open'; ticket: Ticket };

export const initialTicketState = (): TicketState => ({ status: 'none' });

/** Everyone related so far and the new assignees, in the order they came. */
export const related = (relation: string[], assignment: Assignment): string[] => [...new Set([...relation, ...assigneesOf(assignment)])];

/** The ticket with new assignees, who are related to it from now on. */
export const assigned = (ticket: Ticket, assignment: Assignment): Ticket => ({
  ...ticket,
  assignment,
  relation: related(ticket.relation, assignment),
});

/** A person's action in a state, remembered for remember_last_man_enable (the engine is no person). */
export const actedIn = (ticket: Ticket, stateId: number, actor: Actor): Ticket =>
  actor.engine ? ticket : { ...ticket, lastPersonByState: { ...ticket.lastPersonByState, [stateId]: actor.username } };

/** A consultation (add_node) ends when the ticket moves or an admin steps in. */
export const consultationOver = (ticket: Ticket): Ticket => ({
  ...ticket,
  inAddNode: false,
  addNodeMan: '',
  assignmentBeforeAddNode: undefined,
});

/** The ticket in a new state: a hook that answered has done its job, a consultation is over. */
export const movedTo = (ticket: Ticket, move: { assignment: Assignment; actStateId: number }): Ticket => ({
  ...consultationOver(assigned(ticket, move.assignment)),
  actStateId: move.actStateId,
  scriptRunLastResult: true,
});

// The title lives on the ticket itself; every other change is a custom field's value.
export function withFieldChanges(ticket: Ticket, changes: FieldChanges): Ticket {
  const fields = { ...ticket.fields };
  for (const [key, { after }] of Object.entries(changes)) {
    if (key === 'title') continue;
    if (after === null) delete fields[key];
    else fields[key] = after;
  }
  return { ...ticket, fields, title: changes.title ? String(changes.title.after ?? '') : ticket.title };
}
