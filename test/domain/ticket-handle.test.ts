// Decider specification for handling a ticket (PATCH /tickets/{id}, behaviour §2.2, §2.5,
// §2.6, §3.7; contract §3, Q8, Q14, Q29): given the catalog and the ticket's events, when
// HandleTicket is decided, then exactly these events, or this DomainError code.
// The "all must handle" rounds (§2.4) are in ticket-all-must-handle.test.ts.
import t from 'tap';
import { ENGINE } from '../../src/domain/ticket/commands.ts';
import {
  BOARD,
  CREATOR,
  DESK,
  END,
  POOL,
  REVIEW,
  SCRIPT,
  START,
  T,
  accepted,
  atBoard,
  atDesk,
  atPool,
  atReview,
  atStart,
  catalog,
  commented,
  delivered,
  endAssignment,
  handle,
  handled,
  hookWait,
  nodeAddEnded,
  nodeAdded,
  opened,
  person,
  retreated,
  round,
  several,
  spec,
  ticketAfter,
} from './ticket-fixture.ts';

const atEnd = () => [...atReview(), handled('lilei', T.finish, REVIEW, endAssignment, 4)];
/** lilei has asked wang for advice (add node). */
const consultingWang = () => [...atReview(), nodeAdded('lilei', REVIEW, 'wang', person(REVIEW, 'lilei'))];

// ---------------------------------------------------------------------------------------
// Happy path: destination, assignees, field changes

t.test(
  'given the ticket at manager review (lilei, amount 5000), when lilei approves with a note and amount 800, then it moves to the buyers pool with before/after of both fields',
  spec
    .given(catalog, atReview())
    .when(handle('lilei', T.approve, { note: 'ok to buy', amount: 800 }, 'fine by me'))
    .then([
      handled('lilei', T.approve, REVIEW, several(POOL, 'alice,bob'), 1, {
        suggestion: 'fine by me',
        fieldChanges: { note: { before: null, after: 'ok to buy' }, amount: { before: 5000, after: 800 } },
      }),
    ]),
);

t.test(
  'given the ticket at the help desk (henry and ivy, distribute 2 "direct"), when henry handles without accepting, then it moves to the end state',
  spec
    .given(catalog, atDesk())
    .when(handle('henry', T.deskDone))
    .then([handled('henry', T.deskDone, DESK, endAssignment, 4)]),
);

t.test('participants are resolved on entry for the destination (§2.1)', async (t) => {
  t.test(
    'given a draft, when the creator sends it to the hook state, then the ticket waits for the hook (type 10, "***")',
    spec
      .given(catalog, atStart())
      .when(handle(CREATOR, T.toHook))
      .then([handled(CREATOR, T.toHook, START, hookWait(), 1)]),
  );
  t.test(
    'given a draft, when the creator sends it to the script state, then the script is the assignee (type 6)',
    spec
      .given(catalog, atStart())
      .when(handle(CREATOR, T.toScript))
      .then([
        handled(CREATOR, T.toScript, START, { stateId: SCRIPT, participantTypeId: 6, participant: 'notify.js', multiAllPerson: {} }, 1),
      ]),
  );
  t.test(
    'given manager review, when lilei escalates to the committee (distribute 4), then a fresh round with every member',
    spec
      .given(catalog, atReview())
      .when(handle('lilei', T.escalate))
      .then([handled('lilei', T.escalate, REVIEW, round(BOARD, { carol: undefined, dave: undefined, erin: undefined }), 1)]),
  );
  t.test(
    'given manager review, when lilei sends it back to the start state, then the creator is the assignee',
    spec
      .given(catalog, atReview())
      .when(handle('lilei', T.sendBack))
      .then([handled('lilei', T.sendBack, REVIEW, person(START, CREATOR), 2)]),
  );
});

// ---------------------------------------------------------------------------------------
// act_state (§2.5): end 4, start 0, else 1; a reject transition makes it 2 wherever it leads

