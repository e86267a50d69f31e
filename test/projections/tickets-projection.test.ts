// Specifications of the tickets read model: given ticket events, then these rows. The events
// are the decider specifications' own (test/domain/ticket-fixture.ts).
import t from 'tap';
import { ENGINE } from '../../src/domain/ticket/commands.ts';
import { ticketStream } from '../../src/domain/ticket/events.ts';
import type { TicketEvent } from '../../src/domain/ticket/ticket-actions.ts';
import { ticketsProjection } from '../../src/projections/tickets/projection.ts';
import {
  AT,
  BOARD,
  CREATOR,
  END,
  HOOK,
  POOL,
  REVIEW,
  START,
  T,
  TICKET,
  accepted,
  atHook,
  atPool,
  atReview,
  closed,
  commented,
  fieldsChanged,
  handled,
  hookFailed,
  nodeAddEnded,
  nodeAdded,
  person,
  retryRequested,
  round,
} from '../domain/ticket-fixture.ts';
import { RECORDED_FROM, projectionSpec } from '../support/projection-spec.ts';

const spec = projectionSpec<TicketEvent>(ticketsProjection, (event) => ticketStream(event.data.ticketId));
const CREATED_AT = '2024-03-01T09:00:00.000Z';
/** When the n-th given event (from 1) was recorded. */
const recordedAt = (n: number) => new Date(RECORDED_FROM.getTime() + (n - 1) * 1000).toISOString();

t.test(
  'given a ticket created into manager review, then its row shows lilei as the assignee and the creator as related',
  spec.given(...atReview()).then('tickets', [
    {
      id: TICKET,
      title: 'laptop',
      state_id: REVIEW,
      participant_type_id: 1,
      participant: 'lilei',
      relation: `${CREATOR},lilei`,
      act_state_id: 1,
      in_add_node: false,
      script_run_last_result: true,
      fields: { amount: 5000, reason: 'old one broke' },
      gmt_created: CREATED_AT,
      gmt_modified: CREATED_AT,
      revision: 0,
    },
  ]),
);

t.test(
  'given a ticket created, then the creator has it in their relation list and the assignee on their desk',
  spec.given(...atReview()).then('ticket_users', [
    { username: 'lilei', in_process: true, worked: false },
    { username: CREATOR, in_process: false, worked: false },
  ]),
);

t.test(
  'given a ticket created, then one flow log of the creating transition at the start state, and the day counted',
  spec.given(...atReview()).thenCheck(async (t, db) => {
    t.strictSame(
      await db
        .selectFrom('ticket_flow_logs')
        .select(['id', 'transition_id', 'intervene_type_id', 'state_id', 'participant', 'suggestion'])
        .execute(),
      [{ id: 1, transition_id: T.submit, intervene_type_id: 0, state_id: START, participant: CREATOR, suggestion: 'please' }],
    );
    t.strictSame(await db.selectFrom('ticket_daily_counts').select(['workflow_id', 'tickets']).execute(), [{ workflow_id: 1, tickets: 1 }]);
  }),
);

t.test(
  'given alice accepted from the pool, then only she has it on her desk and bob keeps it in his relation list',
  spec.given(...atPool(), accepted('alice', POOL)).then('ticket_users', [
    { username: 'alice', in_process: true, worked: false },
    { username: 'bob', in_process: false, worked: false },
    { username: CREATOR, in_process: false, worked: false },
  ]),
);

t.test(
  'given lilei finished the ticket, then lilei has worked it, nobody has it on their desk and it is finished',
  spec.given(...atReview(), handled('lilei', T.finish, REVIEW, person(END, ''), 4)).thenCheck(async (t, db) => {
    t.strictSame(await db.selectFrom('ticket_users').select(['username', 'in_process', 'worked']).orderBy('username').execute(), [
      { username: 'lilei', in_process: false, worked: true },
      { username: CREATOR, in_process: false, worked: false },
    ]);
    t.strictSame(await db.selectFrom('tickets').select(['state_id', 'act_state_id', 'participant', 'revision']).execute(), [
      { state_id: END, act_state_id: 4, participant: '', revision: 1 },
    ]);
    const logs = await db
      .selectFrom('ticket_flow_logs')
      .select(['id', 'transition_id', 'state_id', 'participant', 'gmt_created'])
      .orderBy('id')
      .execute();
    t.strictSame(logs.at(-1), {
      id: 2,
      transition_id: T.finish,
      state_id: REVIEW,
      participant: 'lilei',
      gmt_created: new Date(recordedAt(2)),
    });
  }),
);

t.test(
  'given lilei consulted wang and wang gave it back, then the row is out of consultation with lilei assigned again',
  spec
    .given(
      ...atReview(),
      nodeAdded('lilei', REVIEW, 'wang', person(REVIEW, 'lilei')),
      nodeAddEnded('wang', REVIEW, person(REVIEW, 'lilei')),
    )
    .then('tickets', [{ participant: 'lilei', in_add_node: false, add_node_man: '', relation: `${CREATOR},lilei,wang`, gmt_modified: AT }]),
);

