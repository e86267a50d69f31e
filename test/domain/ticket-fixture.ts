// Shared fixture for the decider specifications of actions on an existing ticket
// (test/domain/ticket-*.test.ts): the spec helper, a purchase workflow with one state per
// rule, the catalog, and builders for commands and events. Not a test file itself.
//
// spec.given(catalogEvents, ticketEvents).when(command).then(events) | thenThrows(code) | thenCheck(fn)
import { emptyCatalog, evolveCatalog, workflowVersion, type Catalog } from '../../src/domain/catalog/catalog.ts';
import type { CatalogEvent } from '../../src/domain/catalog/events.ts';
import type { User } from '../../src/domain/directory.ts';
import { FieldType, type FieldValue } from '../../src/domain/fields.ts';
import { decideTicket } from '../../src/domain/ticket/decide-ticket.ts';
import type { Actor, Assignment, FieldChanges, TicketCreated } from '../../src/domain/ticket/events.ts';
import { evolveTicket } from '../../src/domain/ticket/evolve.ts';
import type { TicketCommand, TicketEvent } from '../../src/domain/ticket/ticket-actions.ts';
import { initialTicketState, type TicketState } from '../../src/domain/ticket/ticket.ts';
import type { TransitionDefinition, WorkflowDefinition, WorkflowVersion } from '../../src/domain/workflow.ts';
import { field, outcome, state, transition as baseTransition, workflow } from './decider-spec.ts';

// ---------------------------------------------------------------------------------------
// Spec helper

export const NOW = new Date('2024-03-05T08:30:00.000Z');
export const AT = NOW.toISOString();

export const fold = (events: TicketEvent[]): TicketState => events.reduce(evolveTicket, initialTicketState());
export const catalogOf = (events: CatalogEvent[]): Catalog => events.reduce(evolveCatalog, emptyCatalog());

/** decideTicket as the command runner calls it: the ticket's own workflow version, a fixed clock and draw. */
export function decide(command: TicketCommand, catalogEvents: CatalogEvent[], ticketEvents: TicketEvent[]): TicketEvent[] {
  const catalog = catalogOf(catalogEvents);
  const state = fold(ticketEvents);
  const version = state.status === 'open' ? workflowVersion(catalog, state.ticket.workflowId, state.ticket.workflowVersion) : undefined;
  const workflow = (version ?? purchaseV1).definition;
  return decideTicket(command, state, { catalog, workflow, grants: workflow, now: NOW, random: 0, parentFields: {} });
}

export const spec = {
  given: (catalogEvents: CatalogEvent[], ticketEvents: TicketEvent[] = []) => ({
    when: (command: TicketCommand) => outcome(() => decide(command, catalogEvents, ticketEvents)),
  }),
};

// ---------------------------------------------------------------------------------------
// Workflow definitions

// Transitions here skip the required-field check unless a test is about it.
const transition = (id: number, name: string, source: number, destination: number, rest: Partial<TransitionDefinition> = {}) =>
  baseTransition(id, name, source, destination, { field_require_check: false, ...rest });

// States of the purchase workflow (id 1).
/** Start: the creator; title/note/priority optional, amount and reason required. */
export const START = 1;
/** lilei alone; note required, amount/priority writable, reason read-only; enable_retreat and remember_last_man. */
export const REVIEW = 2;
/** alice and bob, distribute 1 (one must accept first); note writable. */
export const POOL = 3;
/** carol, dave and erin must all handle (distribute 4); note writable; remember_last_man (ignored in all mode). */
export const BOARD = 4;
/** frank and grace must all handle (distribute 4). */
export const FINAL = 5;
/** A hook (participant type 10); note required, reason read-only. */
export const HOOK = 6;
/** A script (participant type 6). */
export const SCRIPT = 7;
/** henry and ivy, distribute 2 (either handles directly). */
export const DESK = 8;
export const END = 9;

