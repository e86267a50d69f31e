import type { Transaction } from 'kysely';
import { comparePositions, positionToString, type LogPosition, type RecordedEvent } from '../../eventstore/event-store.ts';
import type { Projection } from '../projection.ts';
import type { ReadModels } from '../read-models.ts';
import { checkpointPosition } from './checkpoints.ts';
import { describeError, ParkDecisions, parkedStreamIds, parkEvent } from './parked-events.ts';

/** One event a projection failed to apply: the runner retries it, then parks its stream. */
export class ProjectionEventFailed extends Error {
  constructor(
    readonly projection: string,
    readonly event: RecordedEvent,
    cause: unknown,
  ) {
    super(
      `Projection ${projection} failed on ${event.type} of ${event.streamId} at ${positionToString(event.position)}: ${describeError(cause)}`,
      { cause },
    );
    this.name = 'ProjectionEventFailed';
  }

  /**
   * A lost connection, a deadlock or a server shutting down says nothing about the event:
   * those are retried as long as it takes. Anything else (a value the table refuses, a bug)
   * would fail again, so the event is parked after its tries.
   */
  get transient(): boolean {
    const code = (this.cause as { code?: unknown })?.code;
    if (typeof code !== 'string') return /connection|terminat|timeout/i.test(describeError(this.cause));
    return /^(08|40|53|57|58)/.test(code) || /^E[A-Z]+$/.test(code);
  }
}

/**
 * Applies the events of a batch that lie beyond the projection's checkpoint and moves the
 * checkpoint, in the caller's transaction. The checkpoint row is locked first, so two
 * instances (or a rebuild swapping tables) never interleave, and it never moves back.
 * Events of a parked stream, and those `park` names, are parked instead of applied.
 */
export async function applyBatch(
  trx: Transaction<ReadModels>,
  projection: Projection,
  batch: RecordedEvent[],
  park?: ParkDecisions,
  onParked?: () => void,
): Promise<LogPosition> {
  const row = await trx
    .selectFrom('projection_checkpoints')
    .select(['position_commit', 'position_prepare'])
    .where('name', '=', projection.name)
    .forUpdate()
    .executeTakeFirstOrThrow();
  const checkpoint = checkpointPosition(row);
  const fresh = batch.filter((event) => comparePositions(event.position, checkpoint) > 0);
  const parked = await parkedStreamIds(trx, projection.name, [...new Set(fresh.map((e) => e.streamId))]);
  for (const event of fresh) {
    const reason = park?.reasonFor(event);
    if (reason || parked.has(event.streamId)) {
      await parkEvent(trx, projection.name, event, reason);
      parked.add(event.streamId);
      onParked?.();
      continue;
    }
    try {
      await projection.apply(trx, event);
    } catch (error) {
      throw new ProjectionEventFailed(projection.name, event, error);
    }
  }
  const last = batch[batch.length - 1].position;
  if (comparePositions(last, checkpoint) <= 0) return checkpoint;
  await trx
    .updateTable('projection_checkpoints')
    .set({ position_commit: String(last.commit), position_prepare: String(last.prepare), updated_at: new Date() })
    .where('name', '=', projection.name)
    .execute();
  return last;
}

export interface RetryPolicy {
  /** Tries of one event before its stream is parked. */
  maxTries: number;
  /** Wait before try n+1 (n from 1). */
  backoffMs(tries: number): number;
  onFailure?(failure: ProjectionEventFailed, tries: number): void;
  /** Stop retrying (the runner is stopping): the last failure is thrown. */
  stopped?(): boolean;
}

/**
 * Runs `apply` (one batch in one transaction) until it commits: an event that keeps failing
 * is retried with backoff, then parked; transient failures and other errors are thrown for
 * the caller to retry from the checkpoint.
 */
export async function applyWithRetries(apply: (park: ParkDecisions) => Promise<LogPosition>, policy: RetryPolicy): Promise<LogPosition> {
  const park = new ParkDecisions();
  const tries = new Map<string, number>();
  for (;;) {
    try {
      return await apply(park);
    } catch (error) {
      if (!(error instanceof ProjectionEventFailed) || error.transient || policy.stopped?.()) throw error;
      const key = positionToString(error.event.position);
      const n = (tries.get(key) ?? 0) + 1;
      tries.set(key, n);
      policy.onFailure?.(error, n);
      if (n >= policy.maxTries) park.park(error.event, { error: describeError(error.cause), attempts: n });
      else await new Promise((resolve) => setTimeout(resolve, policy.backoffMs(n)));
    }
  }
}