t.test(
  'given lilei consulted wang, then the row names lilei as the one who added, and the log is an add_node (2)',
  spec.given(...atReview(), nodeAdded('lilei', REVIEW, 'wang', person(REVIEW, 'lilei'))).thenCheck(async (t, db) => {
    t.strictSame(await db.selectFrom('tickets').select(['participant', 'in_add_node', 'add_node_man']).execute(), [
      { participant: 'wang', in_add_node: true, add_node_man: 'lilei' },
    ]);
    t.strictSame(await db.selectFrom('ticket_flow_logs').select(['intervene_type_id', 'transition_id']).where('id', '=', 2).execute(), [
      { intervene_type_id: 2, transition_id: 0 },
    ]);
  }),
);

t.test(
  'given a field change and a comment, then the values change, nobody new is on a desk and both are logged',
  spec
    .given(
      ...atReview(),
      fieldsChanged('admin', REVIEW, { amount: { before: 5000, after: 800 }, title: { before: 'laptop', after: 'mouse' } }),
      commented('carol', REVIEW),
    )
    .thenCheck(async (t, db) => {
      t.strictSame(await db.selectFrom('tickets').select(['title', 'fields']).execute(), [
        { title: 'mouse', fields: { amount: 800, reason: 'old one broke' } },
      ]);
      t.strictSame(await db.selectFrom('ticket_users').select('username').orderBy('username').execute(), [
        { username: 'lilei' },
        { username: CREATOR },
      ]);
      t.strictSame(
        await db
          .selectFrom('ticket_flow_logs')
          .select(['intervene_type_id', 'participant', 'suggestion'])
          .where('id', '>', 1)
          .orderBy('id')
          .execute(),
        [
          { intervene_type_id: 11, participant: 'admin', suggestion: '' },
          { intervene_type_id: 5, participant: 'carol', suggestion: 'looks fine' },
        ],
      );
    }),
);

t.test(
  'given the hook failed and a retry was asked for, then the failure is logged as the hook (type 10) and the retry writes no log',
  spec.given(...atHook(), hookFailed(), retryRequested('admin', HOOK)).thenCheck(async (t, db) => {
    t.strictSame(
      await db
        .selectFrom('ticket_flow_logs')
        .select(['intervene_type_id', 'participant_type_id', 'participant', 'state_id'])
        .where('id', '>', 1)
        .execute(),
      [{ intervene_type_id: 9, participant_type_id: 10, participant: 'hook', state_id: HOOK }],
    );
    t.strictSame(await db.selectFrom('tickets').select(['script_run_last_result', 'revision']).execute(), [
      { script_run_last_result: true, revision: 2 },
    ]);
  }),
);

t.test(
  'given the hook failed, then the row shows the failure for a retry button',
  spec.given(...atHook(), hookFailed()).then('tickets', [{ script_run_last_result: false, participant: '***' }]),
);

t.test(
  'given an admin closed it, then it is closed in the end state and the log stands in the end state with the close prefix',
  spec.given(...atReview(), closed('admin', REVIEW)).thenCheck(async (t, db) => {
    t.strictSame(await db.selectFrom('tickets').select(['state_id', 'act_state_id', 'participant_type_id']).execute(), [
      { state_id: END, act_state_id: 5, participant_type_id: 0 },
    ]);
    t.strictSame(
      await db.selectFrom('ticket_flow_logs').select(['intervene_type_id', 'state_id', 'suggestion']).where('id', '=', 2).execute(),
      [{ intervene_type_id: 7, state_id: END, suggestion: '强制关闭工单:not needed' }],
    );
    t.strictSame(await db.selectFrom('ticket_users').select('username').where('in_process', '=', true).execute(), []);
  }),
);

t.test(
  'given a timer fired at manager review, then the committee has it on their desks, the engine logged the transition and worked nothing',
  spec
    .given(...atReview(), {
      type: 'TicketTimerFired',
      data: {
        ticketId: TICKET,
        actor: ENGINE,
        suggestion: '定时器流转',
        at: AT,
        transitionId: T.escalate,
        fromStateId: REVIEW,
        armedAt: CREATED_AT,
        assignment: round(BOARD, { carol: undefined, dave: undefined, erin: undefined }),
        actStateId: 1,
      },
    })
    .thenCheck(async (t, db) => {
      t.strictSame(await db.selectFrom('ticket_users').select(['username', 'in_process', 'worked']).orderBy('username').execute(), [
        { username: 'carol', in_process: true, worked: false },
        { username: 'dave', in_process: true, worked: false },
        { username: 'erin', in_process: true, worked: false },
        { username: 'lilei', in_process: false, worked: false },
        { username: CREATOR, in_process: false, worked: false },
      ]);
      t.strictSame(
        await db
          .selectFrom('ticket_flow_logs')
          .select(['intervene_type_id', 'transition_id', 'state_id', 'participant', 'suggestion'])
          .where('id', '=', 2)
          .execute(),
        [{ intervene_type_id: 0, transition_id: T.escalate, state_id: REVIEW, participant: 'loonrobot', suggestion: '定时器流转' }],
      );
      t.strictSame(await db.selectFrom('tickets').select(['state_id', 'participant', 'gmt_modified']).execute(), [
        { state_id: BOARD, participant: 'carol,dave,erin', gmt_modified: new Date(AT) },
      ]);
    }),
);
