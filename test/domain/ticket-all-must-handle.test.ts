// Decider specification for "all must handle" (distribute 4; behaviour §2.4, contract Q9/Q10):
// given the committee (carol, dave, erin) and the votes so far, when someone handles, then
// their choice is recorded and the ticket stays, moves when all chose the same, or a new
// round starts when the choices differ. Never an empty assignee list.
import t from 'tap';
import { ENGINE } from '../../src/domain/ticket/commands.ts';
import type { TicketEvent } from '../../src/domain/ticket/ticket-actions.ts';
import {
  BOARD,
  END,
  FINAL,
  REVIEW,
  T,
  atBoard,
  catalog,
  endAssignment,
  handle,
  handled,
  person,
  round,
  spec,
  ticketAfter,
} from './ticket-fixture.ts';

const u = undefined;

/** The committee after these members voted, in order: [member, transition]. */
function votes(...cast: [string, number][]): TicketEvent[] {
  const members: Record<string, number | undefined> = { carol: u, dave: u, erin: u };
  const events = atBoard();
  for (const [member, transitionId] of cast) {
    members[member] = transitionId;
    const reject = transitionId === T.boardVeto || transitionId === T.boardRevise;
    events.push(handled(member, transitionId, BOARD, round(BOARD, { ...members }), reject ? 2 : 1, { moved: false }));
  }
  return events;
}

const freshBoard = round(BOARD, { carol: u, dave: u, erin: u });
const freshFinal = round(FINAL, { frank: u, grace: u });

t.test('the first choices are recorded and the ticket stays', async (t) => {
  t.test(
    'given nobody voted, when carol agrees with a note, then her choice is recorded, moved false, the others remain, act_state 1, the note written',
    spec
      .given(catalog, votes())
      .when(handle('carol', T.boardAgree, { note: 'fine' }))
      .then([
        handled('carol', T.boardAgree, BOARD, round(BOARD, { carol: T.boardAgree, dave: u, erin: u }), 1, {
          moved: false,
          fieldChanges: { note: { before: null, after: 'fine' } },
        }),
      ]),
  );
  t.test(
    'given nobody voted, when carol vetoes (a reject transition), then act_state 2 though the ticket stays',
    spec
      .given(catalog, votes())
      .when(handle('carol', T.boardVeto))
      .then([handled('carol', T.boardVeto, BOARD, round(BOARD, { carol: T.boardVeto, dave: u, erin: u }), 2, { moved: false })]),
  );
  t.test(
    'given carol vetoed, when dave agrees, then act_state back to 1 (the act_state of this choice) and erin alone remains, type 2',
    spec
      .given(catalog, votes(['carol', T.boardVeto]))
      .when(handle('dave', T.boardAgree))
      .then([handled('dave', T.boardAgree, BOARD, round(BOARD, { carol: T.boardVeto, dave: T.boardAgree, erin: u }), 1, { moved: false })]),
  );
  t.test(
    'given carol agreed, when erin (before dave) agrees, then dave alone remains',
    spec
      .given(catalog, votes(['carol', T.boardAgree]))
      .when(handle('erin', T.boardAgree))
      .then([
        handled('erin', T.boardAgree, BOARD, round(BOARD, { carol: T.boardAgree, dave: u, erin: T.boardAgree }), 1, { moved: false }),
      ]),
  );
});

t.test('a member who chose cannot choose again in the round', async (t) => {
  t.test(
    'given carol agreed, when carol agrees again, then not_permitted (she is no longer a participant)',
    spec
      .given(catalog, votes(['carol', T.boardAgree]))
      .when(handle('carol', T.boardAgree))
      .thenThrows('not_permitted'),
  );
  t.test(
    'given carol agreed, when carol changes her mind and vetoes, then not_permitted',
    spec
      .given(catalog, votes(['carol', T.boardAgree]))
      .when(handle('carol', T.boardVeto))
      .thenThrows('not_permitted'),
  );
  t.test(
    'given the committee, when someone outside it votes, then not_permitted',
    spec.given(catalog, votes()).when(handle('lilei', T.boardAgree)).thenThrows('not_permitted'),
  );
});

