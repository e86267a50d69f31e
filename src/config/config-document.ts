// The config document (contract §4): apps, directory, notices and workflows in one JSON or
// YAML file. Parsing fills loonflow's column defaults so the rest of the system only ever
// sees fully populated domain objects; validation reports every problem at once because a
// document is applied whole or not at all.
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { z } from 'zod';
import type { CatalogDocument } from '../domain/catalog/apply-config.ts';
import { conditionFieldKeys, parseCondition } from '../domain/conditions/index.ts';
import { CONFIG_BOUNDS as B, withinLength } from '../domain/bounds.ts';
import { ENGINE_USERNAMES, type App, type Dept, type Notice, type Role, type User } from '../domain/directory.ts';
import { NON_FIELD_KEYS } from '../domain/fields.ts';
import { CONDITION_BASE_KEYS } from '../domain/ticket/routing.ts';
import { ParticipantType, StateType, type WorkflowDefinition } from '../domain/workflow.ts';

/** The document is the catalog's own shape: what the domain applies. */
export type ConfigDocument = CatalogDocument;

export type ConfigResult = { ok: true; document: ConfigDocument } | { ok: false; problems: string[] };

/** The configuration applied to an empty store when no CONFIG_FILE is given. */
export const DEMO_CONFIG_PATH = fileURLToPath(new URL('./demo-config.yaml', import.meta.url));

export const FIELD_TYPE_IDS = [5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 58, 60, 70, 80] as const;
/** radio, checkbox, select, multi-select: meaningless without choices. */
export const CHOICE_FIELD_TYPE_IDS: readonly number[] = [35, 40, 45, 50];

/** Ticket keys that `state_field` and `display_form` may name besides custom field keys. */
export const BUILT_IN_FIELD_KEYS: ReadonlySet<string> = new Set([
  'id', 'sn', 'title', 'state_id', 'state.state_name', 'participant_info.participant_name',
  'participant_info.participant_alias', 'workflow.workflow_name', 'creator', 'gmt_created',
  'gmt_modified', 'parent_ticket_id', 'parent_ticket_state_id', 'participant_type_id',
  'participant', 'workflow_id', 'act_state_id', 'script_run_last_result',
]);

const VARIABLE_PARTICIPANTS = new Set(['creator', 'creator_tl']);

// ---------------------------------------------------------------------------------------
// Shape

// Ids are PostgreSQL integers in the read models.
const id = z.number().int().positive().max(2_147_483_647);

// Every string becomes part of an event, some an indexed column: each has a bound (bounds.ts).
const within = (max: number) => (s: string) => withinLength(s, max);
const text = (max: number) => z.string().refine(within(max), { error: `must be at most ${max} characters` });
const nonEmptyText = (max: number) => z.string().min(1).refine(within(max), { error: `must be at most ${max} characters` });
const name = nonEmptyText(B.name);
const longText = text(B.text);
const token = z.string().refine(within(B.token), { error: `must be at most ${B.token} characters` });
const list = <T extends z.ZodType>(item: T) => z.array(item).max(B.listItems);

/** The length of a value's JSON text; Infinity when it is nested too deeply to serialise. */
const jsonLength = (v: unknown): number => {
  try {
    return JSON.stringify(v)?.length ?? 0;
  } catch {
    return Infinity;
  }
};
const boundedJson = { error: `must be at most ${B.jsonObject} characters as JSON` };
const jsonMap = z.record(z.string(), z.unknown()).refine((m) => jsonLength(m) <= B.jsonObject, boundedJson);
const extraInfo = z.unknown().refine((v) => jsonLength(v) <= B.jsonObject, boundedJson).optional();
const httpUrl = z
  .string()
  .refine(within(B.url), { error: `must be a URL of at most ${B.url} characters` })
  .pipe(z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }));
const username = z
  .string()
  .regex(/^[^,\s]+$/, 'must be a non-empty name without commas or spaces (assignee lists are comma-joined)')
  .refine(within(B.username), { error: `must be a username of at most ${B.username} characters` });

