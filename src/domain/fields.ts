// Ticket field values: type checking per field_type_id, the state's field rules and the
// required-field check. loonflow stores whatever arrives and fails later in the database
// (quirk Q29); we validate up front so a bad value is a 400 that names the field.

import * as BOUNDS from './bounds.ts';
import { daysInMonth } from './calendar.ts';
import { codePoints, withinLength } from './bounds.ts';
import { notAssignable, type UserDirectory } from './directory.ts';
import { FieldAttribute, type CustomFieldDefinition, type StateDefinition, type WorkflowDefinition } from './workflow.ts';

/** A stored field value; `null` means unset. */
export type FieldValue = string | number | boolean | null;

export type FieldResult = { ok: true; value: FieldValue } | { ok: false; error: string };

export const FieldType = {
  string: 5,
  int: 10,
  float: 15,
  bool: 20,
  date: 25,
  datetime: 30,
  radio: 35,
  checkbox: 40,
  select: 45,
  multiSelect: 50,
  textarea: 55,
  richText: 58,
  username: 60,
  multiUsername: 70,
  attachment: 80,
} as const;

/** Request-body keys that carry the command itself, never a field value. */
export const NON_FIELD_KEYS: ReadonlySet<string> = new Set(['workflow_id', 'transition_id', 'suggestion', 'username']);

// Lengths follow loonflow's columns (§1.4, §1.5); see bounds.ts.
const TITLE_MAX = BOUNDS.TITLE_MAX;
const STRING_MAX = BOUNDS.STRING_FIELD_MAX;
const TEXT_MAX = BOUNDS.TEXT_FIELD_MAX;
const USERNAME_MAX = BOUNDS.USERNAME_MAX;
const LIST_MAX = BOUNDS.LIST_JOINED_MAX;
const LIST_ITEMS_MAX = BOUNDS.LIST_ITEMS_MAX;

const ok = (value: FieldValue): FieldResult => ({ ok: true, value });
const fail = (key: string, expected: string, raw: unknown): FieldResult => ({
  ok: false,
  error: `Field "${key}" must be ${expected}, got ${describe(raw)}`,
});

/** Short, safe rendering of the offending value for error messages. */
const describe = (raw: unknown): string => {
  if (typeof raw === 'string') return JSON.stringify(raw.length > 40 ? `${raw.slice(0, 40)}…` : raw);
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  if (Array.isArray(raw)) return 'an array';
  if (raw === null) return 'null';
  return typeof raw === 'object' ? 'an object' : typeof raw;
};

const checkString = (key: string, raw: unknown, max: number): FieldResult => {
  if (typeof raw !== 'string') return fail(key, 'a string', raw);
  if (!withinLength(raw, max)) {
    return { ok: false, error: `Field "${key}" must be at most ${max} characters, got ${codePoints(raw)}` };
  }
  return ok(raw);
};

const INT_RE = /^[+-]?\d+$/;
const FLOAT_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

const parseInteger = (key: string, raw: unknown): FieldResult => {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && INT_RE.test(raw.trim()) ? Number(raw) : NaN;
  return Number.isSafeInteger(n) ? ok(n) : fail(key, 'an integer', raw);
};

const parseNumber = (key: string, raw: unknown): FieldResult => {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && FLOAT_RE.test(raw.trim()) ? Number(raw) : NaN;
  return Number.isFinite(n) ? ok(n) : fail(key, 'a number', raw);
};

const BOOLS = new Map<unknown, boolean>([
  [true, true],
  [false, false],
  [1, true],
  [0, false],
  ['1', true],
  ['0', false],
  ['true', true],
  ['false', false],
]);

const parseBool = (key: string, raw: unknown): FieldResult => {
  const b = BOOLS.get(raw);
  return b === undefined ? fail(key, 'a boolean (true/false, 1/0)', raw) : ok(b);
};

