// Who gets a ticket when it enters a state (behaviour §2.1, §2.3; contract Q7, Q10):
// given a directory, when a ticket enters a state configured so, then this assignment.
import t from 'tap';
import { emptyCatalog, evolveCatalog, type Catalog } from '../../src/domain/catalog/catalog.ts';
import type { CatalogEvent } from '../../src/domain/catalog/events.ts';
import type { Dept, User } from '../../src/domain/directory.ts';
import type { Assignment } from '../../src/domain/ticket/events.ts';
import { assigneesOf, resolveAssignment, type ParticipantContext } from '../../src/domain/ticket/participants.ts';
import { DistributeType, ParticipantType, StateType, type StateDefinition } from '../../src/domain/workflow.ts';

// ---------------------------------------------------------------------------------------
// Directory: 总部(1) ⊃ 技术部(2) ⊃ 平台组(5); 总部 ⊃ 运维部(3), whose approvers outrank its leader.

const user = (username: string, dept_ids: number[]): CatalogEvent => {
  const u: User = { username, alias: username, email: '', phone: '', type_id: 0, dept_ids, is_active: true };
  return { type: 'UserDefined', data: { user: u } };
};
const dept = (id: number, parent_dept_id: number, leader: string, approvers: string[] = []): CatalogEvent => {
  const d: Dept = { id, name: `dept${id}`, parent_dept_id, leader, approvers, label: {} };
  return { type: 'DeptDefined', data: { dept: d } };
};
const role = (id: number, members: string[]): CatalogEvent => ({
  type: 'RoleDefined',
  data: { role: { id, name: `role${id}`, description: '', members } },
});

const directory: CatalogEvent[] = [
  dept(1, 0, 'admin'),
  dept(2, 1, 'lilei'),
  dept(3, 1, 'guiji', ['wangwu', 'admin']),
  dept(5, 2, 'lisi'),
  user('admin', [1]),
  user('lilei', [2]),
  user('zhangsan', [2]),
  user('lisi', [5]),
  user('wangwu', [3]),
  user('guiji', [3]),
  user('hanmeimei', [2, 3]),
  user('loner', []),
  role(1, ['guiji', 'wangwu']),
  role(2, ['wangwu', 'jack']),
];

const given = (events: CatalogEvent[]): Catalog => events.reduce(evolveCatalog, emptyCatalog());
const catalog = given(directory);

/** A normal state (type 0) with "direct" distribution unless a test says otherwise. */
const state = (
  participant_type_id: number,
  participant: StateDefinition['participant'],
  rest: Partial<StateDefinition> = {},
): StateDefinition => ({
  id: 3,
  name: 'approval',
  type_id: StateType.normal,
  order_id: 3,
  is_hidden: false,
  enable_retreat: false,
  remember_last_man_enable: false,
  participant_type_id,
  participant,
  distribute_type_id: DistributeType.direct,
  state_field: {},
  label: {},
  ...rest,
});

/** When a ticket created by `creator` (zhangsan unless said) enters `s`. */
const entering = (s: StateDefinition, ctx: Partial<ParticipantContext> = {}): Assignment =>
  resolveAssignment(s, { catalog, creator: 'zhangsan', fields: {}, parentFields: {}, random: 0, ...ctx });

const assignment = (participantTypeId: number, participant: string, multiAllPerson: Assignment['multiAllPerson'] = {}): Assignment => ({
  stateId: 3,
  participantTypeId,
  participant,
  multiAllPerson,
});

type Assert = Pick<typeof t, 'throws'>;
const throwsNoParticipant = (t: Assert, s: StateDefinition, ctx: Partial<ParticipantContext> = {}) =>
  t.throws(
    () => entering(s, ctx),
    { name: 'DomainError', code: 'no_participant' },
    `then no_participant for type ${s.participant_type_id} "${s.participant}"`,
  );

// ---------------------------------------------------------------------------------------
// State-type overrides

t.test('given a start state configured for lilei, when a ticket enters it, then the creator is the assignee (type 1)', async (t) => {
  t.strictSame(entering(state(ParticipantType.person, 'lilei', { type_id: StateType.start })), assignment(1, 'zhangsan'));
});

t.test('given an end state, when a ticket enters it, then type 1 with participant "" (Q20)', async (t) => {
  t.strictSame(
    entering(state(ParticipantType.multiPerson, 'lilei,lisi', { type_id: StateType.end, distribute_type_id: DistributeType.all })),
    assignment(1, ''),
  );
});

