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
  new DomainError('config_invalid', `The config document has ${problems.length} problem(s); nothing was applied: ${problems.join('; ')}`, {
    problems,
  });

// The catalog holds what came back from JSON, where undefined properties vanish.
const same = (a: unknown, b: unknown) => isDeepStrictEqual(JSON.parse(JSON.stringify(a ?? null)), JSON.parse(JSON.stringify(b ?? null)));

export function decideApplyConfig(command: ApplyConfig, catalog: Catalog): CatalogEvent[] {
  const problems = catalogProblems(command, knownIds(catalog));
  if (problems.length > 0) throw configInvalid(problems);
  /** The items that differ from the catalog's entry under their key. */
  const changed = <K, V>(items: V[], current: ReadonlyMap<K, V>, keyOf: (item: V) => K) =>
    items.filter((item) => !same(current.get(keyOf(item)), item));
  return [
    ...changed(command.apps, catalog.apps, (a) => a.name).map((app): CatalogEvent => ({ type: 'AppDefined', data: { app } })),
    ...changed(command.depts, catalog.depts, (d) => d.id).map((dept): CatalogEvent => ({ type: 'DeptDefined', data: { dept } })),
    ...changed(command.users, catalog.users, (u) => u.username).map((user): CatalogEvent => ({ type: 'UserDefined', data: { user } })),
    ...changed(command.roles, catalog.roles, (r) => r.id).map((role): CatalogEvent => ({ type: 'RoleDefined', data: { role } })),
    ...changed(command.notices, catalog.notices, (n) => n.id).map((notice): CatalogEvent => ({ type: 'NoticeDefined', data: { notice } })),
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
