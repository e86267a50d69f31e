// Decider specification for ticket creation (behaviour §2.5, §3.2; contract §5):
// given the catalog's events (and the ticket stream's, if any), when CreateTicket is
// decided, then exactly these events — or this DomainError code.
import t from 'tap';
import { emptyCatalog, evolveCatalog, type Catalog } from '../../src/domain/catalog/catalog.ts';
import type { CatalogEvent } from '../../src/domain/catalog/events.ts';
import { FieldType } from '../../src/domain/fields.ts';
import { decideCreateTicket, type CreateTicket } from '../../src/domain/ticket/create-ticket.ts';
import type { TicketCreated } from '../../src/domain/ticket/events.ts';
import { evolveTicket } from '../../src/domain/ticket/evolve.ts';
import type { TicketEvent } from '../../src/domain/ticket/ticket-actions.ts';
import { initialTicketState, type TicketState } from '../../src/domain/ticket/ticket.ts';
import type { WorkflowDefinition } from '../../src/domain/workflow.ts';
import { field, outcome, state, transition, workflow } from './decider-spec.ts';

// spec(decide).given(catalogEvents, ticketEvents?).when(command).then(events) | thenThrows(code)
type Decide<C, S, E> = (command: C, state: S, catalog: Catalog) => E[];

const spec = <C, E>(decide: Decide<C, TicketState, E>) => ({
  given: (catalogEvents: CatalogEvent[], ticketEvents: TicketEvent[] = []) => ({
    when: (command: C) =>
      outcome(() =>
        decide(command, ticketEvents.reduce(evolveTicket, initialTicketState()), catalogEvents.reduce(evolveCatalog, emptyCatalog())),
      ),
  }),
});

// ---------------------------------------------------------------------------------------
// Fixtures: a leave workflow, small enough to read every rule off it.

const START = 1;
const TL = 2;
const HR = 3;
const END = 4;

const leave: WorkflowDefinition = workflow(1, 'leave', {
  admins: ['admin'],
  custom_fields: [
    field(1, 'days', FieldType.int),
    field(2, 'reason', FieldType.string),
    field(3, 'leave_type', FieldType.radio, { '1': '年假', '2': '病假' }),
    field(4, 'start_date', FieldType.date),
    field(5, 'remark', FieldType.string),
    field(6, 'budget', FieldType.float),
  ],
  states: [
    // days and reason required, the rest optional, remark read-only.
    state(START, 'draft', 1, {
      participant_type_id: 5,
      participant: 'creator',
      state_field: { title: 3, days: 2, reason: 2, leave_type: 3, start_date: 3, remark: 1, budget: 3 },
    }),
    state(TL, 'tl approval', 0, { participant_type_id: 1, participant: 'lilei' }),
    state(HR, 'hr approval', 0, { participant_type_id: 1, participant: 'jack' }),
    state(END, 'done', 2),
  ],
  transitions: [
    transition(1, 'submit', START, TL),
    transition(2, 'save', START, START, { field_require_check: false }),
    transition(3, 'cancel', START, END, { field_require_check: false }),
    transition(4, 'approve', TL, HR),
    transition(5, 'submit by days', START, TL, {
      condition_expression: [
        { expression: '{days} > 5', target_state_id: HR },
        { expression: '{days} > 1', target_state_id: END },
      ],
    }),
    transition(6, 'submit by budget', START, TL, {
      condition_expression: [{ expression: '{budget} > 100', target_state_id: HR }],
    }),
    transition(7, 'submit to nowhere', START, 99, { field_require_check: false }),
  ],
});

const leaveV1 = { version: 1, definition: leave };
// Version 2 hands TL approval to hanmeimei.
const leaveV2 = {
  version: 2,
  definition: { ...leave, states: leave.states.map((s) => (s.id === TL ? { ...s, participant: 'hanmeimei' } : s)) },
};

const published = (v: { version: number; definition: WorkflowDefinition }): CatalogEvent => ({
  type: 'WorkflowVersionPublished',
  data: { workflowId: v.definition.id, version: v.version, definition: v.definition, publishedAt: '2024-01-01T00:00:00.000Z' },
});

const app = (name: string, workflow_ids: 'all' | number[]): CatalogEvent => ({
  type: 'AppDefined',
  data: { app: { name, token: `${name}-token`, ticket_sn_prefix: name, workflow_ids } },
});

