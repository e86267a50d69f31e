import { readFile } from 'node:fs/promises';
import t from 'tap';
import YAML from 'yaml';
import {
  DEMO_CONFIG_PATH,
  loadConfigFile,
  parseConfigDocument,
  validateConfigDocument,
  type ConfigDocument,
  type ConfigResult,
} from '../../src/config/config-document.ts';

const mustParse = (r: ConfigResult): ConfigDocument => {
  if (!r.ok) throw new Error(`unexpected problems:\n${r.problems.join('\n')}`);
  return r.document;
};

const problemsOf = (r: ConfigResult): string[] => (r.ok ? [] : r.problems);

/** The smallest valid workflow; tests spread it and break one thing at a time. */
const minimalWorkflow = () => ({
  id: 1,
  name: 'wf',
  states: [
    { id: 1, name: 'start', type_id: 1, participant_type_id: 5, participant: 'creator' },
    { id: 2, name: 'end', type_id: 2 },
  ],
  transitions: [{ id: 1, name: 'submit', source_state_id: 1, destination_state_id: 2 }],
});

t.test('the bundled demo config is valid and carries the §13 fixture', async (t) => {
  const doc = mustParse(await loadConfigFile(DEMO_CONFIG_PATH));
  t.same(doc.apps, [{ name: 'demo', token: 'demo-token-change-me', ticket_sn_prefix: 'demo', workflow_ids: 'all' }]);
  t.same(doc.users.map((u) => u.username).sort(), ['admin', 'guiji', 'hanmeimei', 'jack', 'lilei', 'lisi', 'wangwu', 'zhangsan']);
  t.equal(doc.users.find((u) => u.username === 'admin')?.type_id, 2);
  t.same(
    doc.users
      .filter((u) => u.dept_ids.includes(3))
      .map((u) => u.username)
      .sort(),
    ['guiji', 'wangwu'],
  );

  const leave = doc.workflows.find((w) => w.id === 1)!;
  t.equal(leave.name, '请假申请');
  t.equal(leave.title_template, '你有一个待办工单:{title}');
  t.same(
    leave.states.map((s) => [s.id, s.name, s.type_id]),
    [
      [1, '新建中', 1],
      [3, 'TL审批中', 0],
      [4, '人事部门-处理中', 0],
      [5, '结束', 2],
    ],
  );
  const tl = leave.states.find((s) => s.id === 3)!;
  t.match(tl, { participant_type_id: 2, participant: 'zhangsan,lisi', distribute_type_id: 4, remember_last_man_enable: true });
  t.same(
    leave.transitions.map((tr) => [tr.id, tr.name, tr.source_state_id, tr.destination_state_id, tr.attribute_type_id]),
    [
      [1, '提交', 1, 3, 1],
      [2, '保存', 1, 1, 2],
      [3, '同意', 3, 4, 1],
      [4, '拒绝', 3, 1, 2],
      [5, '同意', 4, 5, 1],
      [6, '退回', 4, 1, 2],
    ],
  );
  t.equal(leave.transitions.find((tr) => tr.id === 4)?.field_require_check, false);
  t.same(leave.custom_fields.find((f) => f.field_key === 'leave_type')?.field_choice, { 1: '年假', 2: '调休', 3: '病假' });

  const vpn = doc.workflows.find((w) => w.id === 2)!;
  t.equal(vpn.name, 'vpn申请');
  t.same(
    vpn.states.map((s) => [s.id, s.name, s.type_id, s.order_id, s.participant_type_id, s.distribute_type_id]),
    [
      [6, '发起人-新建中', 1, 1, 5, 1],
      [7, '发起人tl-审批中', 0, 2, 2, 4],
      [8, '运维人员-审批中', 0, 3, 3, 1],
      [9, '授权脚本-自动执行中', 0, 4, 10, 1],
      [10, '发起人-确认中', 0, 6, 5, 1],
      [11, '结束', 2, 7, 0, 1],
    ],
  );
  t.same(vpn.states.find((s) => s.id === 6)?.state_field, { vpn_reason: 2, title: 2, vpn_type: 3 });
  t.equal(vpn.states.find((s) => s.id === 8)?.participant, '3');
  t.same(vpn.states.find((s) => s.id === 9)?.participant, {
    hook_url: 'http://127.0.0.1:9000/hook',
    hook_token: 'demo-hook-token',
    wait: true,
  });
  t.same(vpn.display_form, ['sn', 'title', 'gmt_created', 'participant_info.participant_alias', 'vpn_reason']);
  t.same(
    vpn.transitions.map((tr) => [tr.id, tr.source_state_id, tr.destination_state_id]),
    [
      [7, 6, 7],
      [8, 7, 8],
      [9, 8, 9],
      [10, 9, 10],
      [11, 10, 11],
      [12, 10, 8],
    ],
  );
  t.match(
    vpn.transitions.find((tr) => tr.id === 12),
    { alert_enable: true, field_require_check: false },
  );
});

