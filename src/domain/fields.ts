// Ticket field values: type checking per field_type_id, the state's field rules and the
// required-field check. loonflow stores whatever arrives and fails later in the database
// (quirk Q29); we validate up front so a bad value is a 400 that names the field.

import type { CustomFieldDefinition, StateDefinition, WorkflowDefinition } from './workflow.ts';

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
export const NON_FIELD_KEYS: ReadonlySet<string> = new Set([
  'workflow_id',
  'transition_id',
  'suggestion',
  'username',
]);

// Lengths follow loonflow's columns (§1.4, §1.5).
const TITLE_MAX = 500;
const STRING_MAX = 1000;
const TEXT_MAX = 100_000;
const USERNAME_MAX = 50;
const LIST_MAX = 1000;

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

// Limits count characters as the database does (code points), not UTF-16 units.
const withinLength = (s: string, max: number): boolean => s.length <= max || [...s].length <= max;

const checkString = (key: string, raw: unknown, max: number): FieldResult => {
  if (typeof raw !== 'string') return fail(key, 'a string', raw);
  if (!withinLength(raw, max)) {
    return { ok: false, error: `Field "${key}" must be at most ${max} characters, got ${[...raw].length}` };
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

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const daysIn = (y: number, m: number): number =>
  m === 2 ? (isLeap(y) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;
// Checked by hand: Date treats years below 100 specially and rolls over invalid days.
const isCalendarDate = (y: number, m: number, d: number): boolean =>
  y >= 1 && m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m);

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
 */
const splitList = (
  raw: unknown,
  item: (el: unknown) => string | undefined,
): { ok: true; items: string[] } | { ok: false } => {
  let parts: (string | undefined)[];
  if (typeof raw === 'string') parts = raw === '' ? [] : raw.split(',');
  else if (Array.isArray(raw)) parts = raw.map(item);
  else return { ok: false };
  const items: string[] = [];
  for (const part of parts) {
    const trimmed = part?.trim();
    // An array element containing a comma would change meaning once joined.
    if (!trimmed || trimmed.includes(',')) return { ok: false };
    if (!items.includes(trimmed)) items.push(trimmed);
  }
  return { ok: true, items };
};

const asString = (el: unknown): string | undefined => (typeof el === 'string' ? el : undefined);

const parseMultiChoice = (field: CustomFieldDefinition, raw: unknown): FieldResult => {
  // A single number is one key, like for radio/select.
  const list = splitList(typeof raw === 'number' ? choiceKey(raw) : raw, choiceKey);
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

const parseStringList = (
  key: string,
  raw: unknown,
  expected: string,
  valid: (item: string) => boolean,
): FieldResult => {
  const list = splitList(raw, asString);
  const joined = list.ok && list.items.every(valid) ? list.items.join(',') : undefined;
  if (joined !== undefined && withinLength(joined, LIST_MAX)) return ok(joined);
  return fail(key, `${expected} (at most ${LIST_MAX} characters joined)`, raw);
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
      return parseStringList(key, raw, 'a comma-joined list or array of usernames', isUsername);
    case FieldType.attachment:
      return parseStringList(key, raw, 'a comma-joined list or array of file paths', () => true);
    default:
      // Config validation should prevent this; report it rather than store an untyped value.
      return { ok: false, error: `Field "${key}" has unsupported field_type_id ${field.field_type_id}` };
  }
}

/** The built-in `title` (ticket column char(500)). `null` means "not given". */
export const normalizeTitle = (raw: unknown): FieldResult =>
  raw === null || raw === undefined ? ok(null) : checkString('title', raw, TITLE_MAX);

/**
 * Field rules of a state: required = attribute 2, writable = 2 or 3, in config order
 * (JS objects list integer-like keys first; field keys are identifiers, so that is moot).
 */
export function stateFieldRules(state: StateDefinition): { required: string[]; writable: string[] } {
  const entries = Object.entries(state.state_field);
  return {
    required: entries.filter(([, a]) => a === 2).map(([k]) => k),
    writable: entries.filter(([, a]) => a === 2 || a === 3).map(([k]) => k),
  };
}

const isEmpty = (v: unknown): boolean =>
  v === null ||
  v === undefined ||
  (typeof v === 'string' && v.trim() === '') ||
  (Array.isArray(v) && v.length === 0);

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

export type CollectResult =
  | { ok: true; values: Record<string, FieldValue> }
  | { ok: false; errors: { field: string; message: string }[] };

/**
 * The body's values for the state's writable fields, type-checked. Only `title` and the
 * workflow's custom fields are taken; read-only, unknown and other base-field keys are
 * ignored as loonflow does. Every bad value is reported, so one 400 names them all.
 * `null` values are kept: the caller decides whether that clears the field or is skipped.
 */
export function collectFieldValues(
  workflow: WorkflowDefinition,
  writable: string[],
  body: Record<string, unknown>,
): CollectResult {
  const values: Record<string, FieldValue> = {};
  const errors: { field: string; message: string }[] = [];
  for (const key of writable) {
    if (NON_FIELD_KEYS.has(key) || !Object.hasOwn(body, key)) continue;
    let result: FieldResult;
    if (key === 'title') {
      result = normalizeTitle(body[key]);
    } else {
      const field = workflow.custom_fields.find((f) => f.field_key === key);
      if (!field) continue;
      result = normalizeFieldValue(field, body[key]);
    }
    if (result.ok) values[key] = result.value;
    else errors.push({ field: key, message: result.error });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, values };
}