const catalog: CatalogEvent[] = [app('ops', [1]), app('hr', [2]), app('portal', 'all'), published(leaveV1)];

const NOW = new Date('2024-03-05T08:30:00.000Z');

/** A valid "submit" by zhangsan; each test overrides what its rule is about. */
const create = (overrides: Partial<CreateTicket> = {}): CreateTicket => ({
  ticketId: 42,
  sn: 'ops_202403050007',
  workflow: leaveV1,
  transitionId: 1,
  creator: 'zhangsan',
  app: 'ops',
  suggestion: 'please',
  values: { title: 'a week off', days: 3, reason: 'family' },
  parentTicketId: 0,
  parentTicketStateId: 0,
  parentFields: {},
  recentTicketCount: 0,
  now: NOW,
  random: 0,
  ...overrides,
});

/** The TicketCreated that `create()` yields, with the parts a test is about replaced. */
const created = (overrides: Partial<TicketCreated['data']> = {}): TicketCreated => ({
  type: 'TicketCreated',
  data: {
    ticketId: 42,
    sn: 'ops_202403050007',
    title: 'a week off',
    workflowId: 1,
    workflowVersion: 1,
    creator: 'zhangsan',
    app: 'ops',
    parentTicketId: 0,
    parentTicketStateId: 0,
    transitionId: 1,
    startStateId: START,
    suggestion: 'please',
    fields: { days: 3, reason: 'family' },
    assignment: { stateId: TL, participantTypeId: 1, participant: 'lilei', multiAllPerson: {} },
    actStateId: 1,
    createdAt: NOW.toISOString(),
    ...overrides,
  },
});

const decide = spec(decideCreateTicket);

// ---------------------------------------------------------------------------------------
// Happy path and act_state on create (§2.5)

t.test(
  'given the leave workflow, when zhangsan submits a complete form, then one TicketCreated with exactly the given ids, sn, time and normalised fields',
  decide
    .given(catalog)
    .when(
      create({
        ticketId: 7,
        sn: 'ops_202001020003',
        now: new Date('2020-01-02T03:04:05.678Z'),
        suggestion: 'see attachment',
        values: { title: 'sick leave', days: '3', reason: 'flu', leave_type: 2, start_date: '2020-01-06' },
      }),
    )
    .then([
      {
        type: 'TicketCreated',
        data: {
          ticketId: 7,
          sn: 'ops_202001020003',
          title: 'sick leave',
          workflowId: 1,
          workflowVersion: 1,
          creator: 'zhangsan',
          app: 'ops',
          parentTicketId: 0,
          parentTicketStateId: 0,
          transitionId: 1,
          startStateId: START,
          suggestion: 'see attachment',
          fields: { days: 3, reason: 'flu', leave_type: '2', start_date: '2020-01-06' },
          assignment: { stateId: TL, participantTypeId: 1, participant: 'lilei', multiAllPerson: {} },
          actStateId: 1,
          createdAt: '2020-01-02T03:04:05.678Z',
        },
      },
    ]),
);

t.test(
  'given an app granted every workflow, when it creates a ticket, then the ticket is created',
  decide
    .given(catalog)
    .when(create({ app: 'portal' }))
    .then([created({ app: 'portal' })]),
);

t.test(
  'given the save transition start→start, when zhangsan saves, then act_state 0 (draft) and the creator is the assignee',
  decide
    .given(catalog)
    .when(create({ transitionId: 2 }))
    .then([
      created({
        transitionId: 2,
        assignment: { stateId: START, participantTypeId: 1, participant: 'zhangsan', multiAllPerson: {} },
        actStateId: 0,
      }),
    ]),
);

t.test(
  'given a transition from start straight to the end state, when it creates the ticket, then act_state 4 and participant "" (type 1)',
  decide
    .given(catalog)
    .when(create({ transitionId: 3 }))
    .then([
      created({
        transitionId: 3,
        assignment: { stateId: END, participantTypeId: 1, participant: '', multiAllPerson: {} },
        actStateId: 4,
      }),
    ]),
);

t.test(
  'given two published versions, when creating with version 2, then the event records version 2 and assigns per its definition',
  decide
    .given([...catalog, published(leaveV2)])
    .when(create({ workflow: leaveV2 }))
    .then([
      created({
        workflowVersion: 2,
        assignment: { stateId: TL, participantTypeId: 1, participant: 'hanmeimei', multiAllPerson: {} },
      }),
    ]),
);

