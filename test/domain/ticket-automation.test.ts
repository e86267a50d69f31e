// Decider specification for hook callbacks (§3.17) and retries (§3.15), and for what every
// action checks first: the ticket exists, and the calling app may act on its workflow (Q17).
import t from 'tap';
import { ENGINE } from '../../src/domain/ticket/commands.ts';
import type { TicketCommand } from '../../src/domain/ticket/ticket-actions.ts';
import { ParticipantType } from '../../src/domain/workflow.ts';
import {
  CREATOR,
  DESK,
  END,
  HOOK,
  REVIEW,
  SCRIPT,
  T,
  TICKET,
  accept,
  addNode,
  atHook,
  atReview,
  atScript,
  catalog,
  changeFields,
  close,
  comment,
  deliver,
  endAddNode,
  endAssignment,
  fold,
  forceState,
  handle,
  handled,
  hookFailed,
  hookResult,
  hookWait,
  retreat,
  retry,
  retryRequested,
  several,
  spec,
  stateForced,
  ticketAfter,
} from './ticket-fixture.ts';

// ---------------------------------------------------------------------------------------
// Hook callback

t.test('hook result', async (t) => {
  t.test(
    "given the ticket waits for its hook, when the hook reports success with field values, then the engine takes the state's first transition with the writable values",
    spec
      .given(catalog, atHook())
      .when(hookResult(true, { note: 'vm-17', reason: 'ignored: read-only', foo: 'ignored: unknown' }, 'created vm-17'))
      .then([
        handled(ENGINE, T.provisioned, HOOK, several(DESK, 'henry,ivy'), 1, {
          suggestion: 'created vm-17',
          fieldChanges: { note: { before: null, after: 'vm-17' } },
        }),
      ]),
  );
  t.test(
    "given the hook state's first transition checks required fields, when the hook reports success without note, then required_fields_missing",
    spec
      .given(catalog, atHook())
      .when(hookResult(true, {}))
      .thenThrows('required_fields_missing', { fields: ['note'] }),
  );
  t.test(
    'given the ticket waits for its hook, when the hook reports success with a bad value, then invalid_field_value',
    spec
      .given(catalog, atHook())
      .when(hookResult(true, { note: 17 }))
      .thenThrows('invalid_field_value', { fields: ['note'] }),
  );
  t.test(
    'given the ticket waits for its hook, when the hook reports failure, then TicketHookFailed by "hook" with its message, in the hook state',
    spec
      .given(catalog, atHook())
      .when(hookResult(false, {}, 'quota exceeded'))
      .then([hookFailed(HOOK, 'quota exceeded')]),
  );
  t.test(
    'given the ticket waits for its hook, when the hook message has 10,001 characters, then suggestion_too_long',
    spec
      .given(catalog, atHook())
      .when(hookResult(false, {}, 'x'.repeat(10_001)))
      .thenThrows('suggestion_too_long'),
  );
  t.test(
    'given manager review (a person), when a hook result arrives, then wrong_state (nobody waits for it)',
    spec
      .given(catalog, atReview())
      .when(hookResult(true, { note: 'x' }))
      .thenThrows('wrong_state'),
  );
  t.test(
    'given manager review, when a failing hook result arrives, then wrong_state too',
    spec.given(catalog, atReview()).when(hookResult(false)).thenThrows('wrong_state'),
  );
  t.test(
    'given the script state, when a hook result arrives, then wrong_state',
    spec
      .given(catalog, atScript())
      .when(hookResult(true, { note: 'x' }))
      .thenThrows('wrong_state'),
  );
  t.test(
    'given the hook already answered (ticket at the help desk), when a late hook result arrives, then wrong_state',
    spec
      .given(catalog, [...atHook(), handled(ENGINE, T.provisioned, HOOK, several(DESK, 'henry,ivy'), 1, { suggestion: 'created vm-17' })])
      .when(hookResult(true, { note: 'x' }))
      .thenThrows('wrong_state'),
  );
  t.test(
    'given a ticket forced into the hook state, when the hook reports success, then it continues from there',
    spec
      .given(catalog, [...atReview(), stateForced('admin', REVIEW, hookWait(), 1)])
      .when(hookResult(true, { note: 'n' }, 'done'))
      .then([
        handled(ENGINE, T.provisioned, HOOK, several(DESK, 'henry,ivy'), 1, {
          suggestion: 'done',
          fieldChanges: { note: { before: null, after: 'n' } },
        }),
      ]),
  );
  t.test('given the hook failed, then the folded ticket records the failure; a retry or a move clears it', async (t) => {
    t.equal(ticketAfter([...atHook(), hookFailed()]).scriptRunLastResult, false, 'failed');
    t.equal(ticketAfter([...atHook(), hookFailed(), retryRequested(CREATOR, HOOK)]).scriptRunLastResult, true, 'retry requested');
    t.equal(
      ticketAfter([...atHook(), hookFailed(), handled(ENGINE, T.provisioned, HOOK, several(DESK, 'henry,ivy'), 1)]).scriptRunLastResult,
      true,
      'moved on',
    );
    t.strictSame(ticketAfter([...atHook(), hookFailed()]).assignment, hookWait(), 'still waiting for the hook');
    t.notOk('hook' in ticketAfter([...atHook(), hookFailed()]).lastPersonByState, 'the hook never counts as a person');
  });
  t.test('given the hook answered, then the engine is not remembered as the last man of the hook state', async (t) => {
    const ticket = ticketAfter([...atHook(), handled(ENGINE, T.provisioned, HOOK, several(DESK, 'henry,ivy'), 1)]);
    t.equal(ticket.lastPersonByState[HOOK], undefined);
    t.strictSame(ticket.assignment, several(DESK, 'henry,ivy'));
  });
});