t.test('omitted optional fields get loonflow defaults', async (t) => {
  const doc = mustParse(
    validateConfigDocument({
      apps: [{ name: 'ops', token: 's3cret' }],
      users: [{ username: 'lilei' }],
      depts: [{ id: 1, name: 'hq' }],
      roles: [{ id: 1, name: 'r' }],
      notices: [{ id: 1, name: 'n', hook_url: 'http://127.0.0.1:9000/notice', hook_token: 't' }],
      workflows: [
        {
          ...minimalWorkflow(),
          notices: [1],
          custom_fields: [{ id: 1, field_key: 'reason', field_name: 'Reason', field_type_id: 55 }],
        },
      ],
    }),
  );
  t.same(doc.apps[0], { name: 'ops', token: 's3cret', ticket_sn_prefix: 'loonflow', workflow_ids: 'all' });
  t.same(doc.users[0], {
    username: 'lilei',
    alias: 'lilei',
    email: '',
    phone: '',
    type_id: 0,
    dept_ids: [],
    is_active: true,
  });
  t.same(doc.depts[0], { id: 1, name: 'hq', parent_dept_id: 0, leader: '', approvers: [], label: {} });
  t.same(doc.roles[0], { id: 1, name: 'r', description: '', members: [] });
  t.equal(doc.notices[0].description, '');
  const wf = doc.workflows[0];
  t.match(wf, {
    description: '',
    view_permission_check: true,
    limit_expression: {},
    display_form: [],
    title_template: '',
    content_template: '',
    notices: [1],
    admins: [],
    interveners: [],
    view_persons: [],
    view_depts: [],
  });
  t.same(wf.states[1], {
    id: 2,
    name: 'end',
    type_id: 2,
    order_id: 0,
    is_hidden: false,
    enable_retreat: false,
    remember_last_man_enable: false,
    participant_type_id: 1,
    participant: '',
    distribute_type_id: 1,
    state_field: {},
    label: {},
  });
  t.same(wf.transitions[0], {
    id: 1,
    name: 'submit',
    source_state_id: 1,
    destination_state_id: 2,
    transition_type_id: 1,
    timer: 0,
    attribute_type_id: 1,
    condition_expression: [],
    field_require_check: true,
    alert_enable: false,
    alert_text: '',
  });
  t.same(wf.custom_fields[0], {
    id: 1,
    field_key: 'reason',
    field_name: 'Reason',
    field_type_id: 55,
    order_id: 0,
    default_value: null,
    description: '',
    placeholder: '',
    field_template: '',
    boolean_field_display: {},
    field_choice: {},
    label: {},
  });
});

