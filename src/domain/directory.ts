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

/** The users a ticket may be given to: the catalog satisfies this. */
export interface UserDirectory {
  users: ReadonlyMap<string, User>;
}

/**
 * The one guard for every username a command names as a person to work a ticket (deliver
 * and add_node targets, username and multi-username field values): it must be an active
 * user of the directory. Otherwise the ticket would wait on someone nobody can log in as.
 * Returns why `username` cannot be named, or undefined when it can.
 */
export function notAssignable(directory: UserDirectory, username: string): string | undefined {
  const user = directory.users.get(username);
  if (user === undefined) return `"${username}" is not a user of the directory`;
  if (!user.is_active) return `"${username}" is not an active user`;
  return undefined;
}
