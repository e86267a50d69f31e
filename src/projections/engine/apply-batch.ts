import type { Transaction } from 'kysely';
import { comparePositions, type LogPosition, type RecordedEvent } from '../../eventstore/event-store.ts';
import type { Projection } from '../projection.ts';
import type { ReadModels } from '../read-models.ts';
import { checkpointPosition } from './checkpoints.ts';

/**
 * Applies the events of a batch that lie beyond the projection's checkpoint and moves the
 * checkpoint, in the caller's transaction. The checkpoint row is locked first, so two
 * instances (or a rebuild swapping tables) never interleave, and it never moves back.
 */
export async function applyBatch(trx: Transaction<ReadModels>, projection: Projection, batch: RecordedEvent[]): Promise<LogPosition> {
  const row = await trx
    .selectFrom('projection_checkpoints')
    .select(['position_commit', 'position_prepare'])
    .where('name', '=', projection.name)
    .forUpdate()
    .executeTakeFirstOrThrow();
  const checkpoint = checkpointPosition(row);
  for (const event of batch) {
    if (comparePositions(event.position, checkpoint) > 0) await projection.apply(trx, event);
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