t.test('everyone chose the same transition: the ticket moves', async (t) => {
  t.test(
    'given carol and dave agreed, when erin agrees, then it moves to final sign-off, which starts its own round (Q10)',
    spec
      .given(catalog, votes(['carol', T.boardAgree], ['dave', T.boardAgree]))
      .when(handle('erin', T.boardAgree))
      .then([handled('erin', T.boardAgree, BOARD, freshFinal, 1)]),
  );
  t.test(
    'given carol and dave vetoed, when erin vetoes, then it moves to the end state with act_state 2 (reject)',
    spec
      .given(catalog, votes(['carol', T.boardVeto], ['dave', T.boardVeto]))
      .when(handle('erin', T.boardVeto))
      .then([handled('erin', T.boardVeto, BOARD, endAssignment, 2)]),
  );
  t.test(
    'given carol and dave chose revise, when erin does, then back to manager review (lilei), act_state 2',
    spec
      .given(catalog, votes(['carol', T.boardRevise], ['dave', T.boardRevise]))
      .when(handle('erin', T.boardRevise))
      .then([handled('erin', T.boardRevise, BOARD, person(REVIEW, 'lilei'), 2)]),
  );
  t.test(
    'given the committee moved to final sign-off, when frank signs, then his choice is recorded in the new round',
    spec
      .given(catalog, [...votes(['carol', T.boardAgree], ['dave', T.boardAgree]), handled('erin', T.boardAgree, BOARD, freshFinal, 1)])
      .when(handle('frank', T.finalAgree))
      .then([handled('frank', T.finalAgree, FINAL, round(FINAL, { frank: T.finalAgree, grace: u }), 1, { moved: false })]),
  );
});

t.test('choices differ: a new round with everyone, nothing recorded (Q9)', async (t) => {
  t.test(
    'given carol agreed and dave vetoed, when erin agrees, then the ticket stays with carol, dave and erin all pending again',
    spec
      .given(catalog, votes(['carol', T.boardAgree], ['dave', T.boardVeto]))
      .when(handle('erin', T.boardAgree))
      .then([handled('erin', T.boardAgree, BOARD, freshBoard, 1, { moved: false })]),
  );
  t.test(
    'given carol agreed and dave vetoed, when erin vetoes, then a new round with act_state 1: nothing was sent back',
    spec
      .given(catalog, votes(['carol', T.boardAgree], ['dave', T.boardVeto]))
      .when(handle('erin', T.boardVeto))
      .then([handled('erin', T.boardVeto, BOARD, freshBoard, 1, { moved: false })]),
  );
  t.test(
    'given a new round after differing choices, when carol (who voted before) votes again, then her new choice counts and dave and erin remain',
    spec
      .given(catalog, [
        ...votes(['carol', T.boardAgree], ['dave', T.boardVeto]),
        handled('erin', T.boardAgree, BOARD, freshBoard, 1, { moved: false }),
      ])
      .when(handle('carol', T.boardVeto))
      .then([handled('carol', T.boardVeto, BOARD, round(BOARD, { carol: T.boardVeto, dave: u, erin: u }), 2, { moved: false })]),
  );
  t.test('given a new round after differing choices, then the folded ticket lists every member as a participant', async (t) => {
    const ticket = ticketAfter([
      ...votes(['carol', T.boardAgree], ['dave', T.boardVeto]),
      handled('erin', T.boardAgree, BOARD, freshBoard, 1, { moved: false }),
    ]);
    t.equal(ticket.assignment.participant, 'carol,dave,erin');
    t.not(ticket.assignment.participant, '', 'never an empty assignee list');
    t.strictSame(ticket.assignment.multiAllPerson, { carol: {}, dave: {}, erin: {} });
  });
});

t.test(
  'given carol voted, when the engine (e.g. a timer) handles the committee, then it moves at once: the engine does not vote',
  spec
    .given(catalog, votes(['carol', T.boardVeto]))
    .when(handle(ENGINE, T.boardAgree))
    .then([handled(ENGINE, T.boardAgree, BOARD, freshFinal, 1)]),
);

t.test('given carol voted, then the folded ticket has her choice and the pending members as participants', async (t) => {
  const ticket = ticketAfter(votes(['carol', T.boardAgree]));
  t.strictSame(ticket.assignment, round(BOARD, { carol: T.boardAgree, dave: u, erin: u }));
  t.equal(ticket.assignment.participant, 'dave,erin');
  t.equal(ticket.lastPersonByState[BOARD], 'carol');
  t.equal(ticket.assignment.stateId, BOARD, 'still in the committee');
});

t.test('given the committee vetoed into the end state, then the folded ticket is at the end with act_state 2', async (t) => {
  const ticket = ticketAfter([
    ...votes(['carol', T.boardVeto], ['dave', T.boardVeto]),
    handled('erin', T.boardVeto, BOARD, endAssignment, 2),
  ]);
  t.strictSame(ticket.assignment, endAssignment);
  t.equal(ticket.assignment.stateId, END);
  t.equal(ticket.actStateId, 2);
});
