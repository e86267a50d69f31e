// The catalog: workflows (every published version) and the directory, folded from the
// `config` stream. Commands decide against it; it is plain data.
import { UserType, type App, type Dept, type Notice, type Role, type User } from '../directory.ts';
import type { WorkflowVersion } from '../workflow.ts';
import type { CatalogEvent } from './events.ts';

export interface Catalog {
  apps: ReadonlyMap<string, App>;
  users: ReadonlyMap<string, User>;
  depts: ReadonlyMap<number, Dept>;
  roles: ReadonlyMap<number, Role>;
  notices: ReadonlyMap<number, Notice>;
  /** Versions of each workflow, oldest first; the last one is current. */
  workflows: ReadonlyMap<number, readonly WorkflowVersion[]>;
}

export const emptyCatalog = (): Catalog => ({
  apps: new Map(),
  users: new Map(),
  depts: new Map(),
  roles: new Map(),
  notices: new Map(),
  workflows: new Map(),
});

const withEntry = <K, V>(map: ReadonlyMap<K, V>, key: K, value: V): Map<K, V> => new Map(map).set(key, value);

export function evolveCatalog(catalog: Catalog, event: CatalogEvent): Catalog {
  switch (event.type) {
    case 'AppDefined':
      return { ...catalog, apps: withEntry(catalog.apps, event.data.app.name, event.data.app) };
    case 'UserDefined':
      return { ...catalog, users: withEntry(catalog.users, event.data.user.username, event.data.user) };
    case 'DeptDefined':
      return { ...catalog, depts: withEntry(catalog.depts, event.data.dept.id, event.data.dept) };
    case 'RoleDefined':
      return { ...catalog, roles: withEntry(catalog.roles, event.data.role.id, event.data.role) };
    case 'NoticeDefined':
      return { ...catalog, notices: withEntry(catalog.notices, event.data.notice.id, event.data.notice) };
    case 'WorkflowVersionPublished': {
      const versions = catalog.workflows.get(event.data.workflowId) ?? [];
      const next = [...versions, { version: event.data.version, definition: event.data.definition }];
      return { ...catalog, workflows: withEntry(catalog.workflows, event.data.workflowId, next) };
    }
    default: {
      const unhandled: never = event;
      throw new Error(`evolveCatalog has no case for ${JSON.stringify(unhandled)}`);
    }
  }
}

export const currentWorkflow = (catalog: Catalog, workflowId: number): WorkflowVersion | undefined => {
  const versions = catalog.workflows.get(workflowId);
  return versions?.[versions.length - 1];
};

export const workflowVersion = (catalog: Catalog, workflowId: number, version: number): WorkflowVersion | undefined =>
  catalog.workflows.get(workflowId)?.find((v) => v.version === version);

/** Depts `ids` and every dept below them. */
export function deptWithDescendants(catalog: Catalog, ids: number[]): Set<number> {
  const result = new Set<number>();
  const queue = [...ids];
  while (queue.length > 0) {
    const id = queue.pop()!;
    if (result.has(id)) continue;
    result.add(id);
    for (const dept of catalog.depts.values()) if (dept.parent_dept_id === id) queue.push(dept.id);
  }
  return result;
}

/** Depts `ids` and every dept above them. */
export function deptWithAncestors(catalog: Catalog, ids: number[]): Set<number> {
  const result = new Set<number>();
  for (let id of ids) {
    while (id && !result.has(id)) {
      result.add(id);
      id = catalog.depts.get(id)?.parent_dept_id ?? 0;
    }
  }
  return result;
}

export const deptMembers = (catalog: Catalog, deptIds: number[]): string[] => {
  const depts = deptWithDescendants(catalog, deptIds);
  return [...catalog.users.values()].filter((u) => u.dept_ids.some((d) => depts.has(d))).map((u) => u.username);
};

export const isSuperAdmin = (catalog: Catalog, username: string): boolean => catalog.users.get(username)?.type_id === UserType.superAdmin;

/** The facts permissions depend on, from the directory. */
export const viewerOf = (catalog: Catalog, username: string) => ({
  username,
  superAdmin: isSuperAdmin(catalog, username),
  deptIds: deptWithAncestors(catalog, catalog.users.get(username)?.dept_ids ?? []),
});

export const appMayUseWorkflow = (app: App, workflowId: number): boolean =>
  app.workflow_ids === 'all' || app.workflow_ids.includes(workflowId);