const isCalendarDate = (y: number, m: number, d: number): boolean => y >= 1 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
// No zone suffix: ticket times are naive local time (§0.2), so "Z"/offsets would be ignored silently.
const DATETIME_RE = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/;

const parseDate = (key: string, raw: unknown): FieldResult => {
  const m = typeof raw === 'string' ? DATE_RE.exec(raw) : null;
  if (!m || !isCalendarDate(+m[1], +m[2], +m[3])) return fail(key, 'a date "YYYY-MM-DD"', raw);
  return ok(m[0]);
};

const parseDatetime = (key: string, raw: unknown): FieldResult => {
  const m = typeof raw === 'string' ? DATETIME_RE.exec(raw) : null;
  if (!m || !isCalendarDate(+m[1], +m[2], +m[3]) || +m[4] > 23 || +m[5] > 59 || +m[6] > 59) {
    return fail(key, 'a datetime "YYYY-MM-DD HH:MM:SS"', raw);
  }
  return ok(`${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6]}`);
};

const choiceList = (field: CustomFieldDefinition): string => {
  const entries = Object.entries(field.field_choice);
  return entries.length === 0 ? '(no choices configured)' : entries.map(([k, v]) => `${k} (${v})`).join(', ');
};

const isChoice = (field: CustomFieldDefinition, key: string): boolean => Object.hasOwn(field.field_choice, key);

// Clients often send choice keys as numbers ({"leave_type": 1}); keys are strings in config.
const choiceKey = (raw: unknown): string | undefined =>
  typeof raw === 'string' ? raw : typeof raw === 'number' && Number.isFinite(raw) ? String(raw) : undefined;

const parseChoice = (field: CustomFieldDefinition, raw: unknown): FieldResult => {
  const key = choiceKey(raw);
  if (key !== undefined && isChoice(field, key)) return ok(key);
  return { ok: false, error: `Field "${field.field_key}" must be one of ${choiceList(field)}` };
};

/**
 * Splits a comma-joined string or an array into items. `""` and `[]` mean "none".
 * Items are trimmed and de-duplicated (order kept); empty items and non-string array
 * elements are errors. `item` converts one array element or returns undefined to reject it.
 * More than LIST_ITEMS_MAX items is refused before anything else is done with them.
 */
const splitList = (
  raw: unknown,
  item: (el: unknown) => string | undefined,
): { ok: true; items: string[] } | { ok: false; tooMany?: number } => {
  let parts: (string | undefined)[];
  if (typeof raw === 'string') {
    if (raw === '') return { ok: true, items: [] };
    // Counting commas first: a megabyte of them must not be split into a million items.
    const count = (raw.match(/,/g)?.length ?? 0) + 1;
    if (count > LIST_ITEMS_MAX) return { ok: false, tooMany: count };
    parts = raw.split(',');
  } else if (Array.isArray(raw)) {
    if (raw.length > LIST_ITEMS_MAX) return { ok: false, tooMany: raw.length };
    parts = raw.map(item);
  } else return { ok: false };
  const items: string[] = [];
  for (const part of parts) {
    const trimmed = part?.trim();
    // An array element containing a comma would change meaning once joined.
    if (!trimmed || trimmed.includes(',')) return { ok: false };
    if (!items.includes(trimmed)) items.push(trimmed);
  }
  return { ok: true, items };
};

const tooManyItems = (key: string, count: number): FieldResult => ({
  ok: false,
  error: `Field "${key}" must have at most ${LIST_ITEMS_MAX} items, got ${count}`,
});

const asString = (el: unknown): string | undefined => (typeof el === 'string' ? el : undefined);

const parseMultiChoice = (field: CustomFieldDefinition, raw: unknown): FieldResult => {
  // A single number is one key, like for radio/select.
  const list = splitList(typeof raw === 'number' ? choiceKey(raw) : raw, choiceKey);
  if (!list.ok && list.tooMany !== undefined) return tooManyItems(field.field_key, list.tooMany);
  if (list.ok && list.items.every((k) => isChoice(field, k))) return ok(list.items.join(','));
  return {
    ok: false,
    error: `Field "${field.field_key}" must be a comma-joined list or array of ${choiceList(field)}`,
  };
};

