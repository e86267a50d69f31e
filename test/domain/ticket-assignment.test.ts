// Decider specification for the actions that change who holds a ticket without moving it:
// accept (§3.5), deliver (§3.6), add_node (§3.8) and add_node_end (§3.9; contract Q15, Q18).
import t from 'tap';
import {
  BOARD,
  CREATOR,
  FINAL,
  POOL,
  REVIEW,
  T,
  accept,
  accepted,
  addNode,
  atBoard,
  atDesk,
  atPool,
  atReview,
  catalog,
  decide,
  deliver,
  delivered,
  endAddNode,
  endAssignment,
  handle,
  handled,
  nodeAddEnded,
  nodeAdded,
  person,
  round,
  spec,
  ticketAfter,
} from './ticket-fixture.ts';

const u = undefined;
const atEnd = () => [...atReview(), handled('lilei', T.finish, REVIEW, endAssignment, 4)];
const consultingWang = () => [...atReview(), nodeAdded('lilei', REVIEW, 'wang', person(REVIEW, 'lilei'))];
const carolAgreed = () => [
  ...atBoard(),
  handled('carol', T.boardAgree, BOARD, round(BOARD, { carol: T.boardAgree, dave: u, erin: u }), 1, { moved: false }),
];

// ---------------------------------------------------------------------------------------
// Accept (§2.3 distribute 1, §3.5)

t.test('accept', async (t) => {
  t.test(
    'given the buyers pool (alice and bob, distribute 1), when alice accepts, then she alone is the assignee',
    spec
      .given(catalog, atPool())
      .when(accept('alice'))
      .then([accepted('alice', POOL)]),
  );
  t.test(
    'given the buyers pool, when bob accepts, then he alone is the assignee',
    spec
      .given(catalog, atPool())
      .when(accept('bob'))
      .then([accepted('bob', POOL)]),
  );
  t.test(
    'given the buyers pool, when someone outside it accepts, then not_permitted',
    spec.given(catalog, atPool()).when(accept(CREATOR)).thenThrows('not_permitted'),
  );
  t.test(
    'given alice accepted, when bob accepts, then not_permitted (he is no longer an assignee)',
    spec
      .given(catalog, [...atPool(), accepted('alice', POOL)])
      .when(accept('bob'))
      .thenThrows('not_permitted'),
  );
  t.test(
    'given alice accepted, when alice accepts again, then wrong_state (nothing left to accept)',
    spec
      .given(catalog, [...atPool(), accepted('alice', POOL)])
      .when(accept('alice'))
      .thenThrows('wrong_state'),
  );
  t.test(
    'given manager review with a single assignee, when lilei accepts, then wrong_state',
    spec.given(catalog, atReview()).when(accept('lilei')).thenThrows('wrong_state'),
  );
  t.test(
    'given the help desk (several, distribute 2 "direct"), when henry accepts, then wrong_state',
    spec.given(catalog, atDesk()).when(accept('henry')).thenThrows('wrong_state'),
  );
  t.test(
    'given the committee (several, distribute 4 "all"), when carol accepts, then wrong_state',
    spec.given(catalog, atBoard()).when(accept('carol')).thenThrows('wrong_state'),
  );
  t.test(
    'given a finished ticket, when its last handler accepts, then wrong_state',
    spec.given(catalog, atEnd()).when(accept('lilei')).thenThrows('wrong_state'),
  );
  t.test('given alice accepted, then the folded ticket has alice alone and keeps bob related', async (t) => {
    const ticket = ticketAfter([...atPool(), accepted('alice', POOL)]);
    t.strictSame(ticket.assignment, person(POOL, 'alice'));
    t.ok(ticket.relation.includes('bob'), 'bob stays related');
    t.equal(ticket.lastPersonByState[POOL], 'alice', 'accepting counts as acting in the state');
  });
});

// ---------------------------------------------------------------------------------------
// Deliver (§3.6, contract Q15)