t.test('participants written the YAML way are normalised', async (t) => {
  const doc = mustParse(
    parseConfigDocument(`
depts: [{id: 3, name: ops}]
roles: [{id: 5, name: admins}]
workflows:
  - id: 1
    name: wf
    states:
      - {id: 1, name: start, type_id: 1, participant_type_id: 5, participant: creator}
      - {id: 2, name: dept, participant_type_id: 3, participant: 3}
      - {id: 3, name: role, participant_type_id: 4, participant: 5}
      - {id: 4, name: people, participant_type_id: 2, participant: [zhangsan, lisi]}
      - {id: 5, name: hook, participant_type_id: 10, participant: {hook_url: "https://hooks.example/x", hook_token: t}}
      - {id: 6, name: external, participant_type_id: 11,
         participant: {external_url: "http://127.0.0.1/who", external_token: t, extra_info: {a: 1}}}
      - {id: 7, name: end, type_id: 2}
    transitions:
      - {id: 1, name: go, source_state_id: 1, destination_state_id: 7}
`),
  );
  const p = doc.workflows[0].states.map((s) => s.participant);
  t.same(p.slice(1, 4), ['3', '5', 'zhangsan,lisi']);
  t.same(p[4], { hook_url: 'https://hooks.example/x', hook_token: 't', wait: false });
  t.same(p[5], { external_url: 'http://127.0.0.1/who', external_token: 't', extra_info: { a: 1 } });
});

t.test('an invalid document reports every problem at once', async (t) => {
  const wf = minimalWorkflow();
  const result = validateConfigDocument({
    apps: [
      { name: 'ops', token: 'a', workflow_ids: [1, 42] },
      { name: 'ops', token: 'b' },
    ],
    users: [{ username: 'lilei', dept_ids: [9] }, { username: 'lilei' }],
    depts: [
      { id: 1, name: 'hq' },
      { id: 1, name: 'hq again', parent_dept_id: 77 },
    ],
    roles: [{ id: 1, name: 'r' }],
    notices: [],
    workflows: [
      {
        ...wf,
        notices: [3],
        display_form: ['sn', 'nope'],
        custom_fields: [
          { id: 1, field_key: 'kind', field_name: 'Kind', field_type_id: 35 },
          { id: 1, field_key: 'kind', field_name: 'Kind again', field_type_id: 5 },
        ],
        states: [
          ...wf.states,
          { id: 3, name: 'second start', type_id: 1 },
          { id: 4, name: 'dept', participant_type_id: 3, participant: '8', state_field: { 'state.name': 1 } },
          { id: 5, name: 'role', participant_type_id: 4, participant: '6' },
        ],
        transitions: [
          ...wf.transitions,
          { id: 2, name: 'broken', source_state_id: 98, destination_state_id: 99 },
          {
            id: 3,
            name: 'routed',
            source_state_id: 1,
            destination_state_id: 0,
            condition_expression: [{ expression: '{kind} == 1', target_state_id: 97 }],
          },
          { id: 4, name: 'dead end', source_state_id: 1 },
        ],
      },
      { id: 1, name: 'same id', states: [{ id: 1, name: 'x', type_id: 1 }] },
    ],
  });
  const problems = problemsOf(result);
  t.notOk(result.ok);
  const expected = [
    'apps[1].name: duplicate app name "ops", already used at apps[0].name',
    'apps[0].workflow_ids[1]: workflow 42 is not defined in this document or the applied configuration',
    'users[1].username: duplicate username "lilei", already used at users[0].username',
    'users[0].dept_ids[0]: dept 9 is not defined in this document or the applied configuration',
    'depts[1].id: duplicate dept id 1, already used at depts[0].id',
    'depts[1].parent_dept_id: dept 77 is not defined in this document or the applied configuration',
    'workflows[1].id: duplicate workflow id 1, already used at workflows[0].id',
    'workflows[1].states[0].id: duplicate state id 1, already used at workflows[0].states[0].id (state ids must be unique across all workflows)',
    'workflows[0].custom_fields[1].id: duplicate custom field id 1, already used at workflows[0].custom_fields[0].id in this workflow',
    'workflows[0].custom_fields[1].field_key: duplicate field_key "kind", already used at workflows[0].custom_fields[0].field_key in this workflow',
    'workflows[0].custom_fields[0].field_choice: field type 35 needs at least one choice',
    'workflows[0].states: workflow 1 has 2 start states (1, 3); exactly one is allowed',
    'workflows[1].states: workflow 1 has no end state (type_id 2)',
    'workflows[0].display_form[1]: "nope" is neither a custom field of workflow 1 nor a built-in ticket field',
    'workflows[0].states[3].state_field["state.name"]: "state.name" is neither a custom field of workflow 1 nor a built-in ticket field',
    'workflows[0].states[3].participant: dept 8 is not defined in this document or the applied configuration',
    'workflows[0].states[4].participant: role 6 is not defined in this document or the applied configuration',
    'workflows[0].transitions[1].source_state_id: state 98 is not a state of workflow 1',
    'workflows[0].transitions[1].destination_state_id: state 99 is not a state of workflow 1',
    'workflows[0].transitions[2].condition_expression[0].target_state_id: state 97 is not a state of workflow 1',
    'workflows[0].transitions[3].destination_state_id: is 0 and there is no condition_expression, so the transition leads nowhere',
    'workflows[0].notices[0]: notice 3 is not defined in this document or the applied configuration',
  ];
  for (const p of expected) t.ok(problems.includes(p), p);
  t.equal(problems.length, expected.length, `no other problems:\n${problems.join('\n')}`);
});

