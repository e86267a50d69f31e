// Input bounds: every string that can reach an event has a limit, so that no accepted
// request can produce an event a read model cannot store (an index row over 8 kB stalls a
// projection). One place per concept: ticket input here, the config document's limits in
// CONFIG_BOUNDS below. README "Input bounds" and docs/decisions.md list them all.
// Lengths are characters (code points), as PostgreSQL counts them, not UTF-16 units.

/** Usernames everywhere: the header, targets, username field values (loonflow's char(50)). */
export const USERNAME_MAX = 50;
/** The built-in title (ticket column char(500)). */
export const TITLE_MAX = 500;
/** A string field (type 5, char_value 1000). */
export const STRING_FIELD_MAX = 1000;
/** Textarea and rich text (types 55, 58, text). */
export const TEXT_FIELD_MAX = 100_000;
/** Items in a multi-username, attachment, checkbox or multi-select list. */
export const LIST_ITEMS_MAX = 100;
/** One attachment path. */
export const FILE_PATH_MAX = 1000;
/** A multi-username or attachment list joined with commas (loonflow's char(1000) columns). */
export const LIST_JOINED_MAX = 1000;
/** A suggestion, a comment, a hook callback's `msg`. */
export const SUGGESTION_MAX = 10_000;
/** The Idempotency-Key header. */
export const IDEMPOTENCY_KEY_MAX = 255;
/** A field key (loonflow's char(50)); also bounds the keys of hook_call_back's field_value. */
export const FIELD_KEY_MAX = 50;
/** Entries in hook_call_back's field_value. */
export const FIELD_VALUES_MAX = 200;

/** A search_value or sn filter in a query string: never stored, but no filter needs more. */
export const SEARCH_MAX = 255;

/** Limits of the config document (contract §4): each string becomes an event, some an indexed column. */
export const CONFIG_BOUNDS = {
  /** Directory usernames are the primary key of the directory read model. */
  username: USERNAME_MAX,
  /** Names of apps, workflows, states, transitions, fields, depts, roles, notices; aliases. */
  name: 255,
  /** Descriptions, templates, alert texts, placeholders, default values, participants. */
  text: 10_000,
  /** hook and external URLs. */
  url: 2000,
  /** App, hook and external tokens. */
  token: 255,
  /** An app's ticket_sn_prefix goes into the indexed `sn`. */
  snPrefix: 50,
  /** field_key, state_field and display_form keys. */
  fieldKey: FIELD_KEY_MAX,
  /** A condition expression. */
  expression: 1000,
  /** email and phone of a user. */
  contact: 255,
  /** label and extra_info objects, measured as their JSON text. */
  jsonObject: 10_000,
  /** A choice key (loonflow's radio/select columns are char(50)). */
  choiceKey: 50,
  /** Items of any list in the document (users, states, choices, admins, ...). */
  listItems: 10_000,
} as const;

/** Characters as the database counts them (code points), not UTF-16 units. */
export const codePoints = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

/** True when `s` has at most `max` characters; cheap for strings that are clearly short or long. */
export const withinLength = (s: string, max: number): boolean => s.length <= max || (s.length <= 2 * max && codePoints(s) <= max);

/** What PostgreSQL text and jsonb cannot hold: NUL, and half a surrogate pair. */
export const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
