// A timer transition fires (behaviour §6.4): the engine executes it, as long as the ticket is
// still in the transition's source state and nothing happened there since the timer was
// armed (contract Q24). Arming and scheduling are the reactions' work.
import { fail } from '../../errors.ts';
import { transitionById } from '../../workflow.ts';
import type { TicketCommandOf } from '../commands.ts';
import type { TicketContext } from '../context.ts';
import { eventCommon, type Assignment, type TicketEventOf } from '../events.ts';
import { movedTo, type Ticket } from '../ticket.ts';
import type { TicketAction } from './action.ts';
import { TRANSITION_LOG, moveThrough, transitionLog } from './handle.ts';

export type FireTimer = TicketCommandOf<
  'FireTimer',
  {
    transitionId: number;
    /** When the timer was armed (ISO 8601): the moment of the event that started it. */
    armedAt: string;
  }
>;

export type TicketTimerFired = TicketEventOf<
  'TicketTimerFired',
  { transitionId: number; fromStateId: number; armedAt: string; assignment: Assignment; actStateId: number }
>;

/** The suggestion loonflow logs for a timer's transition. */
const TIMER_SUGGESTION = '定时器流转';

function decide(command: FireTimer, ticket: Ticket, ctx: TicketContext): TicketTimerFired[] {
  if (!command.actor.engine) fail('not_permitted', `Only the engine fires timers; "${command.actor.username}" may not.`);
  const armedAt = Date.parse(command.armedAt);
  if (Number.isNaN(armedAt)) fail('invalid_request', `armedAt "${command.armedAt}" is no moment; send an ISO 8601 time.`);
  const transition =
    transitionById(ctx.workflow, command.transitionId) ??
    fail('transition_not_found', `Transition ${command.transitionId} does not exist in workflow ${ctx.workflow.id}.`);
  if (transition.timer <= 0) fail('invalid_request', `Transition ${transition.id} ("${transition.name}") has no timer.`);
  // A void timer changes nothing: the ticket moved on, or someone acted since it was armed.
  if (ticket.assignment.stateId !== transition.source_state_id || Date.parse(ticket.modifiedAt) > armedAt) return [];
  // No form to fill: the ticket moves with the values it has.
  const move = moveThrough(transition, ticket, ctx, ticket.fields, {});
  return [
    {
      type: 'TicketTimerFired',
      data: {
        ...eventCommon(command, ctx.now, TIMER_SUGGESTION),
        transitionId: transition.id,
        fromStateId: transition.source_state_id,
        armedAt: command.armedAt,
        ...move,
      },
    },
  ];
}

export const fireTimer: TicketAction<FireTimer, TicketTimerFired> = {
  flowLogKind: TRANSITION_LOG,
  decide,
  events: {
    TicketTimerFired: {
      evolve: (ticket, { data }) => movedTo(ticket, data),
      flowLog: ({ data }) => transitionLog(data),
    },
  },
};
