import type { Kysely, Transaction } from 'kysely';
import type { RecordedEvent } from '../eventstore/event-store.ts';
import type { ReadModels } from './read-models.ts';

/**
 * A read model: the tables it owns and how each event changes them. `apply` must leave the
 * same rows when given an event it has already applied (the runner never does, but a
 * rebuild or a replayed batch may).
 */
export interface Projection {
  readonly name: string;
  /** Bump when the tables or the handling change: the runner rebuilds from the log. */
  readonly version: number;
  /** Tables this projection owns, in the order they may be dropped. */
  readonly tables: readonly string[];
  /**
   * A new (or changed) projection normally reads the whole log. One whose rows cause effects
   * (a reaction's due work: calls, timers) starts at the end instead, so that history fires
   * nothing.
   */
  readonly startsAtEnd?: boolean;
  createTables(db: Kysely<any>): Promise<void>;
  apply(trx: Transaction<ReadModels>, event: RecordedEvent): Promise<void>;
}
