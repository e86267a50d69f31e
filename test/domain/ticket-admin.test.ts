// Decider specification for interventions: forced state (§3.12, Q15, Q19), field patch
// (§3.14, Q16), comments (§3.16, §3.3 view permission), close (§3.19) and retreat (§3.20).
import t from 'tap';
import {
  BOARD,
  CREATOR,
  END,
  HOOK,
  POOL,
  REVIEW,
  START,
  T,
  accepted,
  atBoard,
  atPool,
  atReview,
  atStart,
  catalog,
  changeFields,
  close,
  closed,
  comment,
  commented,
  endAddNode,
  endAssignment,
  fieldsChanged,
  forceState,
  handled,
  hookWait,
  nodeAdded,
  opened,
  person,
  purchaseV2,
  retreat,
  retreated,
  round,
  several,
  spec,
  stateForced,
  ticketAfter,
} from './ticket-fixture.ts';

const u = undefined;
const atEnd = () => [...atReview(), handled('lilei', T.finish, REVIEW, endAssignment, 4)];
const atClosed = () => [...atReview(), closed('admin', REVIEW)];
const consultingWang = () => [...atReview(), nodeAdded('lilei', REVIEW, 'wang', person(REVIEW, 'lilei'))];
const sentBack = () => [...atReview(), handled('lilei', T.sendBack, REVIEW, person(START, CREATOR), 2)];
const vetoedToEnd = () => [
  ...atBoard(),
  handled('carol', T.boardVeto, BOARD, round(BOARD, { carol: T.boardVeto, dave: u, erin: u }), 2, { moved: false }),
  handled('dave', T.boardVeto, BOARD, round(BOARD, { carol: T.boardVeto, dave: T.boardVeto, erin: u }), 2, { moved: false }),
  handled('erin', T.boardVeto, BOARD, endAssignment, 2),
];
const revisedToReview = () => [
  ...atBoard(),
  handled('carol', T.boardRevise, BOARD, round(BOARD, { carol: T.boardRevise, dave: u, erin: u }), 2, { moved: false }),
  handled('dave', T.boardRevise, BOARD, round(BOARD, { carol: T.boardRevise, dave: T.boardRevise, erin: u }), 2, { moved: false }),
  handled('erin', T.boardRevise, BOARD, person(REVIEW, 'lilei'), 2),
];

// ---------------------------------------------------------------------------------------
// Forced state (PUT /tickets/{id}/state)

t.test('forced state: who may', async (t) => {
  t.test(
    "given manager review, when the workflow admin forces the buyers pool, then the pool's assignees",
    spec
      .given(catalog, atReview())
      .when(forceState('admin', POOL))
      .then([stateForced('admin', REVIEW, several(POOL, 'alice,bob'), 1)]),
  );
  t.test(
    'given manager review, when the super admin forces the pool, then it is forced',
    spec
      .given(catalog, atReview())
      .when(forceState('root', POOL))
      .then([stateForced('root', REVIEW, several(POOL, 'alice,bob'), 1)]),
  );
  t.test(
    'given manager review, when a type_id 1 user who is no admin of this workflow forces a state, then not_permitted (Q15)',
    spec.given(catalog, atReview()).when(forceState('boss', POOL)).thenThrows('not_permitted'),
  );
  t.test(
    'given manager review, when the admin of another workflow forces a state, then not_permitted (Q15)',
    spec.given(catalog, atReview()).when(forceState('otheradmin', POOL)).thenThrows('not_permitted'),
  );
  t.test(
    'given manager review, when the assignee lilei forces a state, then not_permitted',
    spec.given(catalog, atReview()).when(forceState('lilei', POOL)).thenThrows('not_permitted'),
  );
  t.test(
    'given manager review, when a non-admin forces an unknown state, then not_permitted (who before what)',
    spec.given(catalog, atReview()).when(forceState('lilei', 99)).thenThrows('not_permitted'),
  );
  t.test(
    'given manager review, when the admin forces state 99, then state_not_found',
    spec.given(catalog, atReview()).when(forceState('admin', 99)).thenThrows('state_not_found'),
  );
  t.test(
    'given manager review, when the admin forces a state of another workflow, then state_not_found',
    spec.given(catalog, atReview()).when(forceState('admin', 102)).thenThrows('state_not_found'),
  );
  t.test(
    'given manager review, when the admin forces with a suggestion of 10,001 characters, then suggestion_too_long',
    spec
      .given(catalog, atReview())
      .when(forceState('admin', POOL, 'x'.repeat(10_001)))
      .thenThrows('suggestion_too_long'),
  );
});