t.test('act_state after handling', async (t) => {
  t.test(
    'given manager review, when lilei finishes (to the end state), then act_state 4 and the end assignee "" (type 1)',
    spec
      .given(catalog, atReview())
      .when(handle('lilei', T.finish))
      .then([handled('lilei', T.finish, REVIEW, endAssignment, 4)]),
  );
  t.test(
    'given a ticket sent back (act_state 2) to the creator, when the creator saves (start → start), then act_state 0',
    spec
      .given(catalog, [...atReview(), handled('lilei', T.sendBack, REVIEW, person(START, CREATOR), 2)])
      .when(handle(CREATOR, T.save))
      .then([handled(CREATOR, T.save, START, person(START, CREATOR), 0)]),
  );
  t.test(
    'given a ticket sent back (act_state 2), when the creator resubmits to a normal state, then act_state 1 again',
    spec
      .given(catalog, [...atReview(), handled('lilei', T.sendBack, REVIEW, person(START, CREATOR), 2)])
      .when(handle(CREATOR, T.submit, { amount: 5000, reason: 'old one broke' }))
      .then([handled(CREATOR, T.submit, START, person(REVIEW, 'lilei'), 1)]),
  );
  t.test(
    'given manager review, when lilei sends it back (reject attribute) to the start state, then act_state 2, not 0',
    spec
      .given(catalog, atReview())
      .when(handle('lilei', T.sendBack))
      .then([handled('lilei', T.sendBack, REVIEW, person(START, CREATOR), 2)]),
  );
});

// ---------------------------------------------------------------------------------------
// Who may handle (§2.2; contract §3: 403 not a participant, 409 wrong state)

t.test('permission and state', async (t) => {
  t.test(
    'given manager review (lilei), when the creator zhangsan handles, then not_permitted',
    spec
      .given(catalog, atReview())
      .when(handle(CREATOR, T.approve, { note: 'x' }))
      .thenThrows('not_permitted'),
  );
  t.test(
    'given manager review, when a super admin who is not the assignee handles, then not_permitted (admins intervene by other actions)',
    spec.given(catalog, atReview()).when(handle('root', T.finish)).thenThrows('not_permitted'),
  );
  t.test(
    'given the buyers pool (alice and bob, distribute 1), when alice handles before accepting, then wrong_state',
    spec.given(catalog, atPool()).when(handle('alice', T.poolDone)).thenThrows('wrong_state'),
  );
  t.test(
    'given the buyers pool after alice accepted, when alice handles, then it moves',
    spec
      .given(catalog, [...atPool(), accepted('alice', POOL)])
      .when(handle('alice', T.poolDone))
      .then([handled('alice', T.poolDone, POOL, person(REVIEW, 'lilei'), 1)]),
  );
  t.test(
    'given lilei consults wang (add node), when wang handles, then wrong_state (only add_node_end is possible)',
    spec.given(catalog, consultingWang()).when(handle('wang', T.finish)).thenThrows('wrong_state'),
  );
  t.test(
    'given lilei consults wang (add node), when lilei handles, then not_permitted (wang holds the ticket)',
    spec.given(catalog, consultingWang()).when(handle('lilei', T.finish)).thenThrows('not_permitted'),
  );
  t.test(
    'given a finished ticket (end state), when its last handler handles again, then wrong_state',
    spec.given(catalog, atEnd()).when(handle('lilei', T.finish)).thenThrows('wrong_state'),
  );
  t.test(
    'given a finished ticket, when the engine handles, then wrong_state too (nothing can be done in an end state)',
    spec.given(catalog, atEnd()).when(handle(ENGINE, T.finish)).thenThrows('wrong_state'),
  );
  t.test(
    'given manager review, when lilei uses transition 999, then transition_not_found',
    spec.given(catalog, atReview()).when(handle('lilei', 999)).thenThrows('transition_not_found'),
  );
  t.test(
    'given manager review, when lilei uses a transition of the buyers pool, then wrong_state',
    spec.given(catalog, atReview()).when(handle('lilei', T.poolDone)).thenThrows('wrong_state'),
  );
  t.test(
    'given manager review, when lilei uses a transition leading to a state that does not exist, then state_not_found',
    spec.given(catalog, atReview()).when(handle('lilei', T.nowhere)).thenThrows('state_not_found'),
  );
});