// Transitions of the purchase workflow. field_require_check only where a test needs it.
export const T = {
  submit: 1, // START → REVIEW, checks required fields
  save: 2, // START → START
  toPool: 3, // START → POOL
  toBoard: 4, // START → BOARD
  toHook: 5, // START → HOOK
  toScript: 6, // START → SCRIPT
  toDesk: 7, // START → DESK
  approve: 10, // REVIEW → POOL, or BOARD when {amount} > 1000; checks required fields
  sendBack: 11, // REVIEW → START, reject
  finish: 12, // REVIEW → END
  byPriority: 13, // REVIEW → POOL, or BOARD when {priority} == '2'
  byBudget: 14, // REVIEW → POOL, or BOARD when {budget} > 1 (budget is no field)
  nowhere: 15, // REVIEW → 99 (no such state)
  loop: 16, // REVIEW → REVIEW
  escalate: 17, // REVIEW → BOARD
  poolDone: 20, // POOL → REVIEW
  poolFinish: 21, // POOL → END
  boardAgree: 30, // BOARD → FINAL
  boardVeto: 31, // BOARD → END, reject
  boardRevise: 32, // BOARD → REVIEW, reject
  finalAgree: 40, // FINAL → END
  provisioned: 50, // HOOK → DESK, checks required fields (the hook state's first transition)
  skipDesk: 51, // HOOK → END
  scriptDone: 60, // SCRIPT → END
  deskDone: 70, // DESK → END
} as const;

export const HOOK_CONFIG = { hook_url: 'http://127.0.0.1:9000/hook', hook_token: 'secret', wait: true };

export const purchase: WorkflowDefinition = workflow(1, 'purchase', {
  view_permission_check: true,
  admins: ['admin'],
  custom_fields: [
    field(1, 'amount', FieldType.int),
    field(2, 'reason', FieldType.string),
    field(3, 'note', FieldType.string),
    field(4, 'priority', FieldType.radio, { '1': 'low', '2': 'high' }),
  ],
  states: [
    state(START, 'draft', 1, {
      participant_type_id: 5,
      participant: 'creator',
      state_field: { title: 3, amount: 2, reason: 2, note: 3, priority: 3 },
    }),
    state(REVIEW, 'manager review', 0, {
      participant_type_id: 1,
      participant: 'lilei',
      enable_retreat: true,
      remember_last_man_enable: true,
      state_field: { note: 2, amount: 3, priority: 3, reason: 1 },
    }),
    state(POOL, 'buyers pool', 0, { participant_type_id: 2, participant: 'alice,bob', distribute_type_id: 1, state_field: { note: 3 } }),
    state(BOARD, 'committee', 0, {
      participant_type_id: 2,
      participant: 'carol,dave,erin',
      distribute_type_id: 4,
      remember_last_man_enable: true,
      state_field: { note: 3 },
    }),
    state(FINAL, 'final sign-off', 0, { participant_type_id: 2, participant: 'frank,grace', distribute_type_id: 4 }),
    state(HOOK, 'provisioning', 0, { participant_type_id: 10, participant: HOOK_CONFIG, state_field: { note: 2, reason: 1 } }),
    state(SCRIPT, 'robot', 0, { participant_type_id: 6, participant: 'notify.js' }),
    state(DESK, 'help desk', 0, { participant_type_id: 2, participant: 'henry,ivy', distribute_type_id: 2 }),
    state(END, 'done', 2),
  ],
  transitions: [
    transition(T.submit, 'submit', START, REVIEW, { field_require_check: true }),
    transition(T.save, 'save', START, START),
    transition(T.toPool, 'to pool', START, POOL),
    transition(T.toBoard, 'to board', START, BOARD),
    transition(T.toHook, 'to hook', START, HOOK),
    transition(T.toScript, 'to script', START, SCRIPT),
    transition(T.toDesk, 'to desk', START, DESK),
    transition(T.approve, 'approve', REVIEW, POOL, {
      field_require_check: true,
      condition_expression: [{ expression: '{amount} > 1000', target_state_id: BOARD }],
    }),
    transition(T.sendBack, 'send back', REVIEW, START, { attribute_type_id: 2 }),
    transition(T.finish, 'finish', REVIEW, END),
    transition(T.byPriority, 'by priority', REVIEW, POOL, {
      condition_expression: [{ expression: "{priority} == '''2'''", target_state_id: BOARD }],
    }),
    transition(T.byBudget, 'by budget', REVIEW, POOL, { condition_expression: [{ expression: '{budget} > 1', target_state_id: BOARD }] }),
    transition(T.nowhere, 'nowhere', REVIEW, 99),
    transition(T.loop, 'ask again', REVIEW, REVIEW),
    transition(T.escalate, 'escalate', REVIEW, BOARD),
    transition(T.poolDone, 'bought', POOL, REVIEW),
    transition(T.poolFinish, 'pool finish', POOL, END),
    transition(T.boardAgree, 'agree', BOARD, FINAL),
    transition(T.boardVeto, 'veto', BOARD, END, { attribute_type_id: 2 }),
    transition(T.boardRevise, 'revise', BOARD, REVIEW, { attribute_type_id: 2 }),
    transition(T.finalAgree, 'sign', FINAL, END),
    transition(T.provisioned, 'provisioned', HOOK, DESK, { field_require_check: true }),
    transition(T.skipDesk, 'skip desk', HOOK, END),
    transition(T.scriptDone, 'script done', SCRIPT, END),
    transition(T.deskDone, 'desk done', DESK, END),
  ],
});

