// Decider specifications of a timer transition firing (behaviour §6.4, contract Q24): the
// engine executes it while the ticket is still where the timer was armed and nothing happened
// there since; otherwise the timer is void and nothing is appended.
import t from 'tap';
import type { CatalogEvent } from '../../src/domain/catalog/events.ts';
import { ENGINE } from '../../src/domain/ticket/commands.ts';
import type { Assignment } from '../../src/domain/ticket/events.ts';
import type { TicketEvent } from '../../src/domain/ticket/ticket-actions.ts';
import type { WorkflowVersion } from '../../src/domain/workflow.ts';
import {
  AT,
  BOARD,
  POOL,
  REVIEW,
  T,
  TICKET,
  by,
  catalog,
  commented,
  handled,
  nodeAdded,
  opened,
  person,
  purchase,
  round,
  several,
  spec,
  ticketAfter,
} from './ticket-fixture.ts';

/** Version 3 of the purchase workflow: escalate after an hour, approve (by amount) after two. */
const timed: WorkflowVersion = {
  version: 3,
  definition: {
    ...purchase,
    transitions: purchase.transitions.map((tr) =>
      tr.id === T.escalate ? { ...tr, timer: 3600 } : tr.id === T.approve ? { ...tr, timer: 7200 } : tr,
    ),
  },
};
const timedCatalog: CatalogEvent[] = [
  ...catalog,
  {
    type: 'WorkflowVersionPublished',
    data: { workflowId: 1, version: 3, definition: timed.definition, publishedAt: '2024-01-01T00:00:00.000Z' },
  },
];

const CREATED_AT = '2024-03-01T09:00:00.000Z';
/** At manager review (lilei) since its creation, which armed the timers. */
const atReview = (): TicketEvent[] => [opened(T.submit, { workflow: timed })];

const fire = (transitionId: number, armedAt = CREATED_AT, actor = ENGINE) =>
  ({ type: 'FireTimer', ticketId: TICKET, actor, app: 'ops', transitionId, armedAt }) as const;

const fired = (transitionId: number, assignment: Assignment, armedAt = CREATED_AT): TicketEvent => ({
  type: 'TicketTimerFired',
  data: {
    ticketId: TICKET,
    actor: ENGINE,
    suggestion: '定时器流转',
    at: AT,
    transitionId,
    fromStateId: REVIEW,
    armedAt,
    assignment,
    actStateId: 1,
  },
});

const given = (events: TicketEvent[]) => spec.given(timedCatalog, events);

t.test(
  'given a ticket at manager review since the timer was armed, when the escalate timer fires, then the engine moves it to the committee',
  given(atReview())
    .when(fire(T.escalate))
    .then([fired(T.escalate, round(BOARD, { carol: undefined, dave: undefined, erin: undefined }))]),
);

t.test(
  "given a timed transition with conditions, when it fires, then the ticket's own values choose the destination (amount 5000 > 1000: committee)",
  given(atReview())
    .when(fire(T.approve))
    .then([fired(T.approve, round(BOARD, { carol: undefined, dave: undefined, erin: undefined }))]),
);

t.test(
  'given someone commented at manager review after the timer was armed, when it fires, then it is void: nothing is appended',
  given([...atReview(), commented('lilei', REVIEW)])
    .when(fire(T.escalate))
    .then([]),
);

t.test(
  'given the ticket left manager review, when the timer armed there fires, then it is void',
  given([...atReview(), handled('lilei', T.approve, REVIEW, several(POOL, 'alice,bob'), 1)])
    .when(fire(T.escalate))
    .then([]),
);

t.test(
  'given a timer armed by the last event, when it fires, then it moves the ticket and ends the consultation that event began',
  given([...atReview(), nodeAdded('lilei', REVIEW, 'wang', person(REVIEW, 'lilei'))])
    .when(fire(T.escalate, AT))
    .thenCheck((t, events) => {
      const ticket = ticketAfter([...atReview(), nodeAdded('lilei', REVIEW, 'wang', person(REVIEW, 'lilei')), ...events]);
      t.equal(ticket.assignment.stateId, BOARD, 'in the committee');
      t.equal(ticket.inAddNode, false, 'the consultation is over');
      t.equal(ticket.lastPersonByState[REVIEW], 'lilei', 'the engine is not remembered as the last man');
    }),
);

t.test(
  'given a transition without a timer, when a timer fires it, then invalid_request',
  given(atReview()).when(fire(T.finish)).thenThrows('invalid_request'),
);

t.test(
  'given an unknown transition, when a timer fires it, then transition_not_found',
  given(atReview()).when(fire(999)).thenThrows('transition_not_found'),
);

t.test(
  'given an arming moment that is no time, then invalid_request',
  given(atReview()).when(fire(T.escalate, 'yesterday')).thenThrows('invalid_request'),
);

t.test(
  'given a person, when they fire a timer, then not_permitted: only the engine does',
  given(atReview())
    .when(fire(T.escalate, CREATED_AT, by('lilei')))
    .thenThrows('not_permitted'),
);

// Arming: each decision arms the timers of the state it leaves the ticket in.
const inSeconds = (s: number) => new Date(Date.parse(AT) + s * 1000).toISOString();

t.test(
  'given a ticket at manager review, when someone comments there, then the comment arms the review timers again from now',
  given(atReview())
    .when({ type: 'CommentTicket', ticketId: TICKET, actor: by('lilei'), app: 'ops', suggestion: 'still looking' })
    .then([
      {
        type: 'TicketCommented',
        data: {
          ticketId: TICKET,
          actor: by('lilei'),
          suggestion: 'still looking',
          at: AT,
          stateId: REVIEW,
          // In the workflow's order of transitions.
          armedTimers: [
            { transitionId: T.approve, dueAt: inSeconds(7200) },
            { transitionId: T.escalate, dueAt: inSeconds(3600) },
          ],
        },
      },
    ]),
);

t.test(
  'given a timer fired into a state without timers, then the event arms nothing',
  given(atReview())
    .when(fire(T.escalate))
    .thenCheck((t, events) => t.equal((events[0].data as { armedTimers?: unknown }).armedTimers, undefined)),
);