const isUsername = (s: string): boolean => s !== '' && !s.includes(',') && withinLength(s, USERNAME_MAX);

const parseUsername = (key: string, raw: unknown): FieldResult => {
  const name = typeof raw === 'string' ? raw.trim() : undefined;
  return name !== undefined && isUsername(name)
    ? ok(name)
    : fail(key, `a username (non-empty, no comma, at most ${USERNAME_MAX} characters)`, raw);
};

/** A list of names or paths: at most LIST_ITEMS_MAX items, each at most `itemMax` characters, LIST_MAX joined. */
const parseStringList = (key: string, raw: unknown, what: string, itemMax: number): FieldResult => {
  const list = splitList(raw, asString);
  if (!list.ok && list.tooMany !== undefined) return tooManyItems(key, list.tooMany);
  if (!list.ok) return fail(key, `a comma-joined list or array of ${what}s`, raw);
  const long = list.items.find((item) => !withinLength(item, itemMax));
  if (long !== undefined)
    return { ok: false, error: `Field "${key}": each ${what} must be at most ${itemMax} characters, got ${codePoints(long)}` };
  const joined = list.items.join(',');
  if (!withinLength(joined, LIST_MAX)) {
    return { ok: false, error: `Field "${key}" must be at most ${LIST_MAX} characters joined with commas, got ${codePoints(joined)}` };
  }
  return ok(joined);
};

/**
 * Checks and normalises one custom field value. `null` (or an absent value) means unset.
 * The existence of usernames and attachment paths is checked elsewhere.
 */
export function normalizeFieldValue(field: CustomFieldDefinition, raw: unknown): FieldResult {
  if (raw === null || raw === undefined) return ok(null);
  const key = field.field_key;
  switch (field.field_type_id) {
    case FieldType.string:
      return checkString(key, raw, STRING_MAX);
    case FieldType.int:
      return parseInteger(key, raw);
    case FieldType.float:
      return parseNumber(key, raw);
    case FieldType.bool:
      return parseBool(key, raw);
    case FieldType.date:
      return parseDate(key, raw);
    case FieldType.datetime:
      return parseDatetime(key, raw);
    case FieldType.radio:
    case FieldType.select:
      return parseChoice(field, raw);
    case FieldType.checkbox:
    case FieldType.multiSelect:
      return parseMultiChoice(field, raw);
    case FieldType.textarea:
    case FieldType.richText:
      return checkString(key, raw, TEXT_MAX);
    case FieldType.username:
      return parseUsername(key, raw);
    case FieldType.multiUsername:
      return parseStringList(key, raw, 'username', USERNAME_MAX);
    case FieldType.attachment:
      return parseStringList(key, raw, 'file path', BOUNDS.FILE_PATH_MAX);
    default:
      // Config validation should prevent this; report it rather than store an untyped value.
      return { ok: false, error: `Field "${key}" has unsupported field_type_id ${field.field_type_id}` };
  }
}

/** The built-in `title` (ticket column char(500)). `null` means "not given". */
export const normalizeTitle = (raw: unknown): FieldResult =>
  raw === null || raw === undefined ? ok(null) : checkString('title', raw, TITLE_MAX);

/**
 * `keys` in the workflow's field order: the title first, then the custom fields by
 * order_id (ties in definition order), then anything else as given. Errors and missing
 * fields are listed in this order, the order a form shows them.
 */