t.test('deliver by an assignee', async (t) => {
  t.test(
    'given manager review (lilei), when lilei delivers to wang, then wang alone is the assignee',
    spec
      .given(catalog, atReview())
      .when(deliver('lilei', 'wang'))
      .then([delivered('lilei', REVIEW, 'wang', person(REVIEW, 'wang'))]),
  );
  t.test(
    'given the buyers pool, when alice delivers before accepting, then the target alone is the assignee',
    spec
      .given(catalog, atPool())
      .when(deliver('alice', 'zoe'))
      .then([delivered('alice', POOL, 'zoe', person(POOL, 'zoe'))]),
  );
  t.test(
    'given the pool delivered to zoe, when zoe handles, then it moves (a single assignee needs no accept)',
    spec
      .given(catalog, [...atPool(), delivered('alice', POOL, 'zoe', person(POOL, 'zoe'))])
      .when(handle('zoe', T.poolFinish))
      .then([handled('zoe', T.poolFinish, POOL, endAssignment, 4)]),
  );
  t.test(
    'given manager review, when the creator (not an assignee) delivers, then not_permitted',
    spec.given(catalog, atReview()).when(deliver(CREATOR, 'wang')).thenThrows('not_permitted'),
  );
  t.test(
    'given manager review, when the workflow admin delivers without from_admin, then not_permitted (not an assignee)',
    spec.given(catalog, atReview()).when(deliver('admin', 'wang')).thenThrows('not_permitted'),
  );
  t.test(
    'given a finished ticket, when anyone delivers, then wrong_state',
    spec
      .given(catalog, atEnd())
      .when(deliver('admin', 'wang', true))
      .thenThrows('wrong_state'),
  );
  t.test(
    'given manager review, when lilei delivers with a suggestion of 10,001 characters, then suggestion_too_long',
    spec
      .given(catalog, atReview())
      .when(deliver('lilei', 'wang', false, 'x'.repeat(10_001)))
      .thenThrows('suggestion_too_long'),
  );
  t.test(
    'given wang is consulted (add node), when wang delivers to zoe, then zoe holds the consultation',
    spec
      .given(catalog, consultingWang())
      .when(deliver('wang', 'zoe'))
      .then([delivered('wang', REVIEW, 'zoe', person(REVIEW, 'zoe'))]),
  );
  t.test('given wang delivered the consultation to zoe, then the folded ticket is still in add node', async (t) => {
    const ticket = ticketAfter([...consultingWang(), delivered('wang', REVIEW, 'zoe', person(REVIEW, 'zoe'))]);
    t.equal(ticket.inAddNode, true);
    t.strictSame(ticket.assignmentBeforeAddNode, person(REVIEW, 'lilei'));
  });
});

t.test('deliver from_admin (ticket admin = super admin or admin of this workflow, Q15)', async (t) => {
  t.test(
    'given manager review, when the admin of this workflow delivers from_admin, then the target alone is the assignee',
    spec
      .given(catalog, atReview())
      .when(deliver('admin', 'wang', true))
      .then([delivered('admin', REVIEW, 'wang', person(REVIEW, 'wang'), true)]),
  );
  t.test(
    'given manager review, when the super admin delivers from_admin, then it is delivered',
    spec
      .given(catalog, atReview())
      .when(deliver('root', 'wang', true))
      .then([delivered('root', REVIEW, 'wang', person(REVIEW, 'wang'), true)]),
  );
  t.test(
    'given manager review, when a type_id 1 user who is no admin of this workflow delivers from_admin, then not_permitted',
    spec
      .given(catalog, atReview())
      .when(deliver('boss', 'wang', true))
      .thenThrows('not_permitted'),
  );
  t.test(
    'given manager review, when the admin of another workflow delivers from_admin, then not_permitted',
    spec
      .given(catalog, atReview())
      .when(deliver('otheradmin', 'wang', true))
      .thenThrows('not_permitted'),
  );
  t.test(
    'given manager review, when the assignee lilei delivers from_admin, then not_permitted (from_admin needs an admin)',
    spec
      .given(catalog, atReview())
      .when(deliver('lilei', 'wang', true))
      .thenThrows('not_permitted'),
  );
  t.test(
    'given the committee with carol voted, when the admin delivers from_admin, then the target alone holds the state (the round is dropped)',
    spec
      .given(catalog, carolAgreed())
      .when(deliver('admin', 'zoe', true))
      .then([delivered('admin', BOARD, 'zoe', person(BOARD, 'zoe'), true)]),
  );
});