t.test('the engine (loonrobot: hooks, timers, sub-tickets) bypasses the participant checks', async (t) => {
  t.test(
    'given manager review (lilei), when the engine approves, then the ticket moves with the engine as actor',
    spec
      .given(catalog, atReview())
      .when(handle(ENGINE, T.approve, { note: 'auto', amount: 10 }, '定时器流转'))
      .then([
        handled(ENGINE, T.approve, REVIEW, several(POOL, 'alice,bob'), 1, {
          suggestion: '定时器流转',
          fieldChanges: { note: { before: null, after: 'auto' }, amount: { before: 5000, after: 10 } },
        }),
      ]),
  );
  t.test(
    'given the buyers pool nobody accepted, when the engine handles, then it moves without an accept',
    spec
      .given(catalog, atPool())
      .when(handle(ENGINE, T.poolDone))
      .then([handled(ENGINE, T.poolDone, POOL, person(REVIEW, 'lilei'), 1)]),
  );
  t.test(
    'given a ticket out for consultation, when the engine handles, then it moves',
    spec
      .given(catalog, consultingWang())
      .when(handle(ENGINE, T.finish))
      .then([handled(ENGINE, T.finish, REVIEW, endAssignment, 4)]),
  );
  t.test(
    'given a user who calls themselves "loonrobot" (not the engine), when they handle manager review, then not_permitted',
    spec.given(catalog, atReview()).when(handle('loonrobot', T.finish)).thenThrows('not_permitted'),
  );
  t.test('given the engine moved a ticket that was out for consultation, then the next state is not "in add node"', async (t) => {
    const after = ticketAfter([...consultingWang(), handled(ENGINE, T.approve, REVIEW, several(POOL, 'alice,bob'), 1)]);
    t.equal(after.inAddNode, false, 'inAddNode is cleared by the move');
    t.equal(after.assignmentBeforeAddNode, undefined, 'no assignment to restore is left over');
  });
  t.test(
    'given the engine moved a consulted ticket into the pool and alice accepted, when alice handles, then it moves',
    spec
      .given(catalog, [...consultingWang(), handled(ENGINE, T.approve, REVIEW, several(POOL, 'alice,bob'), 1), accepted('alice', POOL)])
      .when(handle('alice', T.poolDone))
      .then([handled('alice', T.poolDone, POOL, person(REVIEW, 'lilei'), 1)]),
  );
});

// ---------------------------------------------------------------------------------------
// Suggestion (contract Q14)

t.test(
  'given manager review, when lilei handles with a suggestion of 10,001 characters, then suggestion_too_long',
  spec
    .given(catalog, atReview())
    .when(handle('lilei', T.finish, {}, 'x'.repeat(10_001)))
    .thenThrows('suggestion_too_long'),
);

t.test(
  'given manager review, when lilei handles with a suggestion of exactly 10,000 characters, then it is kept whole',
  spec
    .given(catalog, atReview())
    .when(handle('lilei', T.finish, {}, 'x'.repeat(10_000)))
    .then([handled('lilei', T.finish, REVIEW, endAssignment, 4, { suggestion: 'x'.repeat(10_000) })]),
);

// ---------------------------------------------------------------------------------------
// Fields (§3.7.2, contract Q29)