t.test('forced state: act_state (Q19) and assignees of the target', async (t) => {
  t.test(
    'given manager review, when forced to the end state, then act_state 5 and the end assignee',
    spec
      .given(catalog, atReview())
      .when(forceState('admin', END))
      .then([stateForced('admin', REVIEW, endAssignment, 5)]),
  );
  t.test(
    'given manager review, when forced to the start state, then act_state 0 and the creator',
    spec
      .given(catalog, atReview())
      .when(forceState('admin', START))
      .then([stateForced('admin', REVIEW, person(START, CREATOR), 0)]),
  );
  t.test(
    'given a finished ticket (act_state 4), when forced to the pool, then it reopens with act_state 1',
    spec
      .given(catalog, atEnd())
      .when(forceState('admin', POOL))
      .then([stateForced('admin', END, several(POOL, 'alice,bob'), 1)]),
  );
  t.test(
    'given a closed ticket (act_state 5), when forced to the pool, then act_state 1',
    spec
      .given(catalog, atClosed())
      .when(forceState('admin', POOL))
      .then([stateForced('admin', END, several(POOL, 'alice,bob'), 1)]),
  );
  t.test(
    'given a draft (act_state 0), when forced to the pool, then act_state 1',
    spec
      .given(catalog, atStart())
      .when(forceState('admin', POOL))
      .then([stateForced('admin', START, several(POOL, 'alice,bob'), 1)]),
  );
  t.test(
    'given a rejected ticket (act_state 2) at manager review, when forced to the pool, then act_state stays 2',
    spec
      .given(catalog, revisedToReview())
      .when(forceState('admin', POOL))
      .then([stateForced('admin', REVIEW, several(POOL, 'alice,bob'), 2)]),
  );
  t.test(
    'given a withdrawn ticket (act_state 3), when forced to the pool, then act_state stays 3',
    spec
      .given(catalog, [...atReview(), retreated(REVIEW)])
      .when(forceState('admin', POOL))
      .then([stateForced('admin', START, several(POOL, 'alice,bob'), 3)]),
  );
  t.test(
    "given manager review, when forced to the committee (all must handle), then the target's own round (Q10)",
    spec
      .given(catalog, atReview())
      .when(forceState('admin', BOARD))
      .then([stateForced('admin', REVIEW, round(BOARD, { carol: u, dave: u, erin: u }), 1)]),
  );
  t.test(
    'given the committee with carol voted, when forced to the committee again, then a fresh round',
    spec
      .given(catalog, [
        ...atBoard(),
        handled('carol', T.boardAgree, BOARD, round(BOARD, { carol: T.boardAgree, dave: u, erin: u }), 1, { moved: false }),
      ])
      .when(forceState('admin', BOARD))
      .then([stateForced('admin', BOARD, round(BOARD, { carol: u, dave: u, erin: u }), 1)]),
  );
  t.test(
    'given manager review, when forced to the hook state, then the ticket waits for the hook',
    spec
      .given(catalog, atReview())
      .when(forceState('admin', HOOK))
      .then([stateForced('admin', REVIEW, hookWait(), 1)]),
  );
  t.test(
    'given a finished ticket, when forced to the end state again, then act_state 5 (closed)',
    spec
      .given(catalog, atEnd())
      .when(forceState('admin', END))
      .then([stateForced('admin', END, endAssignment, 5)]),
  );
  t.test('given wang was consulted and the admin forced the pool, then the folded ticket is out of add node', async (t) => {
    const ticket = ticketAfter([...consultingWang(), stateForced('admin', REVIEW, several(POOL, 'alice,bob'), 1)]);
    t.equal(ticket.inAddNode, false);
    t.equal(ticket.addNodeMan, '');
    t.strictSame(ticket.assignment, several(POOL, 'alice,bob'));
    t.equal(ticket.actStateId, 1);
  });
  t.test(
    'given wang was consulted and the admin forced the pool, when wang ends the consultation, then wrong_state',
    spec
      .given(catalog, [...consultingWang(), stateForced('admin', REVIEW, several(POOL, 'alice,bob'), 1)])
      .when(endAddNode('wang'))
      .thenThrows('wrong_state'),
  );
});