const splitComma = (s: string): string[] =>
  s.split(',').map((p) => p.trim()).filter((p) => p !== '');

// loonflow stores lists as comma strings; accepting both lets existing exports port as-is.
const nameList = z.preprocess((v) => (typeof v === 'string' ? splitComma(v) : v), list(username));
const idList = z.preprocess(
  (v) => (typeof v === 'string' ? splitComma(v).map((p) => (/^\d+$/.test(p) ? Number(p) : p)) : v),
  list(id),
);

const isScalar = (v: unknown): v is string | number => typeof v === 'string' || typeof v === 'number';
/** Names or ids, as YAML naturally writes them (3, "zhangsan,lisi", [zhangsan, lisi]), stored comma-joined. */
const participantText = z.preprocess((v) => {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return splitComma(v).join(',');
  if (Array.isArray(v) && v.every(isScalar)) return v.map(String).flatMap(splitComma).join(',');
  return v;
}, longText);

// Codes are spelled out in the messages so a wrong value can be fixed without the docs.
const stateTypeId = z.literal([0, 1, 2], { error: 'must be 0 (normal), 1 (start) or 2 (end)' });
const distributeTypeId = z.literal([1, 2, 3, 4], {
  error: 'must be 1 (accept first), 2 (direct), 3 (random) or 4 (all must handle)',
});
const fieldAttribute = z.literal([1, 2, 3], { error: 'must be 1 (read-only), 2 (required) or 3 (optional)' });

const hookParticipant = z.strictObject({
  hook_url: httpUrl,
  hook_token: token,
  wait: z.boolean().default(false),
  extra_info: extraInfo,
});

const externalParticipant = z.strictObject({
  external_url: httpUrl,
  external_token: token,
  extra_info: extraInfo,
});

const stateBase = {
  id,
  name,
  type_id: stateTypeId.default(StateType.normal),
  order_id: z.number().int().min(-2_147_483_648).max(2_147_483_647).default(0),
  is_hidden: z.boolean().default(false),
  enable_retreat: z.boolean().default(false),
  remember_last_man_enable: z.boolean().default(false),
  distribute_type_id: distributeTypeId.default(1),
  state_field: z
    .record(nonEmptyText(B.fieldKey), fieldAttribute)
    .refine((r) => Object.keys(r).length <= B.listItems, { error: `must have at most ${B.listItems} fields` })
    .default({}),
  label: jsonMap.default({}),
};

// The participant's shape depends on its type, so each type family is its own variant.
const stateSchema = z.discriminatedUnion(
  'participant_type_id',
  [
    z.strictObject({ ...stateBase, participant_type_id: z.literal(ParticipantType.hook), participant: hookParticipant }),
    z.strictObject({
      ...stateBase,
      participant_type_id: z.literal(ParticipantType.external),
      participant: externalParticipant,
    }),
    z.strictObject({
      ...stateBase,
      participant_type_id: z.literal([0, 1, 2, 3, 4, 5, 6, 7, 8]).default(ParticipantType.person),
      participant: participantText.default(''),
    }),
  ],
  {
    error: (iss) =>
      iss.code === 'invalid_union'
        ? 'must be one of 0 (none), 1 (person), 2 (several people), 3 (dept), 4 (role), 5 (variable), ' +
          '6 (script), 7 (ticket field), 8 (parent ticket field), 10 (hook), 11 (external)'
        : undefined,
  },
);

const conditionItem = z.strictObject({ expression: nonEmptyText(B.expression), target_state_id: id });

const transitionSchema = z.strictObject({
  id,
  name,
  source_state_id: id,
  destination_state_id: z.number().int().nonnegative().max(2_147_483_647).default(0),
  transition_type_id: z.literal([1, 2], { error: 'must be 1 (normal) or 2 (timer)' }).default(1),
  timer: z.number().int().nonnegative().default(0),
  attribute_type_id: z.literal([1, 2, 3], { error: 'must be 1 (agree), 2 (reject) or 3 (other)' }).default(1),
  condition_expression: list(conditionItem).default([]),
  field_require_check: z.boolean().default(true),
  alert_enable: z.boolean().default(false),
  alert_text: longText.default(''),
});

