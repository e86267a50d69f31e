// zod at the HTTP edge: turn query strings, path params and bodies into typed values, or a
// 400 that names what is wrong.
import { z } from 'zod';
import { DomainError } from '../domain/errors.ts';

export function parseWith<T extends z.ZodType>(schema: T, input: unknown, where: string): z.infer<T> {
  // A form sends `?title=&state_ids=` for filters left blank: they filter nothing.
  const given = where === 'query' && input && typeof input === 'object' ? Object.fromEntries(Object.entries(input).filter(([, v]) => v !== '')) : input;
  const result = schema.safeParse(given ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.length ? i.path.join('.') : where}: ${i.message}`);
  throw new DomainError('invalid_request', `Invalid ${where}: ${problems.join('; ')}.`, { problems });
}

/** Every id (ticket, workflow, state, transition, dept...) fits a PostgreSQL integer. */
export const MAX_ID = 2_147_483_647;

const integer = z.union([z.number().int(), z.string().regex(/^-?\d+$/).transform(Number)], { error: 'must be an integer' });

const positiveId = z.number().positive({ error: 'must be a positive integer' }).max(MAX_ID, { error: `must be at most ${MAX_ID}` });

/** A positive integer id: a JSON integer or a string of digits (never true, "0x1" or "1e0"). */
export const id = integer.pipe(positiveId);

/** An optional reference such as parent_ticket_id, where 0 means none. */
export const idOrZero = integer.pipe(z.number().min(0, { error: 'must be 0 or a positive integer' }).max(MAX_ID, { error: `must be at most ${MAX_ID}` }));

export const idParams = z.object({ id });


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
  .transform((s) => s.split(',').map((p) => p.trim()).filter((p) => p !== ''))
  .pipe(z.array(z.string().regex(/^\d+$/, { error: 'must be a comma-separated list of integers' }).transform(Number).pipe(positiveId)));

/** A yes/no query parameter: "1"/"0" as ticket.rst documents, and "true"/"false" (contract §3). */
export const queryFlag = z
  .enum(['1', '0', 'true', 'false'], { error: 'must be "1" or "0"' })
  .transform((v) => v === '1' || v === 'true');

export const paging = (defaultPerPage = 10) => ({
  page: z.coerce.number({ error: 'must be an integer' }).int({ error: 'must be an integer' }).min(1, { error: 'must be at least 1' }).default(1),
  per_page: z.coerce
    .number({ error: 'must be an integer' })
    .int({ error: 'must be an integer' })
    .min(1, { error: 'must be between 1 and 1000' })
    .max(1000, { error: 'must be between 1 and 1000' })
    .default(defaultPerPage),
});

export const suggestion = z.string({ error: 'must be a string' }).default('');