// ---------------------------------------------------------------------------------------
// Field patch (PATCH /tickets/{id}/fields, Q16)

t.test('change fields', async (t) => {
  t.test(
    'given manager review, when the workflow admin changes title, amount and the read-only reason, then before/after of each',
    spec
      .given(catalog, atReview())
      .when(changeFields('admin', { title: 'two laptops', amount: 6000, reason: 'team grew' }))
      .then([
        fieldsChanged('admin', REVIEW, {
          title: { before: 'laptop', after: 'two laptops' },
          amount: { before: 5000, after: 6000 },
          reason: { before: 'old one broke', after: 'team grew' },
        }),
      ]),
  );
  t.test(
    'given manager review, when the super admin sets a field never set, then before null',
    spec
      .given(catalog, atReview())
      .when(changeFields('root', { priority: 1 }))
      .then([fieldsChanged('root', REVIEW, { priority: { before: null, after: '1' } })]),
  );
  t.test(
    'given manager review, when the assignee lilei changes note and amount (writable here), then the change is recorded',
    spec
      .given(catalog, atReview())
      .when(changeFields('lilei', { note: 'check price', amount: 4500 }))
      .then([fieldsChanged('lilei', REVIEW, { note: { before: null, after: 'check price' }, amount: { before: 5000, after: 4500 } })]),
  );
  t.test(
    'given manager review, when lilei changes reason (read-only), title (not in the state) and foo (unknown), then invalid_request naming them',
    spec
      .given(catalog, atReview())
      .when(changeFields('lilei', { note: 'x', reason: 'r', title: 't', foo: 1 }))
      .thenThrows('invalid_request', { fields: ['reason', 'title', 'foo'] }),
  );
  t.test(
    'given manager review, when the admin sends an unknown key, then invalid_request naming it',
    spec
      .given(catalog, atReview())
      .when(changeFields('admin', { amount: 1, state_id: END }))
      .thenThrows('invalid_request', { fields: ['state_id'] }),
  );
  t.test(
    'given manager review, when the creator (not an assignee, not an admin) changes a field, then not_permitted',
    spec
      .given(catalog, atReview())
      .when(changeFields(CREATOR, { note: 'x' }))
      .thenThrows('not_permitted'),
  );
  t.test(
    'given manager review, when a type_id 1 user who is no admin of this workflow changes a field, then not_permitted',
    spec
      .given(catalog, atReview())
      .when(changeFields('boss', { amount: 1 }))
      .thenThrows('not_permitted'),
  );
  t.test(
    'given manager review, when the admin of another workflow changes a field, then not_permitted',
    spec
      .given(catalog, atReview())
      .when(changeFields('otheradmin', { amount: 1 }))
      .thenThrows('not_permitted'),
  );
  t.test(
    'given manager review, when the admin sends an empty body, then invalid_request',
    spec.given(catalog, atReview()).when(changeFields('admin', {})).thenThrows('invalid_request'),
  );
  t.test(
    'given amount 5000, when the admin sends amount "5000" and the stored reason, then no event (nothing changes)',
    spec
      .given(catalog, atReview())
      .when(changeFields('admin', { amount: '5000', reason: 'old one broke' }))
      .then([]),
  );
  t.test(
    'given manager review, when the admin sends amount "lots", then invalid_field_value naming amount',
    spec
      .given(catalog, atReview())
      .when(changeFields('admin', { amount: 'lots', note: 'x' }))
      .thenThrows('invalid_field_value', { fields: ['amount'] }),
  );
  t.test(
    'given amount 5000, when the admin sends null, then the change clears it',
    spec
      .given(catalog, atReview())
      .when(changeFields('admin', { amount: null }))
      .then([fieldsChanged('admin', REVIEW, { amount: { before: 5000, after: null } })]),
  );
  t.test(
    'given the pool nobody accepted, when alice (a current assignee) writes the note, then it is recorded',
    spec
      .given(catalog, atPool())
      .when(changeFields('alice', { note: 'n' }))
      .then([fieldsChanged('alice', POOL, { note: { before: null, after: 'n' } })]),
  );
  t.test('given a finished ticket, when its former assignee changes a field, then not_permitted; the admin still may', async (t) => {
    t.test(
      'lilei',
      spec
        .given(catalog, atEnd())
        .when(changeFields('lilei', { note: 'x' }))
        .thenThrows('not_permitted'),
    );
    t.test(
      'admin',
      spec
        .given(catalog, atEnd())
        .when(changeFields('admin', { note: 'x' }))
        .then([fieldsChanged('admin', END, { note: { before: null, after: 'x' } })]),
    );
  });
  t.test('given the admin changed title and cleared amount, then the folded ticket has them', async (t) => {
    const ticket = ticketAfter([
      ...atReview(),
      fieldsChanged('admin', REVIEW, {
        title: { before: 'laptop', after: 'two laptops' },
        amount: { before: 5000, after: null },
        note: { before: null, after: 'n' },
      }),
    ]);
    t.equal(ticket.title, 'two laptops');
    t.strictSame(ticket.fields, { reason: 'old one broke', note: 'n' });
    t.strictSame(ticket.assignment, person(REVIEW, 'lilei'), 'the assignment is untouched');
  });
});