t.test('deliver target validation', async (t) => {
  for (const [target, why] of [
    ['', 'empty'],
    ['wang,zoe', 'two names'],
    ['wang zoe', 'a space'],
    ['lilei', 'the actor themselves'],
    ['loonrobot', "the engine's name"],
    ['hook', "the hook's name"],
  ]) {
    t.test(
      `given manager review, when lilei delivers to ${JSON.stringify(target)} (${why}), then invalid_request`,
      spec.given(catalog, atReview()).when(deliver('lilei', target)).thenThrows('invalid_request'),
    );
  }
  t.test(
    'given manager review, when an admin delivers from_admin to "loonrobot", then invalid_request',
    spec
      .given(catalog, atReview())
      .when(deliver('admin', 'loonrobot', true))
      .thenThrows('invalid_request'),
  );
  t.test(
    'given manager review, when lilei delivers to 51 characters, then invalid_request (a username has at most 50)',
    spec
      .given(catalog, atReview())
      .when(deliver('lilei', 'w'.repeat(51)))
      .thenThrows('invalid_request'),
  );
});

t.test('deliver and add_node targets are active users of the directory', async (t) => {
  for (const [name, command] of [
    ['lilei delivers to nosuchuser', () => deliver('lilei', 'nosuchuser')],
    ['lilei delivers to gone (inactive)', () => deliver('lilei', 'gone')],
    ['an admin delivers from_admin to nosuchuser', () => deliver('admin', 'nosuchuser', true)],
    ['lilei consults nosuchuser', () => addNode('lilei', 'nosuchuser')],
    ['lilei consults gone (inactive)', () => addNode('lilei', 'gone')],
  ] as const) {
    t.test(
      `given manager review, when ${name}, then invalid_request naming the user: nobody could log in to work the ticket`,
      spec.given(catalog, atReview()).when(command()).thenThrows('invalid_request'),
    );
  }
  t.test('given manager review, when lilei delivers to nosuchuser, then the message names the user', async (t) => {
    try {
      decide(deliver('lilei', 'nosuchuser'), catalog, atReview());
      t.fail('expected a refusal');
    } catch (error) {
      t.match((error as Error).message, /target_username "nosuchuser" is not a user of the directory/);
    }
  });
});

t.test('deliver in an "all must handle" round: an assignee hands over only their own slot', async (t) => {
  t.test(
    "given nobody voted, when carol delivers to zoe, then zoe takes carol's place and dave and erin keep theirs",
    spec
      .given(catalog, atBoard())
      .when(deliver('carol', 'zoe'))
      .then([delivered('carol', BOARD, 'zoe', round(BOARD, { zoe: u, dave: u, erin: u }))]),
  );
  t.test(
    "given dave agreed, when carol delivers to zoe, then dave's choice is kept and zoe and erin remain",
    spec
      .given(catalog, [
        ...atBoard(),
        handled('dave', T.boardAgree, BOARD, round(BOARD, { carol: u, dave: T.boardAgree, erin: u }), 1, { moved: false }),
      ])
      .when(deliver('carol', 'zoe'))
      .then([delivered('carol', BOARD, 'zoe', round(BOARD, { zoe: u, dave: T.boardAgree, erin: u }))]),
  );
  t.test(
    'given carol agreed, when carol delivers, then not_permitted (she is no longer a participant)',
    spec.given(catalog, carolAgreed()).when(deliver('carol', 'zoe')).thenThrows('not_permitted'),
  );
  t.test(
    "given zoe took carol's slot, when zoe, dave and erin agree, then the committee moves (zoe counts as a member)",
    spec
      .given(catalog, [
        ...atBoard(),
        delivered('carol', BOARD, 'zoe', round(BOARD, { zoe: u, dave: u, erin: u })),
        handled('zoe', T.boardAgree, BOARD, round(BOARD, { zoe: T.boardAgree, dave: u, erin: u }), 1, { moved: false }),
        handled('dave', T.boardAgree, BOARD, round(BOARD, { zoe: T.boardAgree, dave: T.boardAgree, erin: u }), 1, { moved: false }),
      ])
      .when(handle('erin', T.boardAgree))
      .then([handled('erin', T.boardAgree, BOARD, round(FINAL, { frank: u, grace: u }), 1)]),
  );
  t.test(
    'given nobody voted, when carol delivers to dave (already a member of the round), then invalid_request and the round is kept',
    spec.given(catalog, atBoard()).when(deliver('carol', 'dave')).thenThrows('invalid_request'),
  );
});