const customFieldSchema = z.strictObject({
  id,
  field_key: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must start with a letter or "_" and hold only letters, digits and "_"')
    .max(B.fieldKey, { error: `must be at most ${B.fieldKey} characters` }),
  field_name: name,
  field_type_id: z.literal(FIELD_TYPE_IDS, { error: `must be one of ${FIELD_TYPE_IDS.join(', ')}` }),
  order_id: z.number().int().min(-2_147_483_648).max(2_147_483_647).default(0),
  // Stored as text like loonflow's char column; YAML authors write `default_value: 0`.
  default_value: z
    .preprocess((v) => (typeof v === 'number' || typeof v === 'boolean' ? String(v) : v), longText.nullable())
    .default(null),
  description: longText.default(''),
  placeholder: longText.default(''),
  field_template: longText.default(''),
  boolean_field_display: z
    .record(text(B.name), text(B.name))
    .refine((r) => Object.keys(r).length <= B.listItems, { error: `must have at most ${B.listItems} entries` })
    .default({}),
  field_choice: z
    .record(text(B.choiceKey), text(B.name))
    .refine((r) => Object.keys(r).length <= B.listItems, { error: `must have at most ${B.listItems} choices` })
    .default({}),
  label: jsonMap.default({}),
});

const commaText = z.preprocess((v) => (Array.isArray(v) && v.every(isScalar) ? v.join(',') : v), longText);

const limitExpressionSchema = z.strictObject({
  period: z.number().int().positive().optional(),
  count: z.number().int().nonnegative().optional(),
  level: z.literal([1, 2], { error: 'must be 1 (per user) or 2 (global)' }).optional(),
  allow_persons: commaText.optional(),
  allow_depts: commaText.optional(),
  allow_roles: commaText.optional(),
}).refine((l) => l.level === undefined || (l.count !== undefined && l.period !== undefined), {
  error: 'level needs both count and period (count tickets per period hours)',
});

const workflowSchema = z.strictObject({
  id,
  name,
  description: longText.default(''),
  view_permission_check: z.boolean().default(true),
  limit_expression: limitExpressionSchema.default({}),
  display_form: list(text(B.fieldKey)).default([]),
  title_template: longText.default(''),
  content_template: longText.default(''),
  notices: idList.default([]),
  admins: nameList.default([]),
  interveners: nameList.default([]),
  view_persons: nameList.default([]),
  view_depts: idList.default([]),
  custom_fields: list(customFieldSchema).default([]),
  states: list(stateSchema).default([]),
  transitions: list(transitionSchema).default([]),
});

const appSchema = z.strictObject({
  name,
  token: nonEmptyText(B.token),
  // Part of every ticket's indexed sn.
  ticket_sn_prefix: nonEmptyText(B.snPrefix).default('loonflow'),
  workflow_ids: z
    .preprocess(
      (v) => (v === 'all' ? v : typeof v === 'string' ? splitComma(v).map((p) => (/^\d+$/.test(p) ? Number(p) : p)) : v),
      z.union([z.literal('all'), list(id)], { error: 'must be "all" or a list of workflow ids' }),
    )
    .default('all'),
});

const userSchema = z
  .strictObject({
    username,
    alias: text(B.name).optional(),
    email: text(B.contact).default(''),
    phone: text(B.contact).default(''),
    type_id: z.literal([0, 1, 2], { error: 'must be 0 (user), 1 (workflow admin) or 2 (super admin)' }).default(0),
    dept_ids: idList.default([]),
    is_active: z.boolean().default(true),
  })
  .transform((u) => ({ ...u, alias: u.alias ?? u.username }));

const deptSchema = z.strictObject({
  id,
  name,
  parent_dept_id: z.number().int().nonnegative().max(2_147_483_647).default(0),
  leader: text(B.username).default(''),
  approvers: nameList.default([]),
  label: jsonMap.default({}),
});