// ---------------------------------------------------------------------------------------
// Refusals: stream, app, transition, request shape

t.test(
  'given the ticket stream already holds TicketCreated, when creating it again, then concurrent_change',
  decide.given(catalog, [created()]).when(create()).thenThrows('concurrent_change'),
);

t.test(
  'given an app granted only workflow 2, when it creates a ticket of workflow 1, then app_not_allowed',
  decide
    .given(catalog)
    .when(create({ app: 'hr' }))
    .thenThrows('app_not_allowed'),
);

t.test(
  'given no such app in the catalog, when it creates a ticket, then app_not_allowed',
  decide
    .given(catalog)
    .when(create({ app: 'stranger' }))
    .thenThrows('app_not_allowed'),
);

t.test(
  'given a transition that leaves the TL state, when used to create, then wrong_state',
  decide
    .given(catalog)
    .when(create({ transitionId: 4 }))
    .thenThrows('wrong_state'),
);

t.test(
  'given no transition 999 in the workflow, when used to create, then transition_not_found',
  decide
    .given(catalog)
    .when(create({ transitionId: 999 }))
    .thenThrows('transition_not_found'),
);

t.test(
  'given a transition leading to a state that does not exist, when used to create, then state_not_found',
  decide
    .given(catalog)
    .when(create({ transitionId: 7 }))
    .thenThrows('state_not_found'),
);

t.test(
  'given a parent_ticket_id, when parent_ticket_state_id is missing, then invalid_request',
  decide
    .given(catalog)
    .when(create({ parentTicketId: 5 }))
    .thenThrows('invalid_request'),
);

t.test(
  'given a parent ticket id and state id, when creating, then both are recorded',
  decide
    .given(catalog)
    .when(create({ parentTicketId: 5, parentTicketStateId: 3 }))
    .then([created({ parentTicketId: 5, parentTicketStateId: 3 })]),
);

t.test('suggestion length (contract Q14: at most 10,000 characters)', async (t) => {
  t.test(
    'given a suggestion of 10,001 characters, when creating, then suggestion_too_long',
    decide
      .given(catalog)
      .when(create({ suggestion: 'x'.repeat(10_001) }))
      .thenThrows('suggestion_too_long'),
  );
  t.test(
    'given a suggestion of exactly 10,000 characters, when creating, then it is stored whole',
    decide
      .given(catalog)
      .when(create({ suggestion: 'x'.repeat(10_000) }))
      .then([created({ suggestion: 'x'.repeat(10_000) })]),
  );
  t.test(
    'given a suggestion of 10,000 astral characters (emoji), when creating, then it is stored whole',
    decide
      .given(catalog)
      .when(create({ suggestion: '😀'.repeat(10_000) }))
      .then([created({ suggestion: '😀'.repeat(10_000) })]),
  );
});

// ---------------------------------------------------------------------------------------
// Fields (§3.2 steps 6 and 14; contract Q29)

t.test(
  'given days and reason are required, when days is absent and reason is blank, then required_fields_missing names both',
  decide
    .given(catalog)
    .when(create({ values: { title: 'x', reason: '  ' } }))
    .thenThrows('required_fields_missing', { fields: ['days', 'reason'] }),
);

t.test(
  'given days and reason are required, when both are null, then required_fields_missing names both',
  decide
    .given(catalog)
    .when(create({ values: { days: null, reason: null } }))
    .thenThrows('required_fields_missing', { fields: ['days', 'reason'] }),
);

t.test(
  "given the start state lists reason before days, when both are missing, then they are named in the workflow's field order (days first)",
  async (t) => {
    const reordered: WorkflowDefinition = {
      ...leave,
      states: leave.states.map((st) => (st.id === START ? { ...st, state_field: { reason: 2, budget: 3, days: 2, title: 3 } } : st)),
    };
    const v = { version: 1, definition: reordered };
    let error: unknown;
    try {
      decideCreateTicket(
        create({ workflow: v, values: {} }),
        initialTicketState(),
        [...catalog, published(v)].reduce(evolveCatalog, emptyCatalog()),
      );
    } catch (e) {
      error = e;
    }
    t.match(error, {
      code: 'required_fields_missing',
      details: { fields: ['days', 'reason'] },
      message: 'Required fields are missing: days, reason.',
    });
  },
);