// ---------------------------------------------------------------------------------------
// Comments (view permission, §3.3, Q15)

t.test('comment', async (t) => {
  t.test(
    'given manager review, when the assignee comments, then a comment in the current state',
    spec
      .given(catalog, atReview())
      .when(comment('lilei'))
      .then([commented('lilei', REVIEW)]),
  );
  t.test(
    'given manager review, when the creator comments, then it is accepted',
    spec
      .given(catalog, atReview())
      .when(comment(CREATOR))
      .then([commented(CREATOR, REVIEW)]),
  );
  t.test(
    'given manager review, when the super admin comments, then it is accepted',
    spec
      .given(catalog, atReview())
      .when(comment('root'))
      .then([commented('root', REVIEW)]),
  );
  t.test(
    'given manager review, when the workflow admin comments, then it is accepted',
    spec
      .given(catalog, atReview())
      .when(comment('admin'))
      .then([commented('admin', REVIEW)]),
  );
  t.test(
    'given a workflow with the view check, when a stranger comments, then not_permitted',
    spec.given(catalog, atReview()).when(comment('stranger')).thenThrows('not_permitted'),
  );
  t.test(
    'given a workflow with the view check, when the admin of another workflow comments, then not_permitted',
    spec.given(catalog, atReview()).when(comment('otheradmin')).thenThrows('not_permitted'),
  );
  t.test(
    'given a workflow with the view check, when a type_id 1 user who is no admin of it comments, then not_permitted',
    spec.given(catalog, atReview()).when(comment('boss')).thenThrows('not_permitted'),
  );
  t.test(
    'given alice accepted and handed the pool back to review, when bob (once an assignee, so related) comments, then it is accepted',
    spec
      .given(catalog, [...atPool(), accepted('alice', POOL), handled('alice', T.poolDone, POOL, person(REVIEW, 'lilei'), 1)])
      .when(comment('bob'))
      .then([commented('bob', REVIEW)]),
  );
  t.test(
    'given wang is consulted, when wang comments, then it is accepted',
    spec
      .given(catalog, consultingWang())
      .when(comment('wang'))
      .then([commented('wang', REVIEW)]),
  );
  t.test(
    'given a finished ticket, when the creator comments, then the comment is in the end state',
    spec
      .given(catalog, atEnd())
      .when(comment(CREATOR))
      .then([commented(CREATOR, END)]),
  );
  t.test(
    'given a ticket of a workflow version without the view check, when a stranger comments, then it is accepted',
    spec
      .given(catalog, [opened(T.submit, { workflow: purchaseV2 })])
      .when(comment('stranger'))
      .then([commented('stranger', REVIEW)]),
  );
  t.test(
    'given manager review, when the comment is empty, then invalid_request',
    spec.given(catalog, atReview()).when(comment('lilei', '')).thenThrows('invalid_request'),
  );
  t.test(
    'given manager review, when the comment is blank, then invalid_request',
    spec.given(catalog, atReview()).when(comment('lilei', ' \n\t ')).thenThrows('invalid_request'),
  );
  t.test(
    'given manager review, when the comment has 10,001 characters, then suggestion_too_long',
    spec
      .given(catalog, atReview())
      .when(comment('lilei', 'x'.repeat(10_001)))
      .thenThrows('suggestion_too_long'),
  );
});

