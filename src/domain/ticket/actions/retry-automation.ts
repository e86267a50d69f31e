// POST /tickets/{id}/retry_script: run the state's script or hook again (behaviour §3.19).
import { fail } from '../../errors.ts';
import { ParticipantType } from '../../workflow.ts';
import type { TicketCommandOf } from '../commands.ts';
import type { TicketContext } from '../context.ts';
import { eventCommon, type TicketEventOf } from '../events.ts';
import { currentState } from '../guards.ts';
import type { Ticket } from '../ticket.ts';
import type { TicketAction } from './action.ts';

export type RetryAutomation = TicketCommandOf<'RetryAutomation'>;

/** `participantTypeId` says what runs again (script or hook); absent in events from before it was recorded. */
export type TicketRetryRequested = TicketEventOf<'TicketRetryRequested', { stateId: number; participantTypeId?: number }>;

const AUTOMATED: readonly number[] = [ParticipantType.script, ParticipantType.hook];

function decide(command: RetryAutomation, ticket: Ticket, ctx: TicketContext): TicketRetryRequested[] {
  const state = currentState(ticket, ctx.workflow);
  if (!AUTOMATED.includes(ticket.assignment.participantTypeId)) {
    fail('wrong_state', `Ticket ${ticket.id} is not waiting for a script or a hook; there is nothing to retry.`);
  }
  return [
    {
      type: 'TicketRetryRequested',
      data: { ...eventCommon(command, ctx.now), stateId: state.id, participantTypeId: ticket.assignment.participantTypeId },
    },
  ];
}

export const retryAutomation: TicketAction<RetryAutomation, TicketRetryRequested> = {
  decide,
  events: {
    // Loonflow writes no log for a retry: the script's or hook's own report follows.
    TicketRetryRequested: { evolve: (ticket) => ({ ...ticket, scriptRunLastResult: true }), flowLog: () => undefined },
  },
};
