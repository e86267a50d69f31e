// Timer transitions (behaviour §6.4, contract Q24): a transition with `timer > 0` fires that
// many seconds after the last thing that happened to the ticket in its source state. So each
// decision arms the timers of the state it leaves the ticket in, on its last event, and any
// later event of the ticket makes them void (the FireTimer decider checks it again).
import { transitionsFrom, type WorkflowDefinition } from '../workflow.ts';

export interface ArmedTimer {
  transitionId: number;
  /** ISO 8601. */
  dueAt: string;
}

/** The timers a ticket left in `stateId` at `at` will fire, unless something happens first. */
export function timersArmedIn(workflow: WorkflowDefinition, stateId: number, at: Date): ArmedTimer[] {
  return transitionsFrom(workflow, stateId)
    .filter((t) => t.timer > 0)
    .map((t) => ({ transitionId: t.id, dueAt: new Date(at.getTime() + t.timer * 1000).toISOString() }));
}

/** `events` with the timers of `stateId` on the last one (unchanged when that state has none). */
export function withArmedTimers<E extends { data: { armedTimers?: ArmedTimer[] } }>(
  events: E[],
  workflow: WorkflowDefinition,
  stateId: number,
  at: Date,
): E[] {
  const timers = timersArmedIn(workflow, stateId, at);
  if (timers.length === 0 || events.length === 0) return events;
  const last = events[events.length - 1];
  return [...events.slice(0, -1), { ...last, data: { ...last.data, armedTimers: timers } }];
}