// ---------------------------------------------------------------------------------------
// Participant types

t.test('given type 0 (none), when a ticket enters, then type 0 with participant ""', async (t) => {
  t.strictSame(entering(state(ParticipantType.none, '')), assignment(0, ''));
});

t.test('given type 1 (person) lilei, when a ticket enters, then lilei, type 1', async (t) => {
  t.strictSame(entering(state(ParticipantType.person, 'lilei')), assignment(1, 'lilei'));
});

t.test(
  'given type 2 (multi-person) with a repeated name, when a ticket enters, then deduplicated in configured order, type 2',
  async (t) => {
    t.strictSame(entering(state(ParticipantType.multiPerson, 'zhangsan,lisi,zhangsan,wangwu')), assignment(2, 'zhangsan,lisi,wangwu'));
  },
);

t.test('given type 3 (dept) 技术部, when a ticket enters, then every member of it and of its sub-dept 平台组', async (t) => {
  const a = entering(state(ParticipantType.dept, '2'));
  t.equal(a.participantTypeId, 2);
  t.strictSame(assigneesOf(a).sort(), ['hanmeimei', 'lilei', 'lisi', 'zhangsan']);
});

t.test('given type 3 with a dept and its own sub-dept, when a ticket enters, then each member once', async (t) => {
  const a = entering(state(ParticipantType.dept, '2,5'));
  t.strictSame(assigneesOf(a).sort(), ['hanmeimei', 'lilei', 'lisi', 'zhangsan']);
});

t.test('given type 3 with a leaf dept of one member, when a ticket enters, then that member, type 1', async (t) => {
  t.strictSame(entering(state(ParticipantType.dept, '5')), assignment(1, 'lisi'));
});

t.test('given type 4 (role) vpn-admins, when a ticket enters, then its members', async (t) => {
  t.strictSame(entering(state(ParticipantType.role, '1')), assignment(2, 'guiji,wangwu'));
});

t.test('given type 4 with two roles sharing wangwu, when a ticket enters, then each member once', async (t) => {
  t.strictSame(entering(state(ParticipantType.role, '1,2')), assignment(2, 'guiji,wangwu,jack'));
});

t.test("given type 5 (variable) creator, when zhangsan's ticket enters, then zhangsan, type 1", async (t) => {
  t.strictSame(entering(state(ParticipantType.variable, 'creator')), assignment(1, 'zhangsan'));
});

t.test("given type 5 creator_tl and a dept without approvers, when its member's ticket enters, then the dept leader", async (t) => {
  t.strictSame(entering(state(ParticipantType.variable, 'creator_tl')), assignment(1, 'lilei'));
});

t.test(
  "given type 5 creator_tl and a dept with approvers, when its member's ticket enters, then the approvers, not the leader",
  async (t) => {
    t.strictSame(entering(state(ParticipantType.variable, 'creator_tl'), { creator: 'guiji' }), assignment(2, 'wangwu,admin'));
  },
);

t.test("given type 5 creator_tl and a creator in two depts, when the ticket enters, then the union of both depts' TLs", async (t) => {
  t.strictSame(entering(state(ParticipantType.variable, 'creator_tl'), { creator: 'hanmeimei' }), assignment(2, 'lilei,wangwu,admin'));
});

t.test('given type 5 "creator,creator_tl,nonsense", when a ticket enters, then creator and TL, the unknown token ignored', async (t) => {
  t.strictSame(entering(state(ParticipantType.variable, 'creator,creator_tl,nonsense')), assignment(2, 'zhangsan,lilei'));
});

t.test('given type 7 (ticket field) proxy,backup, when a ticket enters, then the names in those fields, deduplicated', async (t) => {
  const s = state(ParticipantType.ticketField, 'proxy,backup');
  t.strictSame(entering(s, { fields: { proxy: 'zhangsan', backup: 'lisi,zhangsan' } }), assignment(2, 'zhangsan,lisi'));
  t.strictSame(
    entering(s, { fields: { proxy: 'wangwu' }, parentFields: { proxy: 'guiji', backup: 'lisi' } }),
    assignment(1, 'wangwu'),
    'parent ticket fields are not consulted',
  );
});

t.test("given type 8 (parent ticket field) manager, when a sub-ticket enters, then the name in the parent's field", async (t) => {
  t.strictSame(
    entering(state(ParticipantType.parentTicketField, 'manager'), { fields: { manager: 'lilei' }, parentFields: { manager: 'guiji' } }),
    assignment(1, 'guiji'),
  );
});