export const transitionName = (id: number): string => purchase.transitions.find((tr) => tr.id === id)!.name;

export const purchaseV1: WorkflowVersion = { version: 1, definition: purchase };
/** Version 2 of the purchase workflow skips the view check; tickets created with it keep that. */
export const purchaseV2: WorkflowVersion = { version: 2, definition: { ...purchase, view_permission_check: false } };

/** A second workflow, administered by otheradmin, for "admin of another workflow". */
export const OTHER_START = 101;
export const OTHER_DO = 102;
export const OTHER_END = 103;
export const other: WorkflowDefinition = {
  ...purchase,
  id: 2,
  name: 'other',
  admins: ['otheradmin'],
  custom_fields: [],
  states: [
    state(OTHER_START, 'new', 1, { participant_type_id: 5, participant: 'creator' }),
    state(OTHER_DO, 'do', 0, { participant_type_id: 1, participant: 'lilei' }),
    state(OTHER_END, 'closed', 2),
  ],
  transitions: [transition(101, 'go', OTHER_START, OTHER_DO), transition(102, 'done', OTHER_DO, OTHER_END)],
};

// ---------------------------------------------------------------------------------------
// Catalog

const published = (workflowId: number, v: WorkflowVersion): CatalogEvent => ({
  type: 'WorkflowVersionPublished',
  data: { workflowId, version: v.version, definition: v.definition, publishedAt: '2024-01-01T00:00:00.000Z' },
});

const app = (name: string, workflow_ids: 'all' | number[]): CatalogEvent => ({
  type: 'AppDefined',
  data: { app: { name, token: `${name}-token`, ticket_sn_prefix: name, workflow_ids } },
});

const user = (username: string, type_id: number, is_active = true): CatalogEvent => {
  const u: User = { username, alias: username, email: '', phone: '', type_id, dept_ids: [], is_active };
  return { type: 'UserDefined', data: { user: u } };
};

/**
 * Apps: ops (workflow 1), hr (workflow 2 only), portal (all).
 * Users: root super admin (type 2); admin, admin of workflow 1 (type 0); boss, a type 1
 * "workflow admin" of no workflow; otheradmin, type 1 and admin of workflow 2 only.
 * Every assignee of the purchase workflow and the delivery targets wang and zoe are users;
 * gone has left (inactive), nobody is called nosuchuser.
 */