t.test('required fields of the current state', async (t) => {
  t.test(
    'given note is required at manager review, when lilei approves without it, then required_fields_missing names note',
    spec
      .given(catalog, atReview())
      .when(handle('lilei', T.approve, { amount: 10 }))
      .thenThrows('required_fields_missing', { fields: ['note'] }),
  );
  t.test(
    'given note is required, when lilei approves with a blank note, then required_fields_missing names note',
    spec
      .given(catalog, atReview())
      .when(handle('lilei', T.approve, { note: '   ' }))
      .thenThrows('required_fields_missing', { fields: ['note'] }),
  );
  t.test(
    'given amount and reason are required at the start state (even though stored), when the creator resubmits with neither, then both are named',
    spec
      .given(catalog, atStart())
      .when(handle(CREATOR, T.submit, { title: 'x' }))
      .thenThrows('required_fields_missing', { fields: ['amount', 'reason'] }),
  );
  t.test(
    'given the finish transition has field_require_check false, when lilei finishes without the required note, then it moves',
    spec
      .given(catalog, atReview())
      .when(handle('lilei', T.finish))
      .then([handled('lilei', T.finish, REVIEW, endAssignment, 4)]),
  );
});

t.test('field values', async (t) => {
  t.test(
    'given amount is an int, when lilei sends "lots", then invalid_field_value names amount',
    spec
      .given(catalog, atReview())
      .when(handle('lilei', T.approve, { note: 'n', amount: 'lots' }))
      .thenThrows('invalid_field_value', { fields: ['amount'] }),
  );
  t.test(
    "given note and amount writable, priority a radio, when all three are bad, then one invalid_field_value names each in the workflow's field order",
    spec
      .given(catalog, atReview())
      .when(handle('lilei', T.finish, { note: 5, amount: 1.5, priority: '9' }))
      .thenThrows('invalid_field_value', { fields: ['amount', 'note', 'priority'] }),
  );
  t.test(
    'given reason is read-only and title and foo are not fields of manager review, when sent (even with bad values), then they are ignored',
    spec
      .given(catalog, atReview())
      .when(handle('lilei', T.finish, { reason: 12345, title: 'renamed', foo: 'bar', state_id: END, note: 'done' }))
      .then([handled('lilei', T.finish, REVIEW, endAssignment, 4, { fieldChanges: { note: { before: null, after: 'done' } } })]),
  );
  t.test(
    'given amount 5000 is stored, when lilei sends "5000" (the same value once normalised), then amount is not a change',
    spec
      .given(catalog, atReview())
      .when(handle('lilei', T.finish, { amount: '5000', priority: 2 }))
      .then([handled('lilei', T.finish, REVIEW, endAssignment, 4, { fieldChanges: { priority: { before: null, after: '2' } } })]),
  );
  t.test(
    'given amount 5000 is stored, when lilei sends null, then the change clears it (after null)',
    spec
      .given(catalog, atReview())
      .when(handle('lilei', T.finish, { amount: null }))
      .then([handled('lilei', T.finish, REVIEW, endAssignment, 4, { fieldChanges: { amount: { before: 5000, after: null } } })]),
  );
  t.test(
    'given title is optional at the start state, when the creator saves a new title, then title is a change with before/after',
    spec
      .given(catalog, atStart())
      .when(handle(CREATOR, T.save, { title: 'two laptops' }))
      .then([
        handled(CREATOR, T.save, START, person(START, CREATOR), 0, { fieldChanges: { title: { before: 'laptop', after: 'two laptops' } } }),
      ]),
  );
});

// ---------------------------------------------------------------------------------------
// Condition expressions (§3.7.3): stored values, every custom field (null when unset), the request on top

