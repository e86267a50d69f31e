import { sql, type Kysely } from 'kysely';
import type { LogPosition } from '../../eventstore/event-store.ts';

export interface ProjectionCheckpointTable {
  name: string;
  version: number;
  position_commit: string;
  position_prepare: string;
  /** The event store the position belongs to (null in rows written before it was recorded). */
  store_id: string | null;
  updated_at: Date;
}

export async function createCheckpointTable(db: Kysely<any>): Promise<void> {
  await sql`
    create table if not exists projection_checkpoints (
      name text primary key,
      version integer not null,
      position_commit numeric(20) not null default 0,
      position_prepare bigint not null default 0,
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`alter table projection_checkpoints add column if not exists store_id text`.execute(db);
}

export const checkpointPosition = (row: { position_commit: unknown; position_prepare: unknown }): LogPosition => ({
  commit: BigInt(String(row.position_commit)),
  prepare: BigInt(String(row.position_prepare)),
});

/** Every projection's checkpoint row; none before the first projector ran. */
export async function readCheckpoints(
  db: Kysely<{ projection_checkpoints: ProjectionCheckpointTable }>,
): Promise<ProjectionCheckpointTable[]> {
  await createCheckpointTable(db);
  return db.selectFrom('projection_checkpoints').selectAll().execute();
}
