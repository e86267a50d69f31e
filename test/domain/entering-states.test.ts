import t from 'tap';
import { emptyCatalog } from '../../src/domain/catalog/catalog.ts';
import { actStateAfterForcing, actStateAfterTransition, enterState } from '../../src/domain/ticket/entering-states.ts';
import type { Ticket } from '../../src/domain/ticket/ticket.ts';
import type { StateDefinition } from '../../src/domain/workflow.ts';

const state = (overrides: Partial<StateDefinition>): StateDefinition => ({
  id: 5,
  name: 'review',
  type_id: 0,
  order_id: 1,
  is_hidden: false,
  enable_retreat: false,
  remember_last_man_enable: true,
  participant_type_id: 1,
  participant: 'lilei',
  distribute_type_id: 1,
  state_field: {},
  label: {},
  ...overrides,
});
const ticket = { creator: 'zhangsan', lastPersonByState: { 5: 'wang' } } as unknown as Ticket;
const ctx = { catalog: emptyCatalog(), random: 0, parentFields: {} };

t.test('given a remembering state worked by wang, when it is entered again, then wang', async (t) => {
  t.match(enterState(ticket, state({}), {}, ctx), { participantTypeId: 1, participant: 'wang' });
});

t.test('given a remembering hook state, when it is entered again, then the hook, not the last man', async (t) => {
  const hook = state({ participant_type_id: 10, participant: { hook_url: 'http://h', hook_token: 't', wait: true } });
  t.match(enterState(ticket, hook, {}, ctx), { participantTypeId: 10, participant: '***' });
});

t.test('given an "all must handle" remembering state, when entered, then a full round', async (t) => {
  const all = state({ participant_type_id: 2, participant: 'a,b', distribute_type_id: 4 });
  t.match(enterState(ticket, all, {}, ctx), { participantTypeId: 2, participant: 'a,b', multiAllPerson: { a: {}, b: {} } });
});

t.test('act_state after a transition and after forcing (Q19)', async (t) => {
  t.equal(actStateAfterTransition(state({ type_id: 2 }), 1), 4, 'end');
  t.equal(actStateAfterTransition(state({ type_id: 1 }), 1), 0, 'start');
  t.equal(actStateAfterTransition(state({ type_id: 2 }), 2), 2, 'a reject wherever it leads');
  t.equal(actStateAfterForcing(state({ type_id: 2 }), 1), 5, 'forced to the end: closed');
  t.equal(actStateAfterForcing(state({ type_id: 1 }), 1), 0, 'forced to the start: draft');
  t.equal(actStateAfterForcing(state({}), 4), 1, 'a finished ticket reopens');
  t.equal(actStateAfterForcing(state({}), 2), 2, 'a rejected one stays rejected');
});
