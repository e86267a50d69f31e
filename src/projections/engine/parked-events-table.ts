// The table of parked events (see parked-events.ts), apart so that the read-model types can name it.
import { sql, type Kysely } from 'kysely';

export interface ProjectionParkedEventTable {
  projection: string;
  stream_id: string;
  position_commit: string;
  position_prepare: string;
  stream_revision: string;
  event_type: string;
  /** Why the first event of the stream failed; null for the events parked behind it. */
  error: string | null;
  attempts: number;
  parked_at: Date;
}

export async function createParkedEventsTable(db: Kysely<any>): Promise<void> {
  await sql`
    create table if not exists projection_parked_events (
      projection text not null,
      stream_id text not null,
      position_commit numeric(20) not null,
      position_prepare bigint not null,
      stream_revision bigint not null,
      event_type text not null,
      error text,
      attempts integer not null,
      parked_at timestamptz not null,
      primary key (projection, position_commit, position_prepare)
    )`.execute(db);
  await sql`create index if not exists projection_parked_events_stream on projection_parked_events (stream_id)`.execute(db);
}
