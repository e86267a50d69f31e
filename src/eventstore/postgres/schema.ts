// The PostgreSQL event log. Expected revisions are enforced by `es_append` inside the
// database; the global order is (transaction id, position) and a reader only reads below
// the horizon (`es_horizon`): the lowest transaction id that may still append, so that a
// transaction that commits late is never skipped, while transactions that do not append
// (anywhere on the server) hold nothing back.
import { sql, type Kysely } from 'kysely';

export const EVENTS_CHANNEL = 'flowledger_events';

/** Advisory-lock class of appending transactions (two-key form, objsubid 2); the key is the schema. */
const WRITER_LOCK_CLASS = 1_179_407_429; // "FLWE"

export async function createEventStoreSchema(db: Kysely<any>): Promise<void> {
  await sql`
    create table if not exists es_streams (
      stream_id text primary key,
      revision bigint not null
    )`.execute(db);
  // Which store this is (see store-identity.ts): one row, named when the schema is created.
  await sql`
    create table if not exists es_store (
      singleton boolean primary key default true check (singleton),
      store_id text not null default gen_random_uuid()::text
    )`.execute(db);
  await sql`insert into es_store default values on conflict do nothing`.execute(db);
  await sql`
    create table if not exists es_events (
      global_position bigint generated always as identity primary key,
      transaction_id xid8 not null default pg_current_xact_id(),
      stream_id text not null,
      stream_revision bigint not null,
      type text not null,
      data jsonb not null,
      metadata jsonb not null default '{}'::jsonb,
      recorded_at timestamptz not null default now(),
      unique (stream_id, stream_revision)
    )`.execute(db);
  // Serves the subscription query: a range scan on (transaction_id, global_position).
  await sql`create index if not exists es_events_log_order on es_events (transaction_id, global_position)`.execute(db);
  await sql
    .raw(
      `
    create or replace function es_append(
      p_stream text, p_expected text, p_types text[], p_data jsonb[], p_metadata jsonb[]
    ) returns table (next_revision bigint, txid text, last_position bigint)
    language plpgsql as $fn$
    declare
      v_count int := coalesce(array_length(p_types, 1), 0);
      v_current bigint;
      v_next bigint;
      v_position bigint;
    begin
      -- The horizon sees writers by this lock, taken before the transaction has an id: a
      -- transaction that already wrote something else would slip through unseen.
      if pg_current_xact_id_if_assigned() is not null then
        raise exception using errcode = '25000', message = 'es_append must be the first write of its transaction';
      end if;
      perform pg_advisory_xact_lock_shared(${WRITER_LOCK_CLASS}, hashtext(current_schema()));
      -- Take the transaction id at once: a reader that sees the lock without an id must wait.
      perform pg_current_xact_id();
      if v_count = 0 then
        raise exception using errcode = '22023', message = 'nothing to append';
      end if;
      if p_expected = 'no_stream' then
        insert into es_streams (stream_id, revision) values (p_stream, v_count - 1)
          on conflict do nothing returning revision into v_next;
      elsif p_expected = 'any' then
        insert into es_streams as s (stream_id, revision) values (p_stream, v_count - 1)
          on conflict (stream_id) do update set revision = s.revision + v_count
          returning revision into v_next;
      elsif p_expected = 'stream_exists' then
        update es_streams set revision = revision + v_count
          where stream_id = p_stream returning revision into v_next;
      else
        update es_streams set revision = revision + v_count
          where stream_id = p_stream and revision = p_expected::bigint
          returning revision into v_next;
      end if;
      if v_next is null then
        select revision into v_current from es_streams where stream_id = p_stream;
        raise exception using errcode = 'FL409', message = 'wrong expected revision',
          detail = coalesce(v_current::text, 'no_stream');
      end if;
      with inserted as (
        insert into es_events (stream_id, stream_revision, type, data, metadata)
        select p_stream, v_next - v_count + i, p_types[i], p_data[i], p_metadata[i]
          from generate_subscripts(p_types, 1) as i
          order by i
        returning global_position
      )
      select max(global_position) into v_position from inserted;
      perform pg_notify('${EVENTS_CHANNEL}', '');
      return query select v_next, pg_current_xact_id()::text, v_position;
    end
    $fn$`,
    )
    .execute(db);
  // Why this is safe: a writer takes the lock before it gets a transaction id and keeps it
  // until it ends. Reading the lock table once, a writer whose id is below the result either
  // ended before that read (so a later statement's snapshot sees its events) or it would
  // have been seen holding the lock. A holder whose id is not in the lock table is either
  // ending (its id lock already released) or getting its id: that id is then either above
  // the snapshot's xmax or among the snapshot's running ids, so the bound takes the lowest
  // running id that no other, non-writing transaction is known to hold.
  await sql
    .raw(
      `
    create or replace function es_horizon() returns xid8
    language plpgsql volatile as $fn$
    declare
      v_snapshot pg_snapshot := pg_current_snapshot();
      v_xmax bigint := pg_snapshot_xmax(v_snapshot)::text::bigint;
      v_unknown boolean;
      v_lowest bigint;
      v_unclaimed bigint;
    begin
      with locks as materialized (select * from pg_locks),
      writers as (
        select w.virtualtransaction from locks w
         where w.locktype = 'advisory' and w.granted and w.objsubid = 2
           and w.classid = ${WRITER_LOCK_CLASS}::oid and w.objid = hashtext(current_schema())::oid
           and w.database = (select oid from pg_database where datname = current_database())),
      -- pg_locks shows 32-bit ids: widen each to the epoch nearest the snapshot's xmax.
      ids as (
        select x.virtualtransaction,
               v_xmax + (x.transactionid::text::bigint - v_xmax % 4294967296 + 6442450944) % 4294967296 - 2147483648 as xid
          from locks x
         where x.locktype = 'transactionid' and x.mode = 'ExclusiveLock' and x.granted),
      holders as (
        select w.virtualtransaction, min(i.xid) as xid
          from writers w left join ids i on i.virtualtransaction = w.virtualtransaction
         group by w.virtualtransaction)
      select bool_or(h.xid is null), min(h.xid),
             (select min(r::text::bigint) from pg_snapshot_xip(v_snapshot) r
               where r::text::bigint not in (
                 select i.xid from ids i where i.virtualtransaction not in (select virtualtransaction from writers)))
        into v_unknown, v_lowest, v_unclaimed
        from holders h;
      if coalesce(v_unknown, false) then
        return least(v_lowest, v_unclaimed, v_xmax)::text::xid8;
      end if;
      return least(v_lowest, v_xmax)::text::xid8;
    end
    $fn$`,
    )
    .execute(db);
  // One round trip: the query below takes its snapshot after es_horizon has read the locks.
  await sql
    .raw(
      `
    create or replace function es_read_all(p_after_commit xid8, p_after_position bigint, p_max integer)
    returns table (global_position bigint, txid text, stream_id text, stream_revision bigint, type text,
                   data jsonb, metadata jsonb, recorded_at timestamptz)
    language plpgsql volatile as $fn$
    declare
      v_horizon xid8 := es_horizon();
    begin
      return query
        select e.global_position, e.transaction_id::text, e.stream_id, e.stream_revision, e.type, e.data, e.metadata, e.recorded_at
          from es_events e
         where (e.transaction_id, e.global_position) > (p_after_commit, p_after_position)
           and e.transaction_id < v_horizon
         order by e.transaction_id, e.global_position
         limit p_max;
    end
    $fn$`,
    )
    .execute(db);
  // Where a new subscriber that wants no history starts: the last event below the horizon.
  await sql
    .raw(
      `
    create or replace function es_head() returns table (txid text, last_position bigint)
    language plpgsql volatile as $fn$
    declare
      v_horizon xid8 := es_horizon();
    begin
      return query
        select e.transaction_id::text, e.global_position from es_events e
         where e.transaction_id < v_horizon
         order by e.transaction_id desc, e.global_position desc
         limit 1;
    end
    $fn$`,
    )
    .execute(db);
}