const roleSchema = z.strictObject({
  id,
  name,
  description: longText.default(''),
  members: nameList.default([]),
});

const noticeSchema = z.strictObject({
  id,
  name,
  description: longText.default(''),
  hook_url: httpUrl,
  hook_token: token,
});

// Sections are parsed item by item so that one broken item does not hide the
// cross-reference problems of all the others. The annotation makes the compiler prove
// that each schema's output is the domain type.
const SECTIONS: { [K in keyof ConfigDocument]: z.ZodType<ConfigDocument[K][number]> } = {
  apps: appSchema,
  users: userSchema,
  depts: deptSchema,
  roles: roleSchema,
  notices: noticeSchema,
  workflows: workflowSchema,
};

const SECTION_NAMES = Object.keys(SECTIONS) as (keyof ConfigDocument)[];
const NOT_A_MAPPING = `document: must be a mapping of sections (${SECTION_NAMES.join(', ')})`;
// `apps:` with nothing after it is YAML null; treat it as an empty section.
const sectionList = z.array(z.unknown()).nullish();

// ---------------------------------------------------------------------------------------
// Messages and paths

type Path = readonly PropertyKey[];

const formatPath = (path: Path): string => {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (typeof seg === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out || 'document';
};

const describe = (v: unknown): string => {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return `the text ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'number') return `the number ${v}`;
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${String(v)}`;
};

const EXPECTED: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
};

// Zod's defaults ("Invalid input: expected string, received number") read like a stack trace;
// a config author needs the rule in plain words.
const errorMap: z.core.$ZodErrorMap = (iss) => {
  switch (iss.code) {
    case 'invalid_type': {
      if (iss.input === undefined) return 'is required';
      const hint = iss.expected === 'string' && typeof iss.input === 'number' ? ' (quote it in YAML)' : '';
      return `must be ${EXPECTED[iss.expected] ?? iss.expected}, not ${describe(iss.input)}${hint}`;
    }
    case 'invalid_value':
      return `must be ${iss.values.map((v) => JSON.stringify(v)).join(' or ')}`;
    case 'too_small':
      if (iss.origin === 'string') return 'must not be empty';
      if (iss.origin === 'array') return `must have at least ${iss.minimum} item(s)`;
      return iss.inclusive ? `must be ${iss.minimum} or more` : `must be greater than ${iss.minimum}`;
    case 'too_big':
      if (iss.origin === 'string') return `must be at most ${iss.maximum} characters`;
      if (iss.origin === 'array') return `must have at most ${iss.maximum} items`;
      return `must be at most ${iss.maximum}`;
    default:
      return undefined;
  }
};

const issuesToProblems = (issues: readonly z.core.$ZodIssue[], prefix: Path): string[] =>
  issues.flatMap((iss) =>
    iss.code === 'unrecognized_keys'
      ? iss.keys.map((k) => `${formatPath([...prefix, ...iss.path, k])}: unknown key (check the spelling)`)
      : [`${formatPath([...prefix, ...iss.path])}: ${iss.message}`],
  );

// ---------------------------------------------------------------------------------------
// Cross-references

/** A section as parsed: `undefined` where the item itself was invalid. */
type Parsed<K extends keyof ConfigDocument> = (ConfigDocument[K][number] | undefined)[];
type ParsedSections = { [K in keyof ConfigDocument]: Parsed<K> };

const present = <T>(items: (T | undefined)[]): [T, number][] =>
  items.flatMap((v, i) => (v === undefined ? [] : [[v, i] as [T, number]]));

/** Ids already in the applied configuration: a document may refer to them without repeating them. */
export interface KnownIds {
  workflowIds: Iterable<number>;
  deptIds: Iterable<number>;
  roleIds: Iterable<number>;
  noticeIds: Iterable<number>;
  /** Which applied workflow each state and transition id belongs to: ids stay unique across workflows. */
  stateOwners: ReadonlyMap<number, number>;
  transitionOwners: ReadonlyMap<number, number>;
}