// ---------------------------------------------------------------------------------------
// Retry (retry_script)

t.test('retry', async (t) => {
  t.test(
    'given the ticket waits for a script, when a retry is requested, then TicketRetryRequested in the script state',
    spec
      .given(catalog, atScript())
      .when(retry(CREATOR))
      .then([retryRequested(CREATOR, SCRIPT, ParticipantType.script)]),
  );
  t.test(
    'given the hook failed, when a retry is requested, then TicketRetryRequested in the hook state',
    spec
      .given(catalog, [...atHook(), hookFailed()])
      .when(retry('admin'))
      .then([retryRequested('admin', HOOK, ParticipantType.hook)]),
  );
  t.test(
    'given manager review (a person), when a retry is requested, then wrong_state',
    spec.given(catalog, atReview()).when(retry('lilei')).thenThrows('wrong_state'),
  );
  t.test(
    'given a finished ticket, when a retry is requested, then wrong_state',
    spec
      .given(catalog, [...atReview(), handled('lilei', T.finish, REVIEW, endAssignment, 4)])
      .when(retry('admin'))
      .thenThrows('wrong_state'),
  );
});

// ---------------------------------------------------------------------------------------
// Every action: the ticket must exist, and the app must be granted its workflow (Q17)

const everyCommand = (): [string, TicketCommand][] => [
  ['handle', handle('lilei', T.finish)],
  ['accept', accept('lilei')],
  ['deliver', deliver('lilei', 'wang')],
  ['add_node', addNode('lilei', 'wang')],
  ['add_node_end', endAddNode('wang')],
  ['force state', forceState('admin', END)],
  ['change fields', changeFields('admin', { note: 'x' })],
  ['comment', comment('lilei')],
  ['close', close('admin')],
  ['retreat', retreat(CREATOR)],
  ['hook result', hookResult(true, { note: 'x' })],
  ['retry', retry('admin')],
];

t.test('app scope on every action (Q17)', async (t) => {
  for (const [name, command] of everyCommand()) {
    t.test(
      `given a ticket of workflow 1, when app hr (granted workflow 2 only) sends ${name}, then app_not_allowed`,
      spec
        .given(catalog, atReview())
        .when({ ...command, app: 'hr' })
        .thenThrows('app_not_allowed'),
    );
    t.test(
      `given a ticket of workflow 1, when an unknown app sends ${name}, then app_not_allowed`,
      spec
        .given(catalog, atReview())
        .when({ ...command, app: 'nobody' })
        .thenThrows('app_not_allowed'),
    );
  }
  t.test(
    'given a ticket of workflow 1, when app portal (granted all workflows) comments, then it is accepted',
    spec
      .given(catalog, atReview())
      .when({ ...comment('lilei'), app: 'portal' })
      .then([
        {
          type: 'TicketCommented',
          data: { ticketId: 42, actor: { username: 'lilei' }, suggestion: 'looks fine', at: '2024-03-05T08:30:00.000Z', stateId: REVIEW },
        },
      ]),
  );
  t.test(
    'given a ticket of workflow 1, when app hr sends an engine handle, then app_not_allowed (the engine acts through an app too)',
    spec
      .given(catalog, atReview())
      .when({ ...handle(ENGINE, T.finish), app: 'hr' })
      .thenThrows('app_not_allowed'),
  );
});

t.test('unknown ticket on every action', async (t) => {
  for (const [name, command] of everyCommand()) {
    t.test(
      `given no events for ticket 42, when ${name} is sent, then ticket_not_found`,
      spec.given(catalog, []).when(command).thenThrows('ticket_not_found'),
    );
  }
});

t.test('given no TicketCreated, then events of other types fold to no ticket', async (t) => {
  t.strictSame(fold([hookFailed(), retryRequested('admin', HOOK), stateForced('admin', REVIEW, hookWait(), 1)]), { status: 'none' });
});

// ---------------------------------------------------------------------------------------
// The engine's own call of a hook that does not wait (RecordHookCall)

const called = (message: string): TicketCommand => ({
  type: 'RecordHookCall',
  ticketId: TICKET,
  actor: ENGINE,
  app: 'ops',
  deliveryId: 'ticket-42@1/1:hook',
  stateId: HOOK,
  attempt: 1,
  outcome: { kind: 'succeeded', status: 200, message },
  wait: false,
});

t.test(
  "given the hook state's first transition needs a field only a person or a callback gives, when a hook that does not wait succeeds, then the call is recorded and the ticket stays",
  spec
    .given(catalog, atHook())
    .when(called('created'))
    .thenCheck((t, events) => {
      t.equal(
        events.map((e) => e.type).join(', '),
        'TicketHookCalled',
        'no engine move that would fail on the missing note, so the call is not made again and again',
      );
    }),
);
