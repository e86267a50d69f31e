// The PostgreSQL event log. Expected revisions are enforced by `es_append` inside the
// database; the global order is (transaction id, position) so that a reader never moves
// past a transaction that has not committed yet (see readAll in the adapter).
import { sql, type Kysely } from 'kysely';

export const EVENTS_CHANNEL = 'flowledger_events';

export async function createEventStoreSchema(db: Kysely<any>): Promise<void> {
  await sql`
    create table if not exists es_streams (
      stream_id text primary key,
      revision bigint not null
    )`.execute(db);
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
  await sql.raw(`
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
    $fn$`).execute(db);
}