const NONE_KNOWN: KnownIds = { workflowIds: [], deptIds: [], roleIds: [], noticeIds: [], stateOwners: new Map(), transitionOwners: new Map() };

function crossCheck(doc: ParsedSections, known: KnownIds): string[] {
  const problems: string[] = [];
  const report = (path: Path, msg: string) => problems.push(`${formatPath(path)}: ${msg}`);
  // A reference into a section that had invalid items would be reported as dangling by mistake.
  const complete = (k: keyof ConfigDocument) => doc[k].every((v) => v !== undefined);

  const unique = (entries: { key: string | number; path: Path }[], what: string, scope = '') => {
    const seen = new Map<string | number, Path>();
    for (const { key, path } of entries) {
      const first = seen.get(key);
      if (first) report(path, `duplicate ${what} ${JSON.stringify(key)}, already used at ${formatPath(first)}${scope}`);
      else seen.set(key, path);
    }
  };

  const apps = present(doc.apps);
  const users = present(doc.users);
  const depts = present(doc.depts);
  const roles = present(doc.roles);
  const notices = present(doc.notices);
  const workflows = present(doc.workflows);

  unique(apps.map(([a, i]) => ({ key: a.name, path: ['apps', i, 'name'] })), 'app name');
  unique(users.map(([u, i]) => ({ key: u.username, path: ['users', i, 'username'] })), 'username');
  unique(depts.map(([d, i]) => ({ key: d.id, path: ['depts', i, 'id'] })), 'dept id');
  unique(roles.map(([r, i]) => ({ key: r.id, path: ['roles', i, 'id'] })), 'role id');
  unique(notices.map(([n, i]) => ({ key: n.id, path: ['notices', i, 'id'] })), 'notice id');
  unique(workflows.map(([w, i]) => ({ key: w.id, path: ['workflows', i, 'id'] })), 'workflow id');
  // State ids are global in loonflow (GET /workflows/states/{id} takes no workflow), and
  // transition ids appear in flow logs without their workflow, so both are document-wide.
  unique(
    workflows.flatMap(([w, i]) => w.states.map((s, j) => ({ key: s.id, path: ['workflows', i, 'states', j, 'id'] }))),
    'state id',
    ' (state ids must be unique across all workflows)',
  );
  unique(
    workflows.flatMap(([w, i]) =>
      w.transitions.map((t, j) => ({ key: t.id, path: ['workflows', i, 'transitions', j, 'id'] })),
    ),
    'transition id',
    ' (transition ids must be unique across all workflows)',
  );

  for (const [w, i] of workflows) {
    const taken = (owners: ReadonlyMap<number, number>, id: number) => owners.has(id) && owners.get(id) !== w.id;
    w.states.forEach((s, j) => {
      if (taken(known.stateOwners, s.id)) report(['workflows', i, 'states', j, 'id'], `state id ${s.id} already belongs to workflow ${known.stateOwners.get(s.id)}`);
    });
    w.transitions.forEach((t, j) => {
      if (taken(known.transitionOwners, t.id)) report(['workflows', i, 'transitions', j, 'id'], `transition id ${t.id} already belongs to workflow ${known.transitionOwners.get(t.id)}`);
    });
  }

  const deptIds = new Set([...known.deptIds, ...depts.map(([d]) => d.id)]);
  const roleIds = new Set([...known.roleIds, ...roles.map(([r]) => r.id)]);
  const noticeIds = new Set([...known.noticeIds, ...notices.map(([n]) => n.id)]);
  const workflowIds = new Set([...known.workflowIds, ...workflows.map(([w]) => w.id)]);
  const checkDepts = complete('depts');
  const checkRoles = complete('roles');

  /** Reports each id of a comma list that is not a number or not a defined dept/role. */
  const checkIdRefs = (path: Path, text: string, kind: 'dept' | 'role', known: Set<number>, enabled: boolean) => {
    for (const token of splitComma(text)) {
      if (!/^\d+$/.test(token)) report(path, `${JSON.stringify(token)} is not a ${kind} id`);
      else if (enabled && !known.has(Number(token))) report(path, `${kind} ${token} is not defined in this document or the applied configuration`);
    }
  };

  if (complete('workflows')) {
    for (const [a, i] of apps) {
      if (a.workflow_ids === 'all') continue;
      a.workflow_ids.forEach((wid, j) => {
        if (!workflowIds.has(wid)) report(['apps', i, 'workflow_ids', j], `workflow ${wid} is not defined in this document or the applied configuration`);
      });
    }
  }

  for (const [u, i] of users) {
    if (ENGINE_USERNAMES.has(u.username))
      report(['users', i, 'username'], `"${u.username}" is reserved for the engine's own actions`);
    if (checkDepts)
      u.dept_ids.forEach((d, j) => {
        if (!deptIds.has(d)) report(['users', i, 'dept_ids', j], `dept ${d} is not defined in this document or the applied configuration`);
      });
  }

  const parentOf = new Map(depts.map(([d]) => [d.id, d.parent_dept_id]));
  for (const [d, i] of depts) {
    const path = ['depts', i, 'parent_dept_id'];
    if (d.parent_dept_id === 0) continue;
    if (d.parent_dept_id === d.id) {
      report(path, `dept ${d.id} cannot be its own parent`);
      continue;
    }
    if (checkDepts && !deptIds.has(d.parent_dept_id)) {
      report(path, `dept ${d.parent_dept_id} is not defined in this document or the applied configuration`);
      continue;
    }
    // Sub-dept expansion (participant type 3) walks this chain, so a loop would never end.
    const chain = [d.id];
    for (let p = d.parent_dept_id; p !== 0 && parentOf.has(p) && chain.length <= parentOf.size; p = parentOf.get(p)!) {
      if (p === d.id) {
        if (Math.min(...chain) === d.id) report(path, `dept parents form a loop: ${[...chain, d.id].join(' → ')}`);
        break;
      }
      chain.push(p);
    }
  }

  for (const [wf, i] of workflows) {
    const at = (...rest: PropertyKey[]): Path => ['workflows', i, ...rest];
    const stateIds = new Set(wf.states.map((s) => s.id));
    const fieldKeys = new Set(wf.custom_fields.map((f) => f.field_key));
    const isFieldKey = (k: string) => fieldKeys.has(k) || BUILT_IN_FIELD_KEYS.has(k);

    unique(wf.custom_fields.map((f, j) => ({ key: f.id, path: at('custom_fields', j, 'id') })), 'custom field id', ' in this workflow');
    unique(
      wf.custom_fields.map((f, j) => ({ key: f.field_key, path: at('custom_fields', j, 'field_key') })),
      'field_key',
      ' in this workflow',
    );
    wf.custom_fields.forEach((f, j) => {
      if (BUILT_IN_FIELD_KEYS.has(f.field_key))
        report(at('custom_fields', j, 'field_key'), `"${f.field_key}" is a built-in ticket field and cannot be a custom field key`);
      if (NON_FIELD_KEYS.has(f.field_key))
        report(at('custom_fields', j, 'field_key'), `"${f.field_key}" is a request parameter, so it can never carry a field value; choose another key`);
      if (CHOICE_FIELD_TYPE_IDS.includes(f.field_type_id) && Object.keys(f.field_choice).length === 0)
        report(at('custom_fields', j, 'field_choice'), `field type ${f.field_type_id} needs at least one choice`);
    });

    const starts = wf.states.filter((s) => s.type_id === StateType.start);
    const ends = wf.states.filter((s) => s.type_id === StateType.end);
    if (starts.length === 0) report(at('states'), `workflow ${wf.id} has no start state (type_id 1)`);
    if (starts.length > 1)
      report(at('states'), `workflow ${wf.id} has ${starts.length} start states (${starts.map((s) => s.id).join(', ')}); exactly one is allowed`);
    if (ends.length === 0) report(at('states'), `workflow ${wf.id} has no end state (type_id 2)`);
    if (ends.length > 1)
      report(at('states'), `workflow ${wf.id} has ${ends.length} end states (${ends.map((s) => s.id).join(', ')}); exactly one is allowed`);

    wf.display_form.forEach((k, j) => {
      if (!isFieldKey(k)) report(at('display_form', j), `"${k}" is neither a custom field of workflow ${wf.id} nor a built-in ticket field`);
    });

    wf.states.forEach((s, j) => {
      for (const [k, attribute] of Object.entries(s.state_field)) {
        if (!isFieldKey(k))
          report(at('states', j, 'state_field', k), `"${k}" is neither a custom field of workflow ${wf.id} nor a built-in ticket field`);
        else if (!fieldKeys.has(k) && k !== 'title' && attribute !== 1)
          report(at('states', j, 'state_field', k), `"${k}" is a built-in ticket field that no request can write; make it 1 (read-only)`);
      }
      if (typeof s.participant !== 'string') return;
      const path = at('states', j, 'participant');
      const text = s.participant;
      // Start and end states ignore their participant (behaviour §2.1), so only normal states need one.
      if (text === '' && s.type_id === StateType.normal && s.participant_type_id !== ParticipantType.none)
        report(path, `participant_type_id ${s.participant_type_id} needs a participant`);
      switch (s.participant_type_id) {
        case ParticipantType.dept:
          checkIdRefs(path, text, 'dept', deptIds, checkDepts);
          break;
        case ParticipantType.role:
          if (splitComma(text).length > 1) report(path, 'a role state takes a single role id');
          else checkIdRefs(path, text, 'role', roleIds, checkRoles);
          break;
        case ParticipantType.variable:
          for (const token of splitComma(text))
            if (!VARIABLE_PARTICIPANTS.has(token)) report(path, `"${token}" is not a variable (use creator or creator_tl)`);
          break;
        case ParticipantType.script:
          // The script runs from the configured scripts folder; a path could escape it.
          if (/[\\/]|^\.\.?$/.test(text)) report(path, 'must be a plain file name in the scripts folder');
          break;
        case ParticipantType.ticketField:
          for (const token of splitComma(text))
            if (!isFieldKey(token)) report(path, `"${token}" is not a field of workflow ${wf.id}`);
          break;
      }
    });

    const stateRef = (path: Path, sid: number) => {
      if (!stateIds.has(sid)) report(path, `state ${sid} is not a state of workflow ${wf.id}`);
    };
    wf.transitions.forEach((t, j) => {
      stateRef(at('transitions', j, 'source_state_id'), t.source_state_id);
      if (t.destination_state_id !== 0) stateRef(at('transitions', j, 'destination_state_id'), t.destination_state_id);
      else if (t.condition_expression.length === 0)
        report(at('transitions', j, 'destination_state_id'), 'is 0 and there is no condition_expression, so the transition leads nowhere');
      t.condition_expression.forEach((c, k) => {
        const path = at('transitions', j, 'condition_expression', k);
        stateRef([...path, 'target_state_id'], c.target_state_id);
        try {
          parseCondition(c.expression);
          for (const key of conditionFieldKeys(c.expression))
            if (!fieldKeys.has(key) && !(CONDITION_BASE_KEYS as readonly string[]).includes(key))
              report([...path, 'expression'], `refers to {${key}}, which is neither a field of workflow ${wf.id} nor a ticket column (${CONDITION_BASE_KEYS.join(', ')})`);
        } catch (error) {
          report([...path, 'expression'], (error as Error).message);
        }
      });
    });

    if (complete('notices'))
      wf.notices.forEach((n, j) => {
        if (!noticeIds.has(n)) report(at('notices', j), `notice ${n} is not defined in this document or the applied configuration`);
      });
    if (checkDepts)
      wf.view_depts.forEach((d, j) => {
        if (!deptIds.has(d)) report(at('view_depts', j), `dept ${d} is not defined in this document or the applied configuration`);
      });
    const limits = wf.limit_expression;
    if (limits.allow_depts) checkIdRefs(at('limit_expression', 'allow_depts'), limits.allow_depts, 'dept', deptIds, checkDepts);
    if (limits.allow_roles) checkIdRefs(at('limit_expression', 'allow_roles'), limits.allow_roles, 'role', roleIds, checkRoles);
  }

  return problems;
}