t.test('shape errors in one item do not hide cross-reference problems elsewhere', async (t) => {
  const problems = problemsOf(
    validateConfigDocument({
      users: [{ username: 'a b', type_id: 7 }],
      workflows: [
        { ...minimalWorkflow(), states: [{ id: 1, name: 'start', type_id: 1, participant_type_id: 9 }] },
        { ...minimalWorkflow(), id: 2, transitions: [{ id: 2, name: 'x', source_state_id: 1, destination_state_id: 50 }] },
      ],
    }),
  );
  t.ok(problems.includes('users[0].username: must be a non-empty name without commas or spaces (assignee lists are comma-joined)'));
  t.ok(problems.includes('users[0].type_id: must be 0 (user), 1 (workflow admin) or 2 (super admin)'));
  t.ok(problems.some((p) => p.startsWith('workflows[0].states[0].participant_type_id: must be one of 0 (none)')));
  t.ok(problems.includes('workflows[1].transitions[0].destination_state_id: state 50 is not a state of workflow 2'));
  // States 1 and 2 of workflow 2 repeat workflow 1's ids, but workflow 1 did not parse, so no duplicate is claimed
  // for it; only problems that are certain are reported.
  t.notOk(problems.some((p) => p.startsWith('workflows[1].states')));
});

t.test('type-specific participants are checked', async (t) => {
  const wf = minimalWorkflow();
  const problems = problemsOf(
    validateConfigDocument({
      workflows: [
        {
          ...wf,
          states: [
            ...wf.states,
            { id: 3, name: 'hook as text', participant_type_id: 10, participant: 'http://x' },
            { id: 4, name: 'bad hook', participant_type_id: 10, participant: { hook_url: 'ftp://x', hook_token: 't', wiat: true } },
          ],
        },
        {
          ...wf,
          id: 2,
          states: [
            { id: 11, name: 'start', type_id: 1 },
            { id: 12, name: 'end', type_id: 2 },
            { id: 13, name: 'variable', participant_type_id: 5, participant: 'creator,boss' },
            { id: 14, name: 'nobody', participant_type_id: 1 },
            { id: 15, name: 'script', participant_type_id: 6, participant: '../evil.js' },
            { id: 16, name: 'roles', participant_type_id: 4, participant: '1,2' },
            { id: 17, name: 'field', participant_type_id: 7, participant: 'approver' },
          ],
          transitions: [{ id: 2, name: 'submit', source_state_id: 11, destination_state_id: 12 }],
        },
      ],
    }),
  );
  t.same(problems, [
    'workflows[0].states[2].participant: must be a mapping, not the text "http://x"',
    'workflows[0].states[3].participant.hook_url: must be an http:// or https:// URL',
    'workflows[0].states[3].participant.wiat: unknown key (check the spelling)',
    'workflows[1].states[2].participant: "boss" is not a variable (use creator or creator_tl)',
    'workflows[1].states[3].participant: participant_type_id 1 needs a participant',
    'workflows[1].states[4].participant: must be a plain file name in the scripts folder',
    'workflows[1].states[5].participant: a role state takes a single role id',
    'workflows[1].states[6].participant: "approver" is not a field of workflow 2',
  ]);
});

