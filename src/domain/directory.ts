// The directory (users, depts, roles), the apps that call the API and notice hooks.

export const UserType = { user: 0, workflowAdmin: 1, superAdmin: 2 } as const;

/** The engine's own names (timers, hooks, sub-tickets): no person may use them. */
export const ENGINE_USERNAMES: ReadonlySet<string> = new Set(['loonrobot', 'hook']);

export interface User {
  username: string;
  alias: string;
  email: string;
  phone: string;
  type_id: number;
  dept_ids: number[];
  is_active: boolean;
}

export interface Dept {
  id: number;
  name: string;
  parent_dept_id: number;
  leader: string;
  approvers: string[];
  label: Record<string, unknown>;
}

export interface Role {
  id: number;
  name: string;
  description: string;
  members: string[];
}

export interface App {
  name: string;
  token: string;
  ticket_sn_prefix: string;
  /** "all" or the workflow ids the app may act on. */
  workflow_ids: 'all' | number[];
}

export interface Notice {
  id: number;
  name: string;
  description: string;
  hook_url: string;
  hook_token: string;
}
