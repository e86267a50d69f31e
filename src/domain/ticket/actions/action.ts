// The shape of one ticket action: its command's decision, and for each event it owns how
// the event changes the ticket and how it shows in the flow log. ticket-actions.ts lists them.
import type { TicketContext } from '../context.ts';
import type { Actor, EventCommon } from '../events.ts';
import type { Ticket } from '../ticket.ts';

/** A kind of flow log (loonflow's intervene_type_id, behaviour §4.1) and the transition_name it shows without a transition. */
export interface FlowLogKind {
  interveneTypeId: number;
  name: string;
}

/** One flow-log row as an event writes it (the read side adds the ticket snapshot and the time). */
export interface FlowLogEntry {
  kind: FlowLogKind;
  stateId: number;
  transitionId?: number;
  suggestion: string;
  actor: Actor;
  /** 1 for a person (and the engine's loonrobot), 10 for a hook's report. */
  participantTypeId?: number;
}

/** The usual entry: the actor and their suggestion, shown in `stateId`. */
export const flowLogIn = (kind: FlowLogKind, stateId: number, data: EventCommon): FlowLogEntry => ({
  kind,
  stateId,
  suggestion: data.suggestion,
  actor: data.actor,
});

/** What one event does. Method syntax on purpose: the registry holds rules of every event in one table. */
export interface EventRule<E> {
  evolve(ticket: Ticket, event: E): Ticket;
  /** Undefined for an event that shows in no flow log. */
  flowLog(event: E): FlowLogEntry | undefined;
}

/** A rule for each event type of `E`: a missing one does not compile. */
export type EventRules<E extends { type: string }> = { [K in E['type']]: EventRule<Extract<E, { type: K }>> };

/**
 * `Command` is decided into events of `Appended` (its own, or another action's); `Owned` are
 * the events whose rules live here.
 */
export interface TicketAction<Command extends { type: string }, Owned extends { type: string }, Appended extends { type: string } = Owned> {
  /** The flow-log kind the action's own events show as, if any. */
  flowLogKind?: FlowLogKind;
  decide(command: Command, ticket: Ticket, ctx: TicketContext): Appended[];
  events: EventRules<Owned>;
}