t.test('unknown keys are rejected with their path', async (t) => {
  const wf = minimalWorkflow();
  const problems = problemsOf(
    validateConfigDocument({
      worklfows: [],
      workflows: [
        {
          ...wf,
          display_fom: [],
          states: [{ ...wf.states[0], stat_field: {} }, wf.states[1]],
          transitions: [{ ...wf.transitions[0], enable_alert: true }],
        },
      ],
    }),
  );
  t.same(problems.sort(), [
    'workflows[0].display_fom: unknown key (check the spelling)',
    'workflows[0].states[0].stat_field: unknown key (check the spelling)',
    'workflows[0].transitions[0].enable_alert: unknown key (check the spelling)',
    'worklfows: unknown key (check the spelling)',
  ]);
});

t.test('YAML and JSON give the same document', async (t) => {
  const yamlText = await readFile(DEMO_CONFIG_PATH, 'utf8');
  const fromYaml = mustParse(parseConfigDocument(yamlText));
  const jsonText = JSON.stringify(YAML.parse(yamlText), null, 2);
  t.same(mustParse(parseConfigDocument(jsonText)), fromYaml, 'detected as JSON');
  t.same(mustParse(parseConfigDocument(jsonText, 'json')), fromYaml, 'declared JSON');
  t.same(mustParse(parseConfigDocument(jsonText, 'yaml')), fromYaml, 'JSON read as YAML');
  t.same(mustParse(validateConfigDocument(JSON.parse(jsonText))), fromYaml, 'already parsed');
});

t.test('syntax errors are one problem each, never a throw', async (t) => {
  const yamlBad = problemsOf(parseConfigDocument('workflows:\n  - id: 1\n   name: [x\n'));
  t.ok(yamlBad.length >= 1);
  t.ok(
    yamlBad.every((p) => p.startsWith('document: YAML syntax error: ')),
    yamlBad.join('\n'),
  );
  t.match(yamlBad[0], /line \d+, column \d+/);

  t.same(problemsOf(parseConfigDocument('apps: []\napps: []\n')), [
    'document: YAML syntax error: Map keys must be unique at line 2, column 1',
  ]);
  const jsonBad = problemsOf(parseConfigDocument('{"apps": [}'));
  t.equal(jsonBad.length, 1);
  t.match(jsonBad[0], /^document: JSON syntax error: /);
  t.same(problemsOf(parseConfigDocument('')), ['document: the document is empty']);
  const notAMapping = ['document: must be a mapping of sections (apps, users, depts, roles, notices, workflows)'];
  t.same(problemsOf(parseConfigDocument('- 1\n- 2\n')), notAMapping);
  t.same(problemsOf(validateConfigDocument(undefined)), notAMapping);
  t.same(problemsOf(validateConfigDocument({ apps: {} })), ['apps: must be a list, not a mapping']);
});

t.test('loadConfigFile reports an unreadable file as a problem', async (t) => {
  const r = await loadConfigFile('/nonexistent/flowledger.yaml');
  t.notOk(r.ok);
  t.match(problemsOf(r)[0], /^cannot read config file \/nonexistent\/flowledger\.yaml: /);
});

t.test('conditions, field keys and built-in fields are checked before anything is applied', async (t) => {
  const result = validateConfigDocument({
    workflows: [
      {
        id: 7,
        name: 'checked',
        custom_fields: [
          { id: 1, field_key: 'amount', field_name: 'Amount', field_type_id: 10 },
          { id: 2, field_key: 'suggestion', field_name: 'Clash', field_type_id: 5 },
        ],
        states: [
          { id: 1, name: 'start', type_id: 1, participant_type_id: 5, participant: 'creator', state_field: { amount: 2, creator: 2 } },
          { id: 2, name: 'review', participant_type_id: 1, participant: 'lilei' },
          { id: 3, name: 'end', type_id: 2, participant_type_id: 0 },
        ],
        transitions: [
          {
            id: 1,
            name: 'submit',
            source_state_id: 1,
            destination_state_id: 2,
            condition_expression: [{ expression: '{amount} > (', target_state_id: 3 }],
          },
          {
            id: 2,
            name: 'ok',
            source_state_id: 2,
            destination_state_id: 3,
            condition_expression: [{ expression: '{budget} > 1', target_state_id: 3 }],
          },
          {
            id: 3,
            name: 'fine',
            source_state_id: 2,
            destination_state_id: 3,
            condition_expression: [{ expression: "{amount} > 1 and {sn} != ''''''", target_state_id: 3 }],
          },
        ],
      },
    ],
  });
  t.notOk(result.ok);
  const problems = result.ok ? [] : result.problems;
  t.ok(
    problems.some((p) => p.startsWith('workflows[0].transitions[0].condition_expression[0].expression:')),
    'a syntax error',
  );
  t.ok(
    problems.some((p) => /transitions\[1\].*refers to \{budget\}, which is neither a field of workflow 7 nor a ticket column/.test(p)),
    'an unknown field',
  );
  t.notOk(
    problems.some((p) => /transitions\[2\]/.test(p)),
    "fields and the ticket's columns are fine after the start",
  );
  t.ok(
    problems.some((p) => /custom_fields\[1\]\.field_key: "suggestion" is a request parameter/.test(p)),
    'a reserved key',
  );
  t.ok(
    problems.some((p) => /state_field\.creator: .*no request can write/.test(p)),
    'a built-in field marked writable',
  );
});

