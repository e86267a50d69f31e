// Applying a config document (contract §4): idempotent, and only what changed becomes an
// event. Given the catalog's events, when a document is applied, then these events.
import t from 'tap';
import { DEMO_CONFIG_PATH, loadConfigFile, type ConfigDocument } from '../../src/config/config-document.ts';
import { decideApplyConfig } from '../../src/domain/catalog/apply-config.ts';
import { emptyCatalog, evolveCatalog, type Catalog } from '../../src/domain/catalog/catalog.ts';
import type { CatalogEvent } from '../../src/domain/catalog/events.ts';
import type { User } from '../../src/domain/directory.ts';
import type { WorkflowDefinition } from '../../src/domain/workflow.ts';
import { state, transition, workflow } from './decider-spec.ts';

const NOW = new Date('2024-03-05T08:30:00.000Z');

const given = (events: CatalogEvent[]): Catalog => events.reduce(evolveCatalog, emptyCatalog());
const applying = (document: ConfigDocument, catalog: Catalog) => decideApplyConfig({ ...document, now: NOW }, catalog);
/** What the event store hands back: the events after a JSON round trip. */
const stored = (events: CatalogEvent[]): CatalogEvent[] => JSON.parse(JSON.stringify(events));

// ---------------------------------------------------------------------------------------
// A small document

const user = (username: string, alias: string, dept_ids: number[]): User => ({
  username,
  alias,
  email: `${username}@example.com`,
  phone: '',
  type_id: 0,
  dept_ids,
  is_active: true,
});

const vpn: WorkflowDefinition = workflow(2, 'vpn', {
  view_permission_check: true,
  display_form: ['sn', 'title'],
  notices: [1],
  admins: ['admin'],
  states: [
    state(6, 'new', 1, { participant_type_id: 5, participant: 'creator', state_field: { title: 2 } }),
    state(7, 'tl', 0, { participant_type_id: 5, participant: 'creator_tl' }),
    state(8, 'hook', 0, { participant_type_id: 10, participant: { hook_url: 'http://127.0.0.1:9000/hook', hook_token: 't', wait: true } }),
    state(9, 'done', 2),
  ],
  transitions: [transition(7, 'submit', 6, 7)],
});

const document: ConfigDocument = {
  apps: [{ name: 'ops', token: 's3cret', ticket_sn_prefix: 'ops', workflow_ids: [2] }],
  users: [user('lilei', '李磊', [2]), user('zhangsan', '张三', [2])],
  depts: [{ id: 2, name: '技术部', parent_dept_id: 0, leader: 'lilei', approvers: [], label: {} }],
  roles: [{ id: 1, name: 'vpn-admins', description: '', members: ['lilei'] }],
  notices: [{ id: 1, name: 'hook', description: '', hook_url: 'http://127.0.0.1:9000/notice', hook_token: 't' }],
  workflows: [vpn],
};

const published = (definition: WorkflowDefinition, version: number): CatalogEvent => ({
  type: 'WorkflowVersionPublished',
  data: { workflowId: definition.id, version, definition, publishedAt: NOW.toISOString() },
});

// ---------------------------------------------------------------------------------------

t.test('given an empty catalog, when the document is applied, then one event per entity, the workflow as version 1', async (t) => {
  t.strictSame(applying(document, emptyCatalog()), [
    { type: 'AppDefined', data: { app: document.apps[0] } },
    { type: 'DeptDefined', data: { dept: document.depts[0] } },
    { type: 'UserDefined', data: { user: document.users[0] } },
    { type: 'UserDefined', data: { user: document.users[1] } },
    { type: 'RoleDefined', data: { role: document.roles[0] } },
    { type: 'NoticeDefined', data: { notice: document.notices[0] } },
    published(vpn, 1),
  ]);
});

t.test("given the catalog folded from the document's own events, when the same document is applied again, then no events", async (t) => {
  const first = applying(document, emptyCatalog());
  t.strictSame(applying(document, given(first)), []);
  t.strictSame(applying(document, given(stored(first))), [], 'also after the events went through the store as JSON');
});

t.test('given the demo configuration applied once, when it is applied again, then no events', async (t) => {
  const loaded = await loadConfigFile(DEMO_CONFIG_PATH);
  if (!loaded.ok) throw new Error(`demo config invalid: ${loaded.problems.join('; ')}`);
  const first = applying(loaded.document, emptyCatalog());
  t.equal(first.filter((e) => e.type === 'WorkflowVersionPublished').length, loaded.document.workflows.length, 'each workflow published');
  t.strictSame(applying(loaded.document, given(stored(first))), []);
});