// ---------------------------------------------------------------------------------------
// Entry points

/** Validates an already-parsed document (e.g. the JSON body of `PUT /config`). Never throws. */
export function validateConfigDocument(input: unknown, known: KnownIds = NONE_KNOWN): ConfigResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { ok: false, problems: [NOT_A_MAPPING] };
  const raw = input as Record<string, unknown>;
  const problems = Object.keys(raw)
    .filter((k) => !Object.hasOwn(SECTIONS, k))
    .map((k) => `${formatPath([k])}: unknown key (check the spelling)`);

  const parseSection = <K extends keyof ConfigDocument>(key: K): Parsed<K> => {
    const list = sectionList.safeParse(Object.hasOwn(raw, key) ? raw[key] : undefined, { error: errorMap });
    if (!list.success) {
      problems.push(...issuesToProblems(list.error.issues, [key]));
      return [undefined]; // a section that is not a list counts as one broken item
    }
    return (list.data ?? []).map((item, i) => {
      const r = SECTIONS[key].safeParse(item, { error: errorMap });
      if (r.success) return r.data;
      problems.push(...issuesToProblems(r.error.issues, [key, i]));
      return undefined;
    });
  };
  const parsed: ParsedSections = {
    apps: parseSection('apps'),
    users: parseSection('users'),
    depts: parseSection('depts'),
    roles: parseSection('roles'),
    notices: parseSection('notices'),
    workflows: parseSection('workflows'),
  };
  problems.push(...crossCheck(parsed, known));
  if (problems.length > 0) return { ok: false, problems };
  // No problems means no item was dropped, so every section is fully populated.
  return { ok: true, document: parsed as ConfigDocument };
}