t.test('every string of the document has a bound: at it is accepted, one past it is a problem naming the path', async (t) => {
  const x = (n: number) => 'x'.repeat(n);
  const emoji = (n: number) => '😀'.repeat(n);
  const doc = (
    over: {
      app?: object;
      user?: object;
      dept?: object;
      role?: object;
      notice?: object;
      workflow?: object;
      field?: object;
      state?: object;
    } = {},
  ) => ({
    apps: [{ name: 'a', token: 't', ticket_sn_prefix: 'p', ...over.app }],
    users: [{ username: 'u', ...over.user }],
    depts: [{ id: 1, name: 'd', ...over.dept }],
    roles: [{ id: 1, name: 'r', ...over.role }],
    notices: [{ id: 1, name: 'n', hook_url: 'http://h.example/x', hook_token: 'k', ...over.notice }],
    workflows: [
      {
        ...minimalWorkflow(),
        custom_fields: [{ id: 1, field_key: 'f', field_name: 'f', field_type_id: 5, ...over.field }],
        states: [{ ...minimalWorkflow().states[0], ...over.state }, minimalWorkflow().states[1]],
        ...over.workflow,
      },
    ],
  });
  const cases: [string, (n: number) => ReturnType<typeof doc>, number, RegExp][] = [
    [
      'a directory username (a primary key)',
      (n) => doc({ user: { username: emoji(n) } }),
      50,
      /users\[0\]\.username: must be a username of at most 50 characters/,
    ],
    ['an app name', (n) => doc({ app: { name: x(n) } }), 255, /apps\[0\]\.name: must be at most 255 characters/],
    ['an app token', (n) => doc({ app: { token: x(n) } }), 255, /apps\[0\]\.token: must be at most 255 characters/],
    [
      'an sn prefix (part of the indexed sn)',
      (n) => doc({ app: { ticket_sn_prefix: x(n) } }),
      50,
      /apps\[0\]\.ticket_sn_prefix: must be at most 50 characters/,
    ],
    ['a user alias', (n) => doc({ user: { alias: x(n) } }), 255, /users\[0\]\.alias/],
    ['an email', (n) => doc({ user: { email: x(n) } }), 255, /users\[0\]\.email/],
    ['a dept leader', (n) => doc({ dept: { leader: x(n) } }), 50, /depts\[0\]\.leader/],
    [
      'a dept label',
      (n) => doc({ dept: { label: { k: x(n - 8) } } }),
      10_000,
      /depts\[0\]\.label: must be at most 10000 characters as JSON/,
    ],
    ['a role description', (n) => doc({ role: { description: x(n) } }), 10_000, /roles\[0\]\.description/],
    [
      'a notice url',
      (n) => doc({ notice: { hook_url: `http://h.example/${x(n - 17)}` } }),
      2000,
      /notices\[0\]\.hook_url: must be a URL of at most 2000 characters/,
    ],
    ['a workflow name', (n) => doc({ workflow: { name: x(n) } }), 255, /workflows\[0\]\.name/],
    ['a title template', (n) => doc({ workflow: { title_template: x(n) } }), 10_000, /workflows\[0\]\.title_template/],
    ['a field key', (n) => doc({ field: { field_key: x(n) } }), 50, /custom_fields\[0\]\.field_key: must be at most 50 characters/],
    ['a field description', (n) => doc({ field: { description: x(n) } }), 10_000, /custom_fields\[0\]\.description/],
    ['a choice key', (n) => doc({ field: { field_type_id: 35, field_choice: { [x(n)]: 'c' } } }), 50, /field_choice/],
    ['a state name', (n) => doc({ state: { name: x(n) } }), 255, /states\[0\]\.name/],
    ['a state label', (n) => doc({ state: { label: { k: x(n - 8) } } }), 10_000, /states\[0\]\.label/],
  ];
  for (const [what, build, max, problem] of cases) {
    t.test(`given ${what}, when it has ${max} characters, then the document is valid; at ${max + 1}, a problem`, async (t) => {
      t.strictSame(problemsOf(validateConfigDocument(build(max))), [], `${max} is allowed`);
      t.match(problemsOf(validateConfigDocument(build(max + 1))), [problem], `${max + 1} is refused`);
    });
  }
  t.test('given a hook participant with a megabyte of extra_info, then a problem, not an event', async (t) => {
    const hookState = {
      participant_type_id: 10,
      participant: { hook_url: 'http://h.example/x', hook_token: 'k', extra_info: { blob: x(1 << 20) } },
    };
    const d = doc();
    d.workflows[0].states.splice(1, 0, { id: 3, name: 'hook', type_id: 0, ...hookState } as never);
    t.match(problemsOf(validateConfigDocument(d)), [/states\[1\]\.participant\.extra_info: must be at most 10000 characters as JSON/]);
  });
  t.test('given 10,001 admins, then a problem naming the list bound', async (t) => {
    t.match(problemsOf(validateConfigDocument(doc({ workflow: { admins: Array.from({ length: 10_001 }, (_, i) => `u${i}`) } }))), [
      /workflows\[0\]\.admins: must have at most 10000 items/,
    ]);
  });
});

