// Fills the read models of a schema with N synthetic tickets of the demo workflows, straight
// in SQL (the log is not involved): for measuring queries at scale.
//   DATABASE_URL=postgres://… DATABASE_SCHEMA=bench_1m tsx bench/seed-read-models.ts 1000000
import { sql } from 'kysely';
import pg from 'pg';
import { readEnv } from '../src/config/env.ts';
import { applyStartupConfig, createRuntime } from '../src/runtime.ts';

export async function seedReadModels(url: string, schema: string, count: number): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`drop schema if exists ${schema} cascade; create schema ${schema}`);
  await admin.end();
  const env = readEnv({ DATABASE_URL: url, DATABASE_SCHEMA: schema });
  const runtime = await createRuntime(env);
  await applyStartupConfig(runtime, env);
  const db = runtime.database.db;
  // 1,000 users besides the demo ones, so that a desk holds a realistic share of tickets.
  await sql`
    insert into tickets (id, sn, title, workflow_id, workflow_version, state_id, parent_ticket_id, parent_ticket_state_id,
                         participant_type_id, participant, relation, in_add_node, add_node_man, script_run_last_result,
                         act_state_id, multi_all_person, fields, creator, app, is_deleted, gmt_created, gmt_modified, revision)
    select g,
           'bench_' || to_char(now() - (g % 700) * interval '1 day', 'YYYYMMDD') || lpad((g % 10000)::text, 4, '0') || '_' || g,
           'ticket ' || g,
           1 + (g % 2), 1,
           case when g % 2 = 0 then 3 else 8 end,
           0, 0, 1,
           'user' || (g * 7 % 997),
           'user' || (g % 1000) || ',user' || (g * 7 % 997),
           false, '', true,
           case when g % 5 = 0 then 4 else 1 end,
           '{}'::jsonb, jsonb_build_object('vpn_reason', 'reason ' || g),
           'user' || (g % 1000), 'demo', false,
           now() - (g % 700) * interval '1 day' - (g % 86400) * interval '1 second',
           now() - (g % 700) * interval '1 day',
           1
      from generate_series(1, ${count}::int) as g`.execute(db);
  await sql`
    insert into ticket_users (ticket_id, username, in_process, worked, workflow_id, gmt_created)
    select id, creator, false, false, workflow_id, gmt_created from tickets
    union all
    select id, participant, act_state_id not in (4, 5), false, workflow_id, gmt_created from tickets where participant <> creator`.execute(
    db,
  );
  await sql`
    insert into ticket_daily_counts (workflow_id, day, tickets)
    select workflow_id, (gmt_created at time zone 'UTC')::date, count(*) from tickets group by 1, 2`.execute(db);
  await sql`analyze`.execute(db);
  await runtime.close();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const env = readEnv();
  if (!env.DATABASE_URL || !env.DATABASE_SCHEMA) throw new Error('set DATABASE_URL and DATABASE_SCHEMA');
  const started = Date.now();
  await seedReadModels(env.DATABASE_URL, env.DATABASE_SCHEMA, Number(process.argv[2] ?? 1_000_000));
  console.log(`seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