/** Parses JSON or YAML text; without `format`, text starting with `{` is JSON, anything else YAML. */
export function parseConfigDocument(text: string, format?: 'json' | 'yaml', known: KnownIds = NONE_KNOWN): ConfigResult {
  const body = text.replace(/^\uFEFF/, '');
  const asJson = format === 'json' || (format === undefined && body.trimStart().startsWith('{'));
  let input: unknown;
  if (asJson) {
    try {
      input = JSON.parse(body);
    } catch (err) {
      return { ok: false, problems: [`document: JSON syntax error: ${(err as Error).message}`] };
    }
  } else {
    const doc = YAML.parseDocument(body);
    if (doc.errors.length > 0)
      return {
        ok: false,
        // The first line carries the message and position; the rest is a multi-line code frame.
        problems: doc.errors.map((e) => `document: YAML syntax error: ${e.message.split('\n')[0].replace(/:$/, '')}`),
      };
    try {
      input = doc.toJS();
    } catch (err) {
      // e.g. alias expansion beyond the limit that guards against "billion laughs" documents
      return { ok: false, problems: [`document: YAML could not be read: ${(err as Error).message}`] };
    }
  }
  if (input === null || input === undefined) return { ok: false, problems: ['document: the document is empty'] };
  return validateConfigDocument(input, known);
}

/** Reads and parses a config file; the format follows the extension (.json, .yaml/.yml) or the content. */
export async function loadConfigFile(path: string, known: KnownIds = NONE_KNOWN): Promise<ConfigResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    return { ok: false, problems: [`cannot read config file ${path}: ${(err as Error).message}`] };
  }
  const ext = extname(path).toLowerCase();
  return parseConfigDocument(text, ext === '.json' ? 'json' : ext === '.yaml' || ext === '.yml' ? 'yaml' : undefined, known);
}