t.test('condition routing on manager review', async (t) => {
  t.test(
    'given amount 5000 stored and "{amount} > 1000 → committee", when lilei approves without amount, then the stored value routes to the committee',
    spec
      .given(catalog, atReview())
      .when(handle('lilei', T.approve, { note: 'n' }))
      .then([
        handled('lilei', T.approve, REVIEW, round(BOARD, { carol: undefined, dave: undefined, erin: undefined }), 1, {
          fieldChanges: { note: { before: null, after: 'n' } },
        }),
      ]),
  );
  t.test(
    'given amount 5000 stored, when lilei approves with amount 800, then the request overrides the stored value: buyers pool',
    spec
      .given(catalog, atReview())
      .when(handle('lilei', T.approve, { note: 'n', amount: 800 }))
      .then([
        handled('lilei', T.approve, REVIEW, several(POOL, 'alice,bob'), 1, {
          fieldChanges: { note: { before: null, after: 'n' }, amount: { before: 5000, after: 800 } },
        }),
      ]),
  );
  t.test(
    'given priority never set, when lilei routes by "{priority} == \'2\'", then priority is None (not missing) and the default applies',
    spec
      .given(catalog, atReview())
      .when(handle('lilei', T.byPriority))
      .then([handled('lilei', T.byPriority, REVIEW, several(POOL, 'alice,bob'), 1)]),
  );
  t.test(
    'given priority "2" stored at creation, when lilei routes by priority without sending it, then the committee',
    spec
      .given(catalog, [opened(T.submit, { fields: { amount: 5000, reason: 'old one broke', priority: '2' } })])
      .when(handle('lilei', T.byPriority))
      .then([handled('lilei', T.byPriority, REVIEW, round(BOARD, { carol: undefined, dave: undefined, erin: undefined }), 1)]),
  );
  t.test(
    'given a condition on {budget}, which is no field, when it is not in the request, then condition_field_missing names budget',
    spec.given(catalog, atReview()).when(handle('lilei', T.byBudget)).thenThrows('condition_field_missing', { field: 'budget' }),
  );
  t.test(
    'given a condition on {budget}, when the request carries budget (no such field), then it is still missing: only stored and written fields steer the routing',
    spec
      .given(catalog, atReview())
      .when(handle('lilei', T.byBudget, { budget: 5 }))
      .thenThrows('condition_field_missing', { field: 'budget' }),
  );
  t.test(
    'given amount is an int field, when lilei approves with amount "800" (valid, stored as 800), then the condition sees 800: buyers pool',
    spec
      .given(catalog, atReview())
      .when(handle('lilei', T.approve, { note: 'n', amount: '800' }))
      .then([
        handled('lilei', T.approve, REVIEW, several(POOL, 'alice,bob'), 1, {
          fieldChanges: { note: { before: null, after: 'n' }, amount: { before: 5000, after: 800 } },
        }),
      ]),
  );
});

// ---------------------------------------------------------------------------------------
// remember_last_man_enable (§2.6, contract Q8: works as intended)

/** wang took over manager review from lilei and approved it into the pool; alice accepted there. */
const reviewedByWang = () => [
  ...atReview(),
  delivered('lilei', REVIEW, 'wang', person(REVIEW, 'wang')),
  handled('wang', T.approve, REVIEW, several(POOL, 'alice,bob'), 1, {
    fieldChanges: { note: { before: null, after: 'n' }, amount: { before: 5000, after: 800 } },
  }),
  accepted('alice', POOL),
];

