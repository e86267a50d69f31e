// zod at the HTTP edge: turn query strings, path params and bodies into typed values, or a
// 400 that names what is wrong.
import { z } from 'zod';
import { FIELD_KEY_MAX, FIELD_VALUES_MAX, withinLength } from '../domain/bounds.ts';
import { DomainError } from '../domain/errors.ts';

export function parseWith<T extends z.ZodType>(schema: T, input: unknown, where: string): z.infer<T> {
  // A form sends `?title=&state_ids=` for filters left blank: they filter nothing.
  const given =
    where === 'query' && input && typeof input === 'object' ? Object.fromEntries(Object.entries(input).filter(([, v]) => v !== '')) : input;
  const result = schema.safeParse(given ?? {});
  if (result.success) return result.data;
  // A path may hold a caller's key: shorten it, the answer must not echo a megabyte.
  const segment = (p: PropertyKey) => (String(p).length > 40 ? `${String(p).slice(0, 40)}…` : String(p));
  const problems = result.error.issues.map((i) => `${i.path.length ? i.path.map(segment).join('.') : where}: ${i.message}`);
  throw new DomainError('invalid_request', `Invalid ${where}: ${problems.join('; ')}.`, { problems });
}

/** Every id (ticket, workflow, state, transition, dept...) fits a PostgreSQL integer. */
export const MAX_ID = 2_147_483_647;

const positiveId = z
  .number()
  .positive({ error: 'must be a positive integer' })
  .max(MAX_ID, { error: `must be at most ${MAX_ID}` });
const idOrZeroRange = z
  .number()
  .min(0, { error: 'must be 0 or a positive integer' })
  .max(MAX_ID, { error: `must be at most ${MAX_ID}` });

/** A JSON integer: a numeric string in a JSON body is a wrong type (contract §3), not an id. */
const jsonInteger = z
  .number({ error: (iss) => (typeof iss.input === 'string' ? 'must be a JSON integer, not a string' : 'must be an integer') })
  .int({ error: 'must be an integer' });

/** Path and query parameters are text by nature: digits only (never "0x1", "1e0" or " 1"). */
const digits = z
  .string({ error: 'must be an integer' })
  .regex(/^-?\d+$/, { error: 'must be an integer' })
  .transform(Number);

/** A positive integer id in a JSON body. */
export const id = jsonInteger.pipe(positiveId);

/** An optional reference in a JSON body such as parent_ticket_id, where 0 means none. */
export const idOrZero = jsonInteger.pipe(idOrZeroRange);

/** A positive integer id in a path or a query string. */
export const textId = digits.pipe(positiveId);

/** An optional reference in a query string, where 0 means none. */
export const textIdOrZero = digits.pipe(idOrZeroRange);

export const idParams = z.object({ id: textId });

/** true/false, 1/0, "1"/"0", "true"/"false" (contract §3). */
export const booleanLike = z.union([
  z.boolean(),
  z.literal(1).transform(() => true),
  z.literal(0).transform(() => false),
  z.enum(['1', 'true']).transform(() => true),
  z.enum(['0', 'false', '']).transform(() => false),
]);

/** "1,2,3" → [1, 2, 3]. */
export const idList = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== ''),
  )
  .pipe(z.array(z.string().regex(/^\d+$/, { error: 'must be a comma-separated list of integers' }).transform(Number).pipe(positiveId)));

/** A yes/no query parameter: "1"/"0" as ticket.rst documents, and "true"/"false" (contract §3). */
export const queryFlag = z.enum(['1', '0', 'true', 'false'], { error: 'must be "1" or "0"' }).transform((v) => v === '1' || v === 'true');

export const paging = (defaultPerPage = 10) => ({
  page: z.coerce
    .number({ error: 'must be an integer' })
    .int({ error: 'must be an integer' })
    .min(1, { error: 'must be at least 1' })
    .default(1),
  per_page: z.coerce
    .number({ error: 'must be an integer' })
    .int({ error: 'must be an integer' })
    .min(1, { error: 'must be between 1 and 1000' })
    .max(1000, { error: 'must be between 1 and 1000' })
    .default(defaultPerPage),
});

export const suggestion = z.string({ error: 'must be a string' }).default('');

/** A string of at most `max` characters (code points, as the domain counts them). */
export const boundedText = (max: number) =>
  z.string({ error: 'must be a string' }).refine((s) => withinLength(s, max), { error: `must be at most ${max} characters` });

/** Field values keyed by field_key: keys as long as a field key can be, a bounded number of them. */
export const fieldValues = z
  .record(z.string(), z.unknown(), { error: 'must be an object of field values' })
  .refine((r) => Object.keys(r).length <= FIELD_VALUES_MAX, { error: `must hold at most ${FIELD_VALUES_MAX} field values` })
  .refine((r) => Object.keys(r).every((k) => withinLength(k, FIELD_KEY_MAX)), {
    error: `keys must be field keys of at most ${FIELD_KEY_MAX} characters`,
  });