t.test(
  'a workflow is checked part by part: a malformed state leaves its other parts to the rules, and only certain problems are claimed',
  async (t) => {
    const wf = minimalWorkflow();
    const problems = problemsOf(
      validateConfigDocument({
        workflows: [
          {
            ...wf,
            custom_fields: [{ id: 1, field_key: 'kind', field_name: 'Kind', field_type_id: 35 }],
            states: [...wf.states, { id: 3, name: 'review', participant_type_id: 1, participant: 'lilei', typo: true }],
            transitions: [...wf.transitions, { id: 2, name: 'again', source_state_id: 1, destination_state_id: 0 }],
          },
          {
            id: 2,
            name: 'broken field',
            display_form: ['kind'],
            custom_fields: [{ id: 2, field_key: 'kind', field_name: 'Kind', field_type_id: 999 }],
            states: [
              { id: 21, name: 'start', type_id: 1, state_field: { kind: 2 } },
              { id: 22, name: 'end', type_id: 2 },
            ],
            transitions: [
              {
                id: 21,
                name: 'go',
                source_state_id: 21,
                destination_state_id: 99,
                condition_expression: [{ expression: '{kind} == 1', target_state_id: 22 }],
              },
            ],
          },
          { id: 3, name: ['not a name'], states: [{ id: 31, type_id: 1 }] },
        ],
      }),
    );
    t.same(problems.sort(), [
      'workflows[0].custom_fields[0].field_choice: field type 35 needs at least one choice',
      'workflows[0].states[2].typo: unknown key (check the spelling)',
      'workflows[0].transitions[1].destination_state_id: is 0 and there is no condition_expression, so the transition leads nowhere',
      'workflows[1].custom_fields[0].field_type_id: must be one of 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 58, 60, 70, 80',
      'workflows[1].transitions[0].destination_state_id: state 99 is not a state of workflow 2',
      'workflows[2].name: must be text, not a list',
      'workflows[2].states[0].name: is required',
    ]);
  },
);