t.test('remember the last man', async (t) => {
  t.test(
    'given wang was the last to act at manager review (a remembering state), when the ticket re-enters it, then wang gets it, not the configured lilei',
    spec
      .given(catalog, reviewedByWang())
      .when(handle('alice', T.poolDone))
      .then([handled('alice', T.poolDone, POOL, person(REVIEW, 'wang'), 1)]),
  );
  t.test(
    'given alice accepted the pool before (a state without the flag), when the ticket re-enters the pool, then its configured assignees again',
    spec
      .given(catalog, [...reviewedByWang(), handled('alice', T.poolDone, POOL, person(REVIEW, 'wang'), 1)])
      .when(handle('wang', T.approve, { note: 'again', amount: 800 }))
      .then([
        handled('wang', T.approve, REVIEW, several(POOL, 'alice,bob'), 1, {
          suggestion: 'ok',
          fieldChanges: { note: { before: 'n', after: 'again' } },
        }),
      ]),
  );
  t.test(
    'given only the engine acted at manager review, when the ticket re-enters it, then the configured lilei (the engine never counts)',
    spec
      .given(catalog, [...atReview(), handled(ENGINE, T.approve, REVIEW, several(POOL, 'alice,bob'), 1), accepted('alice', POOL)])
      .when(handle('alice', T.poolDone))
      .then([handled('alice', T.poolDone, POOL, person(REVIEW, 'lilei'), 1)]),
  );
  t.test(
    'given root only commented at manager review and the creator withdrew the ticket, when it is resubmitted, then the configured assignee (a comment is not working the ticket)',
    spec
      .given(catalog, [...atReview(), commented('root', REVIEW), retreated(REVIEW)])
      .when(handle(CREATOR, T.submit, { amount: 5000, reason: 'old one broke' }))
      .then([handled(CREATOR, T.submit, START, person(REVIEW, 'lilei'), 1)]),
  );
  t.test(
    'given the committee (all must handle, flag set) was worked by carol, dave and erin, when it is re-entered, then a full round, not the last man',
    spec
      .given(catalog, [
        ...atBoard(),
        handled('carol', T.boardRevise, BOARD, round(BOARD, { carol: T.boardRevise, dave: undefined, erin: undefined }), 2, {
          moved: false,
        }),
        handled('dave', T.boardRevise, BOARD, round(BOARD, { carol: T.boardRevise, dave: T.boardRevise, erin: undefined }), 2, {
          moved: false,
        }),
        handled('erin', T.boardRevise, BOARD, person(REVIEW, 'lilei'), 2),
      ])
      .when(handle('lilei', T.escalate))
      .then([handled('lilei', T.escalate, REVIEW, round(BOARD, { carol: undefined, dave: undefined, erin: undefined }), 1)]),
  );
  t.test(
    'given wang ended a consultation at manager review (the last action there) and the ticket was withdrawn, when resubmitted, then wang',
    spec
      .given(catalog, [...consultingWang(), nodeAddEnded('wang', REVIEW, person(REVIEW, 'lilei')), retreated(REVIEW)])
      .when(handle(CREATOR, T.submit, { amount: 5000, reason: 'old one broke' }))
      .then([handled(CREATOR, T.submit, START, person(REVIEW, 'wang'), 1)]),
  );
});

// ---------------------------------------------------------------------------------------
// The decision reads the ticket as folded: the state a handle leaves is what the next one needs

t.test('given lilei approved into the pool, then the folded ticket has the new fields, assignees, act_state and last man', async (t) => {
  const ticket = ticketAfter([
    ...atReview(),
    handled('lilei', T.approve, REVIEW, several(POOL, 'alice,bob'), 1, {
      fieldChanges: { note: { before: null, after: 'n' }, amount: { before: 5000, after: null } },
    }),
  ]);
  t.strictSame(ticket.assignment, several(POOL, 'alice,bob'));
  t.strictSame(ticket.fields, { reason: 'old one broke', note: 'n' }, 'amount cleared (null deletes), note set');
  t.equal(ticket.actStateId, 1);
  t.strictSame(ticket.relation, [CREATOR, 'lilei', 'alice', 'bob'], 'everyone ever assigned stays related');
  t.strictSame(ticket.lastPersonByState, { [START]: CREATOR, [REVIEW]: 'lilei' });
});

t.test('given the creator saved a new title, then the folded ticket carries it', async (t) => {
  const ticket = ticketAfter([
    ...atStart(),
    handled(CREATOR, T.save, START, person(START, CREATOR), 0, { fieldChanges: { title: { before: 'laptop', after: 'two laptops' } } }),
  ]);
  t.equal(ticket.title, 'two laptops');
  t.notOk('title' in ticket.fields, 'the title is not a custom field value');
});

t.test(
  'given the hook state, when anyone but the engine handles it, then not_permitted (a hook waits for its callback)',
  spec
    .given(catalog, [opened(T.toHook)])
    .when(handle(CREATOR, T.provisioned, { note: 'x' }))
    .thenThrows('not_permitted'),
);