t.test(
  'given the ticket was delivered to a user named "valueOf", when valueOf delivers to zoe, then zoe alone is the assignee',
  spec
    .given(catalog, [...atReview(), delivered('lilei', REVIEW, 'valueOf', person(REVIEW, 'valueOf'))])
    .when(deliver('valueOf', 'zoe'))
    .then([delivered('valueOf', REVIEW, 'zoe', person(REVIEW, 'zoe'))]),
);

// ---------------------------------------------------------------------------------------
// Add node (§3.8) and add node end (§3.9, Q18)

t.test('add node', async (t) => {
  t.test(
    "given manager review, when lilei consults wang, then wang alone holds it and lilei's assignment is kept to restore",
    spec
      .given(catalog, atReview())
      .when(addNode('lilei', 'wang'))
      .then([nodeAdded('lilei', REVIEW, 'wang', person(REVIEW, 'lilei'))]),
  );
  t.test(
    'given manager review, when the creator (not an assignee) adds a node, then not_permitted',
    spec.given(catalog, atReview()).when(addNode(CREATOR, 'wang')).thenThrows('not_permitted'),
  );
  t.test(
    'given the buyers pool nobody accepted, when alice adds a node, then wrong_state (accept first)',
    spec.given(catalog, atPool()).when(addNode('alice', 'wang')).thenThrows('wrong_state'),
  );
  t.test(
    'given alice accepted the pool, when alice adds a node, then wang is consulted',
    spec
      .given(catalog, [...atPool(), accepted('alice', POOL)])
      .when(addNode('alice', 'wang'))
      .then([nodeAdded('alice', POOL, 'wang', person(POOL, 'alice'))]),
  );
  t.test(
    'given wang is consulted, when wang adds another node, then wrong_state (finish with add_node_end first)',
    spec.given(catalog, consultingWang()).when(addNode('wang', 'zoe')).thenThrows('wrong_state'),
  );
  t.test(
    'given a finished ticket, when its last handler adds a node, then wrong_state',
    spec.given(catalog, atEnd()).when(addNode('lilei', 'wang')).thenThrows('wrong_state'),
  );
  t.test(
    'given manager review, when lilei adds a node with a suggestion of 10,001 characters, then suggestion_too_long',
    spec
      .given(catalog, atReview())
      .when(addNode('lilei', 'wang', 'x'.repeat(10_001)))
      .thenThrows('suggestion_too_long'),
  );
  for (const target of ['', 'wang,zoe', 'lilei', 'loonrobot']) {
    t.test(
      `given manager review, when lilei consults ${JSON.stringify(target)}, then invalid_request`,
      spec.given(catalog, atReview()).when(addNode('lilei', target)).thenThrows('invalid_request'),
    );
  }
  t.test(
    'given the committee with dave voted, when carol consults zoe, then the round is kept to restore',
    spec
      .given(catalog, [
        ...atBoard(),
        handled('dave', T.boardVeto, BOARD, round(BOARD, { carol: u, dave: T.boardVeto, erin: u }), 2, { moved: false }),
      ])
      .when(addNode('carol', 'zoe'))
      .then([nodeAdded('carol', BOARD, 'zoe', round(BOARD, { carol: u, dave: T.boardVeto, erin: u }))]),
  );
});

