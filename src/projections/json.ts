import { sql, type RawBuilder } from 'kysely';

/** A jsonb parameter; serialised here because node-pg and PGlite disagree on arrays. */
export const json = <T>(value: T): RawBuilder<T> => sql<T>`${JSON.stringify(value)}::jsonb`;