export function inFieldOrder(workflow: WorkflowDefinition, keys: string[]): string[] {
  const rank = new Map<string, number>([['title', -1]]);
  workflow.custom_fields
    .map((f, i) => ({ f, i }))
    .sort((a, b) => a.f.order_id - b.f.order_id || a.i - b.i)
    .forEach(({ f }, i) => rank.set(f.field_key, i));
  const at = (k: string) => rank.get(k) ?? Number.MAX_SAFE_INTEGER;
  return keys
    .map((k, i) => ({ k, i }))
    .sort((a, b) => at(a.k) - at(b.k) || a.i - b.i)
    .map(({ k }) => k);
}

/** Field rules of a state: required = attribute 2, writable = 2 or 3, in the workflow's field order. */
export function stateFieldRules(state: StateDefinition, workflow: WorkflowDefinition): { required: string[]; writable: string[] } {
  const entries = Object.entries(state.state_field);
  return {
    required: inFieldOrder(
      workflow,
      entries.filter(([, a]) => a === FieldAttribute.required).map(([k]) => k),
    ),
    writable: inFieldOrder(
      workflow,
      entries.filter(([, a]) => a === FieldAttribute.required || a === FieldAttribute.optional).map(([k]) => k),
    ),
  };
}

const isEmpty = (v: unknown): boolean =>
  v === null || v === undefined || (typeof v === 'string' && v.trim() === '') || (Array.isArray(v) && v.length === 0);

/**
 * Required keys missing from the body, in the order given.
 *
 * Contract decision: loonflow only checks that the key is present (null and "" pass,
 * §3.7.2). We also treat null, undefined, a blank string and an empty array as missing:
 * an empty required field is not filled in. The command keys (NON_FIELD_KEYS) never
 * satisfy or fail a requirement; config validation keeps them out of `state_field`.
 */
export function checkRequiredFields(required: string[], body: Record<string, unknown>): string[] {
  return required.filter((k) => !NON_FIELD_KEYS.has(k) && (!Object.hasOwn(body, k) || isEmpty(body[k])));
}

export type CollectResult = { ok: true; values: Record<string, FieldValue> } | { ok: false; errors: { field: string; message: string }[] };

/**
 * The body's values for the state's writable fields, type-checked. Only `title` and the
 * workflow's custom fields are taken; read-only, unknown and other base-field keys are
 * ignored as loonflow does. Every bad value is reported, so one 400 names them all.
 * Usernames in username and multi-username fields must be active users of `directory`.
 * `null` values are kept: the caller decides whether that clears the field or is skipped.
 */
export function collectFieldValues(
  workflow: WorkflowDefinition,
  writable: string[],
  directory: UserDirectory,
  body: Record<string, unknown>,
): CollectResult {
  const values: Record<string, FieldValue> = {};
  const errors: { field: string; message: string }[] = [];
  for (const key of inFieldOrder(workflow, writable)) {
    if (NON_FIELD_KEYS.has(key) || !Object.hasOwn(body, key)) continue;
    let result: FieldResult;
    if (key === 'title') {
      result = normalizeTitle(body[key]);
    } else {
      const field = workflow.custom_fields.find((f) => f.field_key === key);
      if (!field) continue;
      result = checkUsers(field, normalizeFieldValue(field, body[key]), directory);
    }
    if (result.ok) values[key] = result.value;
    else errors.push({ field: key, message: result.error });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, values };
}

/** A valid username or multi-username value whose every name is assignable. */
function checkUsers(field: CustomFieldDefinition, result: FieldResult, directory: UserDirectory): FieldResult {
  if (!result.ok || typeof result.value !== 'string' || result.value === '') return result;
  if (field.field_type_id !== FieldType.username && field.field_type_id !== FieldType.multiUsername) return result;
  const problems = result.value.split(',').flatMap((name) => notAssignable(directory, name) ?? []);
  return problems.length === 0
    ? result
    : { ok: false, error: `Field "${field.field_key}": ${problems.join(', ')}; name active users of the directory` };
}

/** Several field errors in one sentence, separated so that each can be read on its own. */
export const joinFieldErrors = (errors: { message: string }[]): string => errors.map((e) => e.message).join('; ');