t.test('given workflow 2 at version 1', async (t) => {
  const history = applying(document, emptyCatalog());

  t.test('when a document with a renamed state is applied, then WorkflowVersionPublished version 2 with the new definition', async (t) => {
    const renamed = { ...vpn, states: vpn.states.map((s) => (s.id === 7 ? { ...s, name: 'team lead' } : s)) };
    t.strictSame(applying({ ...document, workflows: [renamed] }, given(history)), [published(renamed, 2)]);
  });

  t.test('when it changes again at version 2, then version 3', async (t) => {
    const v2 = { ...vpn, admins: ['admin', 'lilei'] };
    const v3 = { ...v2, view_persons: ['zhangsan'] };
    t.strictSame(applying({ ...document, workflows: [v3] }, given([...history, published(v2, 2)])), [published(v3, 3)]);
  });

  t.test('when the document carries the same workflow as a fresh, equal object, then nothing', async (t) => {
    const copy: WorkflowDefinition = structuredClone(vpn);
    t.strictSame(applying({ ...document, workflows: [copy] }, given(history)), []);
  });

  t.test('when a workflow unknown to the catalog is added, then only it is published, as version 1', async (t) => {
    // State and transition ids are unique across workflows, so the copy has its own.
    const other: WorkflowDefinition = {
      ...vpn,
      id: 3,
      name: 'other',
      states: vpn.states.map((s) => ({ ...s, id: s.id + 100 })),
      transitions: vpn.transitions.map((tr) => ({
        ...tr,
        id: tr.id + 100,
        source_state_id: tr.source_state_id + 100,
        destination_state_id: tr.destination_state_id + 100,
      })),
    };
    t.strictSame(applying({ ...document, workflows: [vpn, other] }, given(history)), [published(other, 1)]);
  });
});

t.test("given the document applied, when only zhangsan's alias changes, then UserDefined for zhangsan alone", async (t) => {
  const history = applying(document, emptyCatalog());
  const renamed = { ...document.users[1], alias: '张三丰' };
  t.strictSame(applying({ ...document, users: [document.users[0], renamed] }, given(history)), [
    { type: 'UserDefined', data: { user: renamed } },
  ]);
});

t.test('given the document applied, when a document names only some entities, then the others are left alone (no events)', async (t) => {
  const history = applying(document, emptyCatalog());
  t.strictSame(applying({ apps: [], users: [document.users[0]], depts: [], roles: [], notices: [], workflows: [] }, given(history)), []);
});

t.test("given workflow 2 applied, when a document breaks the catalog's rules, then the decider refuses it whole", async (t) => {
  const history = applying(document, emptyCatalog());
  const refusal = (d: ConfigDocument) => {
    try {
      applying(d, given(history));
    } catch (error) {
      return error;
    }
    return undefined;
  };

  t.test('when another workflow takes one of its state ids, then config_invalid naming the owner, and no events', async (t) => {
    const thief = { ...vpn, id: 3, name: 'thief', states: vpn.states.map((s) => ({ ...s, id: s.id + 100 })).concat(state(7, 'taken', 0)) };
    t.match(refusal({ ...document, workflows: [thief] }), {
      code: 'config_invalid',
      details: {
        problems: [
          'workflows[0].states[4].id: state id 7 already belongs to workflow 2',
          'workflows[0].transitions[0].id: transition id 7 already belongs to workflow 2',
        ],
      },
    });
  });

  t.test('when a workflow has two start states and a transition to nowhere, then both problems in one refusal', async (t) => {
    const broken = {
      ...vpn,
      states: vpn.states.map((s) => (s.id === 7 ? { ...s, type_id: 1 } : s)),
      transitions: [transition(7, 'submit', 6, 99)],
    };
    t.match(refusal({ ...document, workflows: [broken] }), {
      code: 'config_invalid',
      message:
        'The config document has 2 problem(s); nothing was applied: ' +
        'workflows[0].states: workflow 2 has 2 start states (6, 7); exactly one is allowed; ' +
        'workflows[0].transitions[0].destination_state_id: state 99 is not a state of workflow 2',
    });
  });

  t.test('when a user takes an engine name, then refused', async (t) => {
    t.match(refusal({ ...document, users: [user('loonrobot', 'robot', [])] }), {
      details: { problems: ['users[0].username: "loonrobot" is reserved for the engine\'s own actions'] },
    });
  });
});
