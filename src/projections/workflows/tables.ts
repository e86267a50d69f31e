import { sql, type Kysely } from 'kysely';
import type { StateDefinition, WorkflowDefinition } from '../../domain/workflow.ts';

/** The current version of each workflow. */
export interface WorkflowTable {
  id: number;
  name: string;
  description: string;
  version: number;
  definition: WorkflowDefinition;
  gmt_created: Date;
  gmt_modified: Date;
}

/** Every published version, since a ticket is always shown with the version it was created with. */
export interface WorkflowVersionTable {
  workflow_id: number;
  version: number;
  definition: WorkflowDefinition;
  published_at: Date;
}

/** States of every version, one row each, so that list queries join names in SQL. */
export interface WorkflowStateTable {
  workflow_id: number;
  version: number;
  state_id: number;
  name: string;
  type_id: number;
  order_id: number;
  definition: StateDefinition;
}

export const WORKFLOW_TABLES = ['workflow_states', 'workflow_versions', 'workflows'] as const;

export async function createWorkflowTables(db: Kysely<any>): Promise<void> {
  await sql`
    create table if not exists workflows (
      id integer primary key,
      name text not null,
      description text not null,
      version integer not null,
      definition jsonb not null,
      gmt_created timestamptz not null,
      gmt_modified timestamptz not null
    )`.execute(db);
  await sql`
    create table if not exists workflow_versions (
      workflow_id integer not null,
      version integer not null,
      definition jsonb not null,
      published_at timestamptz not null,
      primary key (workflow_id, version)
    )`.execute(db);
  await sql`
    create table if not exists workflow_states (
      workflow_id integer not null,
      version integer not null,
      state_id integer not null,
      name text not null,
      type_id integer not null,
      order_id integer not null,
      definition jsonb not null,
      primary key (workflow_id, version, state_id)
    )`.execute(db);
}
