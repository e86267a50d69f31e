// Applying a config document is idempotent: only what differs from the catalog becomes an
// event, and a workflow whose definition changed is published as a new version. A document
// that breaks the catalog's rules is refused whole, whichever path it came by.
import { isDeepStrictEqual } from 'node:util';
import { DomainError } from '../errors.ts';
import type { CatalogDocument } from './catalog-document.ts';
import { currentWorkflow, type Catalog } from './catalog.ts';
import { catalogProblems } from './catalog-rules.ts';
import type { CatalogEvent } from './events.ts';
import { knownIds } from './known-ids.ts';

export interface ApplyConfig extends CatalogDocument {
  now: Date;
}

/** The refusal of a document with problems; nothing of it is applied. */
export const configInvalid = (problems: string[]): DomainError =>
  new DomainError('config_invalid', `The config document has ${problems.length} problem(s); nothing was applied: ${problems.join('; ')}`, { problems });

// The catalog holds what came back from JSON, where undefined properties vanish.
const same = (a: unknown, b: unknown) => isDeepStrictEqual(JSON.parse(JSON.stringify(a ?? null)), JSON.parse(JSON.stringify(b ?? null)));

export function decideApplyConfig(command: ApplyConfig, catalog: Catalog): CatalogEvent[] {
  const problems = catalogProblems(command, knownIds(catalog));
  if (problems.length > 0) throw configInvalid(problems);
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
