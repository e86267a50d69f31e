// Applying a config document is idempotent: only what differs from the catalog becomes an
// event, and a workflow whose definition changed is published as a new version.
import { isDeepStrictEqual } from 'node:util';
import type { App, Dept, Notice, Role, User } from '../directory.ts';
import type { WorkflowDefinition } from '../workflow.ts';
import { currentWorkflow, type Catalog } from './catalog.ts';
import type { CatalogEvent } from './events.ts';

export interface CatalogDocument {
  apps: App[];
  users: User[];
  depts: Dept[];
  roles: Role[];
  notices: Notice[];
  workflows: WorkflowDefinition[];
}

export interface ApplyConfig extends CatalogDocument {
  now: Date;
}

// The catalog holds what came back from JSON, where undefined properties vanish.
const same = (a: unknown, b: unknown) => isDeepStrictEqual(JSON.parse(JSON.stringify(a ?? null)), JSON.parse(JSON.stringify(b ?? null)));

export function decideApplyConfig(command: ApplyConfig, catalog: Catalog): CatalogEvent[] {
  const changed = <K, V>(map: ReadonlyMap<K, V>, key: K, value: V) => !same(map.get(key), value);
  return [
    ...command.apps.filter((app) => changed(catalog.apps, app.name, app)).map((app): CatalogEvent => ({ type: 'AppDefined', data: { app } })),
    ...command.depts.filter((dept) => changed(catalog.depts, dept.id, dept)).map((dept): CatalogEvent => ({ type: 'DeptDefined', data: { dept } })),
    ...command.users.filter((user) => changed(catalog.users, user.username, user)).map((user): CatalogEvent => ({ type: 'UserDefined', data: { user } })),
    ...command.roles.filter((role) => changed(catalog.roles, role.id, role)).map((role): CatalogEvent => ({ type: 'RoleDefined', data: { role } })),
    ...command.notices
      .filter((notice) => changed(catalog.notices, notice.id, notice))
      .map((notice): CatalogEvent => ({ type: 'NoticeDefined', data: { notice } })),
    ...command.workflows.flatMap((definition): CatalogEvent[] => {
      const current = currentWorkflow(catalog, definition.id);
      if (current && same(current.definition, definition)) return [];
      return [
        {
          type: 'WorkflowVersionPublished',
          data: { workflowId: definition.id, version: (current?.version ?? 0) + 1, definition, publishedAt: command.now.toISOString() },
        },
      ];
    }),
  ];
}
