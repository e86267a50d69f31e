// The values a config document is made of: ids, bounded texts, lists, URLs, usernames, and
// the comma-joined forms loonflow exports use. Every string becomes part of an event, some
// an indexed column, so each has a bound (domain/bounds.ts).
import { z } from 'zod';
import { CONFIG_BOUNDS as B, withinLength } from '../domain/bounds.ts';
import { splitComma } from '../domain/catalog/comma-list.ts';

// Ids and orders are PostgreSQL integers in the read models.
export const id = z.number().int().positive().max(2_147_483_647);
export const idOrZero = z.number().int().nonnegative().max(2_147_483_647);
export const orderId = z.number().int().min(-2_147_483_648).max(2_147_483_647);

const within = (max: number) => (s: string) => withinLength(s, max);
export const text = (max: number) => z.string().refine(within(max), { error: `must be at most ${max} characters` });
export const nonEmptyText = (max: number) =>
  z
    .string()
    .min(1)
    .refine(within(max), { error: `must be at most ${max} characters` });
export const name = nonEmptyText(B.name);
export const longText = text(B.text);
export const token = z.string().refine(within(B.token), { error: `must be at most ${B.token} characters` });
export const list = <T extends z.ZodType>(item: T) => z.array(item).max(B.listItems);
/** A mapping of at most `B.listItems` entries; `what` names them in the message. */
export const boundedRecord = <K extends z.core.$ZodRecordKey, V extends z.ZodType>(key: K, value: V, what: string) =>
  z.record(key, value).refine((r) => Object.keys(r).length <= B.listItems, { error: `must have at most ${B.listItems} ${what}` });

/** The length of a value's JSON text; Infinity when it is nested too deeply to serialise. */
const jsonLength = (v: unknown): number => {
  try {
    return JSON.stringify(v)?.length ?? 0;
  } catch {
    return Infinity;
  }
};
const boundedJson = { error: `must be at most ${B.jsonObject} characters as JSON` };
export const jsonMap = z.record(z.string(), z.unknown()).refine((m) => jsonLength(m) <= B.jsonObject, boundedJson);
export const extraInfo = z
  .unknown()
  .refine((v) => jsonLength(v) <= B.jsonObject, boundedJson)
  .optional();

export const httpUrl = z
  .string()
  .refine(within(B.url), { error: `must be a URL of at most ${B.url} characters` })
  .pipe(z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }));
export const username = z
  .string()
  .regex(/^[^,\s]+$/, 'must be a non-empty name without commas or spaces (assignee lists are comma-joined)')
  .refine(within(B.username), { error: `must be a username of at most ${B.username} characters` });

const digitsAsNumbers = (s: string) => splitComma(s).map((p) => (/^\d+$/.test(p) ? Number(p) : p));

// loonflow stores lists as comma strings; accepting both lets existing exports port as-is.
export const nameList = z.preprocess((v) => (typeof v === 'string' ? splitComma(v) : v), list(username));
export const idList = z.preprocess((v) => (typeof v === 'string' ? digitsAsNumbers(v) : v), list(id));
export const workflowIdList = z.preprocess(
  (v) => (v === 'all' ? v : typeof v === 'string' ? digitsAsNumbers(v) : v),
  z.union([z.literal('all'), list(id)], { error: 'must be "all" or a list of workflow ids' }),
);

const isScalar = (v: unknown): v is string | number => typeof v === 'string' || typeof v === 'number';
/** Names or ids, as YAML naturally writes them (3, "zhangsan,lisi", [zhangsan, lisi]), stored comma-joined. */
export const participantText = z.preprocess((v) => {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return splitComma(v).join(',');
  if (Array.isArray(v) && v.every(isScalar)) return v.map(String).flatMap(splitComma).join(',');
  return v;
}, longText);
/** A list written as YAML items or as loonflow's comma text, stored comma-joined. */
export const commaText = z.preprocess((v) => (Array.isArray(v) && v.every(isScalar) ? v.join(',') : v), longText);