export const catalog: CatalogEvent[] = [
  app('ops', [1]),
  app('hr', [2]),
  app('portal', 'all'),
  user('root', 2),
  user('admin', 0),
  user('boss', 1),
  user('otheradmin', 1),
  user('zhangsan', 0),
  user('lilei', 0),
  ...['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'henry', 'ivy', 'wang', 'zoe'].map((u) => user(u, 0)),
  user('gone', 0, false),
  published(1, purchaseV1),
  published(1, purchaseV2),
  published(2, { version: 1, definition: other }),
];

// ---------------------------------------------------------------------------------------
// Givens: ticket 42, created by zhangsan, placed in a state by its creating transition

export const TICKET = 42;
export const CREATOR = 'zhangsan';

/** Where each creating transition puts the ticket, as decideCreateTicket would (act_state 0 at start, else 1). */
const entered: Partial<Record<number, () => Assignment>> = {
  [T.submit]: () => person(REVIEW, 'lilei'),
  [T.save]: () => person(START, CREATOR),
  [T.toPool]: () => several(POOL, 'alice,bob'),
  [T.toBoard]: () => round(BOARD, { carol: undefined, dave: undefined, erin: undefined }),
  [T.toHook]: () => hookWait(),
  [T.toScript]: () => ({ stateId: SCRIPT, participantTypeId: 6, participant: 'notify.js', multiAllPerson: {} }),
  [T.toDesk]: () => several(DESK, 'henry,ivy'),
};

/** TicketCreated by zhangsan through this transition of the start state (title "laptop", amount 5000, reason). */
export function opened(
  transitionId: number,
  {
    fields = { amount: 5000, reason: 'old one broke' },
    workflow = purchaseV1,
  }: { fields?: Record<string, FieldValue>; workflow?: WorkflowVersion } = {},
): TicketCreated {
  const assignment = entered[transitionId]!();
  return {
    type: 'TicketCreated',
    data: {
      ticketId: TICKET,
      sn: 'ops_202403050001',
      title: 'laptop',
      workflowId: workflow.definition.id,
      workflowVersion: workflow.version,
      creator: CREATOR,
      app: 'ops',
      parentTicketId: 0,
      parentTicketStateId: 0,
      transitionId,
      startStateId: START,
      suggestion: 'please',
      fields,
      assignment,
      actStateId: assignment.stateId === START ? 0 : 1,
      createdAt: '2024-03-01T09:00:00.000Z',
    },
  };
}

/** At REVIEW (lilei), fields amount 5000 and reason "old one broke", act_state 1. */
export const atReview = (): TicketEvent[] => [opened(T.submit)];
/** At START again (saved as draft): the creator is the assignee, act_state 0. */
export const atStart = (): TicketEvent[] => [opened(T.save)];
/** At POOL: alice and bob, one must accept. Fields amount 5000 and reason. */
export const atPool = (): TicketEvent[] => [opened(T.toPool)];
/** At BOARD: carol, dave and erin, all must handle, nobody has yet. */
export const atBoard = (): TicketEvent[] => [opened(T.toBoard)];
export const atHook = (): TicketEvent[] => [opened(T.toHook)];
export const atScript = (): TicketEvent[] => [opened(T.toScript)];
export const atDesk = (): TicketEvent[] => [opened(T.toDesk)];

// ---------------------------------------------------------------------------------------
// Assignments

export const person = (stateId: number, participant: string): Assignment => ({
  stateId,
  participantTypeId: 1,
  participant,
  multiAllPerson: {},
});
export const several = (stateId: number, participant: string): Assignment => ({
  stateId,
  participantTypeId: 2,
  participant,
  multiAllPerson: {},
});
/** An "all must handle" round: each member with the transition they chose, or undefined while pending. */
export const round = (stateId: number, members: Record<string, number | undefined>): Assignment => ({
  stateId,
  participantTypeId: 2,
  participant: Object.keys(members)
    .filter((u) => members[u] === undefined)
    .join(','),
  multiAllPerson: Object.fromEntries(
    Object.entries(members).map(([u, id]) => [u, id === undefined ? {} : { transition_id: id, transition_name: transitionName(id) }]),
  ),
});
export const hookWait = (stateId = HOOK): Assignment => ({ stateId, participantTypeId: 10, participant: '***', multiAllPerson: {} });
export const endAssignment: Assignment = person(END, '');

// ---------------------------------------------------------------------------------------
// Commands (app ops, ticket 42)

export const by = (username: string): Actor => ({ username });
const base = (username: string | Actor) => ({
  ticketId: TICKET,
  actor: typeof username === 'string' ? by(username) : username,
  app: 'ops',
});

export const handle = (
  actor: string | Actor,
  transitionId: number,
  values: Record<string, unknown> = {},
  suggestion = 'ok',
): TicketCommand => ({ ...base(actor), type: 'HandleTicket', transitionId, suggestion, values });
export const accept = (actor: string): TicketCommand => ({ ...base(actor), type: 'AcceptTicket' });
export const deliver = (actor: string, target: string, fromAdmin = false, suggestion = 'yours'): TicketCommand => ({
  ...base(actor),
  type: 'DeliverTicket',
  target,
  suggestion,
  fromAdmin,
});
export const addNode = (actor: string, target: string, suggestion = 'please advise'): TicketCommand => ({
  ...base(actor),
  type: 'AddNode',
  target,
  suggestion,
});
export const endAddNode = (actor: string, suggestion = 'advised'): TicketCommand => ({ ...base(actor), type: 'EndAddNode', suggestion });
export const forceState = (actor: string, stateId: number, suggestion = 'forced'): TicketCommand => ({
  ...base(actor),
  type: 'ForceState',
  stateId,
  suggestion,
});
export const changeFields = (actor: string, values: Record<string, unknown>): TicketCommand => ({
  ...base(actor),
  type: 'ChangeFields',
  values,
});
export const comment = (actor: string, suggestion = 'looks fine'): TicketCommand => ({ ...base(actor), type: 'CommentTicket', suggestion });
export const close = (actor: string, suggestion = 'not needed'): TicketCommand => ({ ...base(actor), type: 'CloseTicket', suggestion });
export const retreat = (actor: string, suggestion = 'wrong amount'): TicketCommand => ({
  ...base(actor),
  type: 'RetreatTicket',
  suggestion,
});
export const hookResult = (result: boolean, fieldValues: Record<string, unknown> = {}, message = 'provisioned'): TicketCommand => ({
  ...base('hook'),
  type: 'ReceiveHookResult',
  result,
  message,
  fieldValues,
});
export const retry = (actor: string): TicketCommand => ({ ...base(actor), type: 'RetryAutomation' });

// ---------------------------------------------------------------------------------------
// Events (what the decider is expected to emit, and what givens are made of)

const common = (actor: string | Actor, suggestion: string) => ({
  ticketId: TICKET,
  actor: typeof actor === 'string' ? by(actor) : actor,
  suggestion,
  at: AT,
});

export const handled = (
  actor: string | Actor,
  transitionId: number,
  fromStateId: number,
  assignment: Assignment,
  actStateId: number,
  { moved = true, fieldChanges = {}, suggestion = 'ok' }: { moved?: boolean; fieldChanges?: FieldChanges; suggestion?: string } = {},
): TicketEvent => ({
  type: 'TicketHandled',
  data: { ...common(actor, suggestion), transitionId, fromStateId, fieldChanges, assignment, actStateId, moved },
});

export const accepted = (actor: string, stateId: number): TicketEvent => ({
  type: 'TicketAccepted',
  data: { ...common(actor, '接单处理'), stateId, assignment: person(stateId, actor) },
});

export const delivered = (
  actor: string,
  stateId: number,
  target: string,
  assignment: Assignment,
  fromAdmin = false,
  suggestion = 'yours',
): TicketEvent => ({
  type: 'TicketDelivered',
  data: { ...common(actor, suggestion), stateId, target, fromAdmin, assignment },
});

export const nodeAdded = (
  actor: string,
  stateId: number,
  target: string,
  previousAssignment: Assignment,
  suggestion = 'please advise',
): TicketEvent => ({
  type: 'TicketNodeAdded',
  data: { ...common(actor, suggestion), stateId, target, assignment: person(stateId, target), previousAssignment },
});

export const nodeAddEnded = (actor: string, stateId: number, assignment: Assignment, suggestion = 'advised'): TicketEvent => ({
  type: 'TicketNodeAddEnded',
  data: { ...common(actor, suggestion), stateId, assignment },
});

export const stateForced = (
  actor: string,
  fromStateId: number,
  assignment: Assignment,
  actStateId: number,
  suggestion = 'forced',
): TicketEvent => ({
  type: 'TicketStateForced',
  data: { ...common(actor, suggestion), fromStateId, assignment, actStateId },
});

export const fieldsChanged = (actor: string, stateId: number, fieldChanges: FieldChanges): TicketEvent => ({
  type: 'TicketFieldsChanged',
  data: { ...common(actor, ''), stateId, fieldChanges },
});

export const commented = (actor: string, stateId: number, suggestion = 'looks fine'): TicketEvent => ({
  type: 'TicketCommented',
  data: { ...common(actor, suggestion), stateId },
});

export const closed = (actor: string, fromStateId: number, suggestion = 'not needed'): TicketEvent => ({
  type: 'TicketClosed',
  data: {
    ...common(actor, suggestion),
    fromStateId,
    assignment: { stateId: END, participantTypeId: 0, participant: '', multiAllPerson: {} },
  },
});

export const retreated = (fromStateId: number, suggestion = 'wrong amount'): TicketEvent => ({
  type: 'TicketRetreated',
  data: { ...common(CREATOR, suggestion), fromStateId, assignment: person(START, CREATOR) },
});

export const HOOK_ACTOR: Actor = { username: 'hook', engine: true };

export const hookFailed = (stateId = HOOK, suggestion = 'provisioned'): TicketEvent => ({
  type: 'TicketHookFailed',
  data: { ...common(HOOK_ACTOR, suggestion), stateId },
});

/** A retry in a script (6) or hook (10) state: the event says which runs again. */
export const retryRequested = (actor: string, stateId: number, participantTypeId?: number): TicketEvent => ({
  type: 'TicketRetryRequested',
  data: { ...common(actor, ''), stateId, ...(participantTypeId === undefined ? {} : { participantTypeId }) },
});

/** The ticket after these events (throws if it does not exist). */
export const ticketAfter = (events: TicketEvent[]) => {
  const s = fold(events);
  if (s.status !== 'open') throw new Error('no ticket');
  return s.ticket;
};
