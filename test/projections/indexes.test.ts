// Whatever the write side accepts, the read side can store: every B-tree index over text (read
// models and the reactions' due work) is
// over a column whose values the write side bounds, and the title filter has its trigram index.
import t from 'tap';
import { sql } from 'kysely';
import { startApp } from '../support/app.ts';

/** Text columns in a B-tree, each with the bound that keeps its entries far below PostgreSQL's 2,704 bytes. */
const BOUNDED_TEXT_KEYS: Record<string, string> = {
  'directory_users.username': 'usernames: 50 characters',
  'es_events.stream_id': 'stream names: ids, days, an app name (255) and a hash',
  'es_streams.stream_id': 'stream names',
  'projection_checkpoints.name': "the projections' own names",
  'projection_parked_events.projection': "the projections' own names",
  'projection_parked_events.stream_id': 'stream names',
  'reaction_hook_calls.id': 'a stream name and a log position',
  'reaction_hook_calls.stream_id': 'stream names',
  'reaction_parent_advances.id': 'a stream name and a log position',
  'reaction_parent_advances.stream_id': 'stream names',
  'reaction_timers.id': 'a stream name, a log position and a transition id',
  'reaction_timers.stream_id': 'stream names',
  'ticket_users.username': 'usernames: 50 characters',
  'tickets.creator': 'usernames: 50 characters',
  'tickets.sn': 'an app prefix of 50 characters and 12 digits',
};

t.test('B-tree indexes hold only bounded text; the title has a trigram index', async (t) => {
  const api = await startApp(t, { react: true });
  const { rows } = await sql<{ key: string; method: string; index: string }>`
    select c.relname || '.' || a.attname as key, am.amname as method, i.relname as index
      from pg_index x
      join pg_class i on i.oid = x.indexrelid
      join pg_class c on c.oid = x.indrelid
      join pg_am am on am.oid = i.relam
      join pg_attribute a on a.attrelid = c.oid and a.attnum = any (x.indkey)
     where c.relnamespace = current_schema()::regnamespace
       and a.atttypid in ('text'::regtype, 'varchar'::regtype)`.execute(api.runtime.database.db);
  const btree = [...new Set(rows.filter((r) => r.method === 'btree').map((r) => r.key))].sort();
  t.same(btree, Object.keys(BOUNDED_TEXT_KEYS).sort(), 'every text column in a B-tree is one with a documented bound');
  t.ok(
    rows.some((r) => r.key === 'tickets.title' && r.method === 'gin'),
    'the title substring filter has a pg_trgm GIN index',
  );
});