// ---------------------------------------------------------------------------------------
// Close (§3.19)

t.test('close', async (t) => {
  t.test(
    'given a draft at the start state, when the creator closes it, then it goes to the end state with participant type 0 ""',
    spec
      .given(catalog, atStart())
      .when(close(CREATOR))
      .then([closed(CREATOR, START)]),
  );
  t.test(
    'given a ticket withdrawn to the start state, when the creator closes it, then it is closed',
    spec
      .given(catalog, [...atReview(), retreated(REVIEW)])
      .when(close(CREATOR))
      .then([closed(CREATOR, START)]),
  );
  t.test(
    'given manager review, when the creator closes it (not at the start state), then not_permitted',
    spec.given(catalog, atReview()).when(close(CREATOR)).thenThrows('not_permitted'),
  );
  t.test(
    'given manager review, when the workflow admin closes it, then it is closed',
    spec
      .given(catalog, atReview())
      .when(close('admin'))
      .then([closed('admin', REVIEW)]),
  );
  t.test(
    'given manager review, when the super admin closes it, then it is closed',
    spec
      .given(catalog, atReview())
      .when(close('root'))
      .then([closed('root', REVIEW)]),
  );
  t.test(
    'given a draft, when the workflow admin closes it, then it is closed',
    spec
      .given(catalog, atStart())
      .when(close('admin'))
      .then([closed('admin', START)]),
  );
  t.test(
    'given the committee mid-round, when the admin closes it, then it is closed',
    spec
      .given(catalog, atBoard())
      .when(close('admin'))
      .then([closed('admin', BOARD)]),
  );
  for (const who of ['lilei', 'boss', 'otheradmin', 'stranger']) {
    t.test(
      `given manager review, when ${who} closes it, then not_permitted`,
      spec.given(catalog, atReview()).when(close(who)).thenThrows('not_permitted'),
    );
  }
  t.test(
    'given a finished ticket (act_state 4), when the admin closes it, then wrong_state',
    spec.given(catalog, atEnd()).when(close('admin')).thenThrows('wrong_state'),
  );
  t.test(
    'given a closed ticket, when the admin closes it again, then wrong_state',
    spec.given(catalog, atClosed()).when(close('admin')).thenThrows('wrong_state'),
  );
  t.test(
    'given a ticket forced to the end state (act_state 5), when the admin closes it, then wrong_state',
    spec
      .given(catalog, [...atReview(), stateForced('admin', REVIEW, endAssignment, 5)])
      .when(close('admin'))
      .thenThrows('wrong_state'),
  );
  t.test(
    'given a ticket that reached the end state by a reject transition (act_state 2), when the admin closes it, then wrong_state (it has ended)',
    spec.given(catalog, vetoedToEnd()).when(close('admin')).thenThrows('wrong_state'),
  );
  t.test(
    'given a draft, when closing with a suggestion of 10,001 characters, then suggestion_too_long',
    spec
      .given(catalog, atStart())
      .when(close(CREATOR, 'x'.repeat(10_001)))
      .thenThrows('suggestion_too_long'),
  );
  t.test(
    'given the admin closed a consulted ticket, then the folded ticket is at the end, act_state 5, type 0 "", out of add node',
    async (t) => {
      const ticket = ticketAfter([...consultingWang(), closed('admin', REVIEW)]);
      t.strictSame(ticket.assignment, { stateId: END, participantTypeId: 0, participant: '', multiAllPerson: {} });
      t.equal(ticket.actStateId, 5);
      t.equal(ticket.inAddNode, false);
    },
  );
});