t.test('add node end', async (t) => {
  t.test(
    'given wang is consulted, when wang ends the consultation, then lilei holds the ticket again',
    spec
      .given(catalog, consultingWang())
      .when(endAddNode('wang'))
      .then([nodeAddEnded('wang', REVIEW, person(REVIEW, 'lilei'))]),
  );
  t.test(
    'given no consultation, when lilei ends one, then wrong_state (Q18)',
    spec.given(catalog, atReview()).when(endAddNode('lilei')).thenThrows('wrong_state'),
  );
  t.test(
    'given wang is consulted, when lilei (who asked) ends it, then not_permitted (only the consulted person)',
    spec.given(catalog, consultingWang()).when(endAddNode('lilei')).thenThrows('not_permitted'),
  );
  t.test(
    'given wang is consulted, when a stranger ends it, then not_permitted',
    spec.given(catalog, consultingWang()).when(endAddNode('stranger')).thenThrows('not_permitted'),
  );
  t.test(
    'given wang is consulted, when wang ends it with a suggestion of 10,001 characters, then suggestion_too_long',
    spec
      .given(catalog, consultingWang())
      .when(endAddNode('wang', 'x'.repeat(10_001)))
      .thenThrows('suggestion_too_long'),
  );
  t.test(
    "given carol consulted zoe during a round where dave vetoed, when zoe ends, then the round is restored with dave's choice",
    spec
      .given(catalog, [
        ...atBoard(),
        handled('dave', T.boardVeto, BOARD, round(BOARD, { carol: u, dave: T.boardVeto, erin: u }), 2, { moved: false }),
        nodeAdded('carol', BOARD, 'zoe', round(BOARD, { carol: u, dave: T.boardVeto, erin: u })),
      ])
      .when(endAddNode('zoe'))
      .then([nodeAddEnded('zoe', BOARD, round(BOARD, { carol: u, dave: T.boardVeto, erin: u }))]),
  );
  t.test('given wang was consulted and ended it, then the folded ticket has the original assignment and no add-node status', async (t) => {
    const ticket = ticketAfter([...consultingWang(), nodeAddEnded('wang', REVIEW, person(REVIEW, 'lilei'))]);
    t.strictSame(ticket.assignment, person(REVIEW, 'lilei'));
    t.equal(ticket.inAddNode, false);
    t.equal(ticket.addNodeMan, '');
    t.equal(ticket.assignmentBeforeAddNode, undefined);
    t.ok(ticket.relation.includes('wang'), 'wang stays related');
  });
  t.test('given lilei consulted wang, then the folded ticket is in add node with lilei as add_node_man', async (t) => {
    const ticket = ticketAfter(consultingWang());
    t.strictSame(ticket.assignment, person(REVIEW, 'wang'));
    t.equal(ticket.inAddNode, true);
    t.equal(ticket.addNodeMan, 'lilei');
  });
  t.test(
    'given the consultation ended, when lilei handles, then it moves',
    spec
      .given(catalog, [...consultingWang(), nodeAddEnded('wang', REVIEW, person(REVIEW, 'lilei'))])
      .when(handle('lilei', T.finish))
      .then([handled('lilei', T.finish, REVIEW, endAssignment, 4)]),
  );
  t.test(
    'given the consultation ended, when wang handles, then not_permitted',
    spec
      .given(catalog, [...consultingWang(), nodeAddEnded('wang', REVIEW, person(REVIEW, 'lilei'))])
      .when(handle('wang', T.finish))
      .thenThrows('not_permitted'),
  );
  t.test(
    'given the consultation ended, when wang ends it again, then wrong_state',
    spec
      .given(catalog, [...consultingWang(), nodeAddEnded('wang', REVIEW, person(REVIEW, 'lilei'))])
      .when(endAddNode('wang'))
      .thenThrows('wrong_state'),
  );
});

t.test('an admin delivery is an intervention', async (t) => {
  const consulting = () => [...atReview(), nodeAdded('lilei', REVIEW, 'wang', person(REVIEW, 'lilei'))];
  t.test('given lilei consults wang, when the admin delivers to zoe, then the consultation is over', async (t) => {
    const after = ticketAfter([...consulting(), delivered('admin', REVIEW, 'zoe', person(REVIEW, 'zoe'), true)]);
    t.equal(after.inAddNode, false);
    t.equal(after.addNodeMan, '');
    t.equal(after.assignmentBeforeAddNode, undefined, 'nobody can hand it back to lilei');
  });
  t.test(
    'given the admin delivered during a consultation, when zoe calls add_node_end, then wrong_state: there is no consultation left',
    spec
      .given(catalog, [...consulting(), delivered('admin', REVIEW, 'zoe', person(REVIEW, 'zoe'), true)])
      .when(endAddNode('zoe'))
      .thenThrows('wrong_state'),
  );
  t.test('given the admin delivered at manager review, then the admin is not remembered as its last man', async (t) => {
    const after = ticketAfter([...atReview(), delivered('admin', REVIEW, 'zoe', person(REVIEW, 'zoe'), true)]);
    t.not(after.lastPersonByState[REVIEW], 'admin');
  });
});
