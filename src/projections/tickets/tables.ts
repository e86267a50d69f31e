import { sql, type Kysely } from 'kysely';

export interface TicketTable {
  id: number;
  sn: string;
  title: string;
  workflow_id: number;
  workflow_version: number;
  state_id: number;
  parent_ticket_id: number;
  parent_ticket_state_id: number;
  participant_type_id: number;
  participant: string;
  /** Everyone ever related to the ticket, comma-joined as loonflow shows it. */
  relation: string;
  in_add_node: boolean;
  add_node_man: string;
  script_run_last_result: boolean;
  act_state_id: number;
  multi_all_person: Record<string, { transition_id?: number; transition_name?: string }>;
  fields: Record<string, unknown>;
  creator: string;
  app: string;
  is_deleted: boolean;
  gmt_created: Date;
  gmt_modified: Date;
  /** Stream revision: the ETag of the ticket. */
  revision: number;
}

/**
 * Loonflow's TicketUser: who has the ticket on their desk (in_process) and who worked it.
 * The ticket's creation time and workflow are copied here (they never change) so that a
 * user's list pages and counts are range scans on this table alone.
 */
export interface TicketUserTable {
  ticket_id: number;
  username: string;
  in_process: boolean;
  worked: boolean;
  workflow_id: number;
  gmt_created: Date;
}

/** Tickets created per workflow and UTC day: the `all` list counts whole days from here. */
export interface TicketDailyCountTable {
  workflow_id: number;
  day: string;
  tickets: number;
}

export interface TicketFlowLogTable {
  /** The event's position in the log, so that a rebuild yields the same ids. */
  id: number;
  ticket_id: number;
  transition_id: number;
  suggestion: string;
  participant_type_id: number;
  participant: string;
  state_id: number;
  intervene_type_id: number;
  ticket_data: Record<string, unknown>;
  gmt_created: Date;
}

export const TICKET_TABLES = ['ticket_daily_counts', 'ticket_flow_logs', 'ticket_users', 'tickets'] as const;

export async function createTicketTables(db: Kysely<any>): Promise<void> {
  await sql`
    create table if not exists tickets (
      id bigint primary key,
      sn text not null unique,
      title text not null,
      workflow_id integer not null,
      workflow_version integer not null,
      state_id integer not null,
      parent_ticket_id bigint not null default 0,
      parent_ticket_state_id integer not null default 0,
      participant_type_id integer not null,
      participant text not null,
      relation text not null,
      in_add_node boolean not null default false,
      add_node_man text not null default '',
      script_run_last_result boolean not null default true,
      act_state_id integer not null,
      multi_all_person jsonb not null default '{}'::jsonb,
      fields jsonb not null default '{}'::jsonb,
      creator text not null,
      app text not null,
      is_deleted boolean not null default false,
      gmt_created timestamptz not null,
      gmt_modified timestamptz not null,
      revision bigint not null
    )`.execute(db);
  // Every index is over bounded values only (B-tree entries must stay under ~2,700 bytes, and
  // the write side bounds every string that reaches them): ids, times, usernames (50
  // characters), sn (a prefix of at most 50 and 12 digits). Unbounded text (participant lists,
  // relation, suggestions, field values) is never in a B-tree.
  // List pages: newest first, within a workflow, of one creator (owner, `creator=`), by sn prefix.
  await sql`create index if not exists tickets_created on tickets (gmt_created desc, id desc)`.execute(db);
  await sql`create index if not exists tickets_workflow_created on tickets (workflow_id, gmt_created desc)`.execute(db);
  await sql`create index if not exists tickets_creator_created on tickets (creator, gmt_created desc)`.execute(db);
  await sql`create index if not exists tickets_sn_prefix on tickets (sn text_pattern_ops)`.execute(db);
  // Sub-tickets of a parent state (list filter, and the parent's advance when they end).
  await sql`create index if not exists tickets_parent on tickets (parent_ticket_id, parent_ticket_state_id) where parent_ticket_id <> 0`.execute(
    db,
  );
  await createTitleSearchIndex(db);
  await sql`
    create table if not exists ticket_users (
      ticket_id bigint not null,
      username text not null,
      in_process boolean not null default false,
      worked boolean not null default false,
      workflow_id integer not null,
      gmt_created timestamptz not null,
      primary key (ticket_id, username)
    )`.execute(db);
  // duty, relation and worked pages: newest first within one user's rows (usernames are bounded).
  await sql`create index if not exists ticket_users_duty on ticket_users (username, gmt_created desc, ticket_id desc) where in_process`.execute(
    db,
  );
  await sql`create index if not exists ticket_users_worked on ticket_users (username, gmt_created desc, ticket_id desc) where worked`.execute(
    db,
  );
  await sql`create index if not exists ticket_users_relation on ticket_users (username, gmt_created desc, ticket_id desc)`.execute(db);
  await sql`
    create table if not exists ticket_daily_counts (
      workflow_id integer not null,
      day date not null,
      tickets bigint not null,
      primary key (workflow_id, day)
    )`.execute(db);
  await sql`
    create table if not exists ticket_flow_logs (
      id bigint primary key,
      ticket_id bigint not null,
      transition_id integer not null,
      suggestion text not null,
      participant_type_id integer not null,
      participant text not null,
      state_id integer not null,
      intervene_type_id integer not null,
      ticket_data jsonb not null,
      gmt_created timestamptz not null
    )`.execute(db);
  // A ticket's flow logs in order.
  await sql`create index if not exists ticket_flow_logs_ticket on ticket_flow_logs (ticket_id, id)`.execute(db);
}

/**
 * The title filter is a substring match (`like '%…%'`), which no B-tree serves: a trigram GIN
 * index does, where pg_trgm is available and may be installed (it is on both stores here; a
 * database user without the right keeps working, the filter then scans the listed window).
 */
async function createTitleSearchIndex(db: Kysely<any>): Promise<void> {
  const installed = await sql<{ schema: string }>`
    select n.nspname as schema from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm'`.execute(db);
  let schema = installed.rows[0]?.schema;
  if (!schema) {
    const { rows } = await sql<{ may: boolean }>`
      select exists (select 1 from pg_available_extensions where name = 'pg_trgm')
         and ((select rolsuper from pg_roles where rolname = current_user) or has_database_privilege(current_database(), 'CREATE')) as may`.execute(
      db,
    );
    if (!rows[0]?.may) return;
    // In public, not in a deployment's schema: dropping one schema must not drop everyone's
    // index. The lock keeps two first starts from installing it at the same time.
    await sql`select pg_advisory_xact_lock(hashtext('flowledger:install pg_trgm'))`.execute(db);
    await sql`create extension if not exists pg_trgm schema public`.execute(db);
    schema = 'public';
  }
  await sql`create index if not exists tickets_title_trgm on tickets using gin (title ${sql.id(schema)}.gin_trgm_ops)`.execute(db);
}
