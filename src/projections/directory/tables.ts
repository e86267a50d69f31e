import { sql, type Kysely } from 'kysely';

export interface UserTable {
  /** 1, 2, 3... in the order users were first defined: stable, and the same after a rebuild. */
  id: number;
  username: string;
  alias: string;
  email: string;
  phone: string;
  type_id: number;
  dept_ids: number[];
  is_active: boolean;
  gmt_created: Date;
  gmt_modified: Date;
}

export interface DeptTable {
  id: number;
  name: string;
  parent_dept_id: number;
  leader: string;
  approvers: string[];
  label: Record<string, unknown>;
  creator: string;
  gmt_created: Date;
  gmt_modified: Date;
}

export interface RoleTable {
  id: number;
  name: string;
  description: string;
  members: string[];
}

export const DIRECTORY_TABLES = ['directory_roles', 'directory_depts', 'directory_users'] as const;

export async function createDirectoryTables(db: Kysely<any>): Promise<void> {
  await sql`
    create table if not exists directory_users (
      username text primary key,
      id integer not null unique,
      alias text not null,
      email text not null,
      phone text not null,
      type_id integer not null,
      dept_ids jsonb not null,
      is_active boolean not null,
      gmt_created timestamptz not null,
      gmt_modified timestamptz not null
    )`.execute(db);
  await sql`
    create table if not exists directory_depts (
      id integer primary key,
      name text not null,
      parent_dept_id integer not null,
      leader text not null,
      approvers jsonb not null,
      label jsonb not null,
      creator text not null,
      gmt_created timestamptz not null,
      gmt_modified timestamptz not null
    )`.execute(db);
  await sql`
    create table if not exists directory_roles (
      id integer primary key,
      name text not null,
      description text not null,
      members jsonb not null
    )`.execute(db);
}