t.test('given type 10 (hook), when a ticket enters, then participant "***" type 10 — url and token never stored', async (t) => {
  const hook = { hook_url: 'http://127.0.0.1:9000/hook', hook_token: 'secret', wait: true };
  t.strictSame(entering(state(ParticipantType.hook, hook)), assignment(10, '***'));
});

t.test('given type 11 (external), when a ticket enters, then type 11 pending with participant ""', async (t) => {
  const external = { external_url: 'http://127.0.0.1:9000/who', external_token: 'secret' };
  t.strictSame(entering(state(ParticipantType.external, external)), assignment(11, ''));
});

// ---------------------------------------------------------------------------------------
// Distribution (§2.3; Q7 random picks one username; Q10 "all" starts with every assignee)

t.test('given multi-person a,b,c with random distribution', async (t) => {
  const s = state(ParticipantType.multiPerson, 'zhangsan,lisi,wangwu', { distribute_type_id: DistributeType.random });
  t.test('when random is 0, then the first username alone, type 1', async (t) => {
    t.strictSame(entering(s, { random: 0 }), assignment(1, 'zhangsan'));
  });
  t.test('when random is 0.5, then the middle username alone, type 1', async (t) => {
    t.strictSame(entering(s, { random: 0.5 }), assignment(1, 'lisi'));
  });
  t.test('when random is 0.99, then the last username alone, type 1', async (t) => {
    t.strictSame(entering(s, { random: 0.99 }), assignment(1, 'wangwu'));
  });
});

t.test('given random distribution over a dept, when a ticket enters, then exactly one of its members, type 1', async (t) => {
  const a = entering(state(ParticipantType.dept, '2', { distribute_type_id: DistributeType.random }), { random: 0.7 });
  t.equal(a.participantTypeId, 1);
  t.ok(['hanmeimei', 'lilei', 'lisi', 'zhangsan'].includes(a.participant), `${a.participant} is a member of 技术部`);
});

t.test('given multi-person with "all must handle", when a ticket enters, then type 2 and an empty choice per assignee', async (t) => {
  t.strictSame(
    entering(state(ParticipantType.multiPerson, 'zhangsan,lisi', { distribute_type_id: DistributeType.all })),
    assignment(2, 'zhangsan,lisi', { zhangsan: {}, lisi: {} }),
  );
});

t.test('given multi-person with "active accept", when a ticket enters, then type 2 and no multi_all_person', async (t) => {
  t.strictSame(
    entering(state(ParticipantType.multiPerson, 'zhangsan,lisi', { distribute_type_id: DistributeType.accept })),
    assignment(2, 'zhangsan,lisi'),
  );
});

t.test(
  'given a multi-person config that names one person twice, when a ticket enters an "all" state, then that person, type 1',
  async (t) => {
    t.strictSame(
      entering(state(ParticipantType.multiPerson, 'zhangsan,zhangsan', { distribute_type_id: DistributeType.all })),
      assignment(1, 'zhangsan'),
    );
  },
);

// ---------------------------------------------------------------------------------------
// Nobody

t.test('given states that resolve to nobody, when a ticket enters, then no_participant', async (t) => {
  throwsNoParticipant(t, state(ParticipantType.role, '99'));
  throwsNoParticipant(t, state(ParticipantType.dept, '99'));
  throwsNoParticipant(t, state(ParticipantType.multiPerson, ' , '));
  throwsNoParticipant(t, state(ParticipantType.variable, 'creator_tl'), { creator: 'loner' });
  throwsNoParticipant(t, state(ParticipantType.ticketField, 'proxy'), { fields: { proxy: null } });
  throwsNoParticipant(t, state(ParticipantType.parentTicketField, 'manager'));
});

// ---------------------------------------------------------------------------------------
// assigneesOf

t.test('given assignments of each kind, when asking who is expected to act, then only persons count', async (t) => {
  t.strictSame(assigneesOf(assignment(1, 'lilei')), ['lilei']);
  t.strictSame(assigneesOf(assignment(2, 'zhangsan,lisi')), ['zhangsan', 'lisi']);
  t.strictSame(assigneesOf(assignment(1, '')), [], 'end state: nobody');
  t.strictSame(assigneesOf(assignment(10, '***')), [], 'a hook is nobody');
  t.strictSame(assigneesOf(assignment(0, '')), []);
});