// ---------------------------------------------------------------------------------------
// Retreat (§3.20)

t.test('retreat', async (t) => {
  t.test(
    'given manager review (enable_retreat), when the creator withdraws, then back to the start state with the creator',
    spec
      .given(catalog, atReview())
      .when(retreat(CREATOR))
      .then([retreated(REVIEW)]),
  );
  t.test(
    'given manager review, when the assignee withdraws, then not_permitted',
    spec.given(catalog, atReview()).when(retreat('lilei')).thenThrows('not_permitted'),
  );
  t.test(
    'given manager review, when the workflow admin withdraws, then not_permitted',
    spec.given(catalog, atReview()).when(retreat('admin')).thenThrows('not_permitted'),
  );
  t.test(
    'given the pool (no enable_retreat), when the creator withdraws, then wrong_state',
    spec.given(catalog, atPool()).when(retreat(CREATOR)).thenThrows('wrong_state'),
  );
  t.test(
    'given a ticket sent back to the start state, when the creator withdraws, then wrong_state',
    spec.given(catalog, sentBack()).when(retreat(CREATOR)).thenThrows('wrong_state'),
  );
  t.test(
    'given a finished ticket, when the creator withdraws, then wrong_state',
    spec.given(catalog, atEnd()).when(retreat(CREATOR)).thenThrows('wrong_state'),
  );
  t.test(
    'given the pool, when a stranger withdraws, then not_permitted (who before where)',
    spec.given(catalog, atPool()).when(retreat('stranger')).thenThrows('not_permitted'),
  );
  t.test(
    'given wang is consulted at manager review, when the creator withdraws, then it is withdrawn',
    spec
      .given(catalog, consultingWang())
      .when(retreat(CREATOR))
      .then([retreated(REVIEW)]),
  );
  t.test(
    'given manager review, when withdrawing with a suggestion of 10,001 characters, then suggestion_too_long',
    spec
      .given(catalog, atReview())
      .when(retreat(CREATOR, 'x'.repeat(10_001)))
      .thenThrows('suggestion_too_long'),
  );
  t.test(
    'given the creator withdrew a consulted ticket, then the folded ticket is at the start, act_state 3, out of add node',
    async (t) => {
      const ticket = ticketAfter([...consultingWang(), retreated(REVIEW)]);
      t.strictSame(ticket.assignment, person(START, CREATOR));
      t.equal(ticket.actStateId, 3);
      t.equal(ticket.inAddNode, false);
      t.equal(ticket.assignmentBeforeAddNode, undefined);
    },
  );
});
