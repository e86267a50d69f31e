// What a reaction has still to do, derived from the log: each reaction's projection keeps a
// table of due work (a hook to call, a timer to fire) and the dispatcher does it. The log is
// the outbox: the table can be dropped and rebuilt from the events like any read model.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { LogPosition, RecordedEvent } from '../../eventstore/event-store.ts';

export interface DueWork<Payload = unknown> {
  /** Derived from the event that caused it, so a retry of the same work has the same id. */
  id: string;
  streamId: string;
  /** The event that caused it. */
  cause: LogPosition;
  dueAt: Date;
  payload: Payload;
}

interface DueWorkRow {
  id: string;
  stream_id: string;
  /** The causing event's place in the log, so that a stream's work runs in log order. */
  log_commit: string;
  log_prepare: string;
  due_at: Date;
  payload: unknown;
}

export async function createDueWorkTable(db: Kysely<any>, table: string): Promise<void> {
  await sql`
    create table if not exists ${sql.table(table)} (
      id text primary key,
      stream_id text not null,
      log_commit numeric(20) not null,
      log_prepare bigint not null,
      due_at timestamptz not null,
      payload jsonb not null
    )`.execute(db);
  // The oldest work of each stream, and what is due.
  await sql`create index if not exists ${sql.id(`${table}_stream`)} on ${sql.table(table)} (stream_id, log_commit, log_prepare)`.execute(
    db,
  );
  await sql`create index if not exists ${sql.id(`${table}_due`)} on ${sql.table(table)} (due_at)`.execute(db);
}

/** Schedules (or reschedules) work caused by `cause`; the id keeps it unique across replays. */
export async function scheduleWork(
  trx: Transaction<any>,
  table: string,
  cause: RecordedEvent,
  work: Omit<DueWork, 'streamId' | 'cause'> & { streamId?: string },
): Promise<void> {
  const row = {
    id: work.id,
    // The stream whose work it is (its order, its cancellation): the cause's unless said.
    stream_id: work.streamId ?? cause.streamId,
    log_commit: String(cause.position.commit),
    log_prepare: String(cause.position.prepare),
    due_at: work.dueAt,
    payload: JSON.stringify(work.payload),
  };
  await trx
    .insertInto(table)
    .values(row)
    .onConflict((oc) => oc.column('id').doUpdateSet({ due_at: row.due_at, payload: row.payload }))
    .execute();
}

export async function completeWork(trx: Transaction<any>, table: string, id: string): Promise<void> {
  await trx.deleteFrom(table).where('id', '=', id).execute();
}

/** Drops every piece of work of a stream (an event made it void). */
export async function cancelStreamWork(trx: Transaction<any>, table: string, streamId: string): Promise<void> {
  await trx.deleteFrom(table).where('stream_id', '=', streamId).execute();
}

/** Due work to start now: the oldest of each stream not already running, soonest due first. */
export async function dueWork(db: Kysely<any>, table: string, now: Date, busyStreams: string[], limit: number): Promise<DueWork[]> {
  const { rows } = await sql<DueWorkRow>`
    select * from (
      select distinct on (stream_id) * from ${sql.table(table)} order by stream_id, log_commit, log_prepare, id
    ) oldest
     where due_at <= ${now} ${busyStreams.length ? sql`and stream_id not in (${sql.join(busyStreams)})` : sql``}
     order by due_at
     limit ${limit}`.execute(db);
  return rows.map((r) => ({
    id: r.id,
    streamId: r.stream_id,
    cause: { commit: BigInt(r.log_commit), prepare: BigInt(r.log_prepare) },
    dueAt: new Date(r.due_at),
    payload: r.payload,
  }));
}

/** When the next work falls due, if any is scheduled. */
export async function nextDueAt(db: Kysely<any>, table: string): Promise<Date | undefined> {
  const { rows } = await sql<{ due_at: Date | null }>`select min(due_at) as due_at from ${sql.table(table)}`.execute(db);
  return rows[0]?.due_at ? new Date(rows[0].due_at) : undefined;
}