t.test(
  'given typed fields in a reordered start state, when title, budget and days are bad, then the errors come in field order separated by "; "',
  async (t) => {
    const reordered: WorkflowDefinition = {
      ...leave,
      states: leave.states.map((st) => (st.id === START ? { ...st, state_field: { budget: 3, days: 2, reason: 2, title: 3 } } : st)),
    };
    const v = { version: 1, definition: reordered };
    let error: unknown;
    try {
      decideCreateTicket(
        create({ workflow: v, values: { title: 7, days: 'x', reason: 'r', budget: 'y' } }),
        initialTicketState(),
        [...catalog, published(v)].reduce(evolveCatalog, emptyCatalog()),
      );
    } catch (e) {
      error = e;
    }
    t.match(error, {
      code: 'invalid_field_value',
      details: { fields: ['title', 'days', 'budget'] },
      message: 'Field "title" must be a string, got 7; Field "days" must be an integer, got "x"; Field "budget" must be a number, got "y"',
    });
  },
);

t.test(
  'given a transition with field_require_check false, when the request has no values at all (Q2), then the ticket is created without them',
  decide
    .given(catalog)
    .when(create({ transitionId: 2, values: {} }))
    .then([
      created({
        transitionId: 2,
        title: '',
        fields: {},
        assignment: { stateId: START, participantTypeId: 1, participant: 'zhangsan', multiAllPerson: {} },
        actStateId: 0,
      }),
    ]),
);

t.test(
  'given typed fields, when several values are invalid, then invalid_field_value names every bad field',
  decide
    .given(catalog)
    .when(create({ values: { days: 'three', reason: 'ok', leave_type: '9', start_date: '2024-02-30', budget: 'lots' } }))
    .thenThrows('invalid_field_value', { fields: ['days', 'leave_type', 'start_date', 'budget'] }),
);

t.test(
  'given title is writable in the start state, when the title is not a string, then invalid_field_value names title once',
  decide
    .given(catalog)
    .when(create({ values: { title: 123, days: 3, reason: 'family' } }))
    .thenThrows('invalid_field_value', { fields: ['title'] }),
);

t.test(
  'given remark is read-only and foo is unknown, when both are sent (even with bad values), then they are ignored and not stored',
  decide
    .given(catalog)
    .when(create({ values: { title: 'a week off', days: 3, reason: 'family', remark: 12345, foo: 'bar', state_id: 9 } }))
    .then([created()]),
);

t.test(
  'given optional fields, when they are sent as null, then they are not stored',
  decide
    .given(catalog)
    .when(create({ values: { title: 'a week off', days: 3, reason: 'family', leave_type: null, start_date: null } }))
    .then([created()]),
);

t.test(
  'given no title in the request, when creating, then the title is ""',
  decide
    .given(catalog)
    .when(create({ values: { days: 3, reason: 'family' } }))
    .then([created({ title: '' })]),
);

// ---------------------------------------------------------------------------------------
// Condition expressions (§3.7.3; contract: first true wins, a missing field is an error)

t.test('given a transition routed by {days}', async (t) => {
  const byDays = (days: number) => create({ transitionId: 5, values: { days, reason: 'family' } });
  const routedTo = (stateId: number, participant: string, actStateId: number, days: number) =>
    created({
      title: '',
      transitionId: 5,
      fields: { days, reason: 'family' },
      assignment: { stateId, participantTypeId: 1, participant, multiAllPerson: {} },
      actStateId,
    });
  t.test(
    'when days is 7 (both conditions hold), then the first true condition wins: HR',
    decide
      .given(catalog)
      .when(byDays(7))
      .then([routedTo(HR, 'jack', 1, 7)]),
  );
  t.test(
    'when days is 3 (only the second holds), then its target: the end state, act_state 4',
    decide
      .given(catalog)
      .when(byDays(3))
      .then([routedTo(END, '', 4, 3)]),
  );
  t.test(
    "when days is 1 (none holds), then the transition's own destination: TL",
    decide
      .given(catalog)
      .when(byDays(1))
      .then([routedTo(TL, 'lilei', 1, 1)]),
  );
});

t.test(
  'given a condition on {budget}, when budget is not in the request, then condition_field_missing naming budget',
  decide
    .given(catalog)
    .when(create({ transitionId: 6 }))
    .thenThrows('condition_field_missing', { field: 'budget' }),
);
