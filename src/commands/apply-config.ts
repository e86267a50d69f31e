import { decideApplyConfig } from '../domain/catalog/apply-config.ts';
import { CONFIG_STREAM } from '../domain/catalog/events.ts';
import { DomainError } from '../domain/errors.ts';
import { WrongExpectedRevisionError, type AppendResult, type EventStore } from '../eventstore/event-store.ts';
import type { ConfigDocument, KnownIds } from '../config/config-document.ts';
import type { Catalog } from '../domain/catalog/catalog.ts';
import type { WorkflowDefinition } from '../domain/workflow.ts';
import type { CatalogStore } from './catalog-store.ts';

export interface ApplyConfigResult {
  /** How many entities changed (0 when the document was already applied). */
  changes: number;
  appended?: AppendResult;
}

export async function applyConfig(
  deps: { store: EventStore; catalog: CatalogStore; clock: () => Date },
  document: ConfigDocument,
  metadata: { actor: string; app?: string; correlationId?: string },
): Promise<ApplyConfigResult> {
  const { catalog, revision } = await deps.catalog.current({ fresh: true });
  const events = decideApplyConfig({ ...document, now: deps.clock() }, catalog);
  if (events.length === 0) return { changes: 0 };
  try {
    const appended = await deps.store.appendToStream(
      CONFIG_STREAM,
      events.map((e) => ({ ...e, metadata })),
      { expectedRevision: revision },
    );
    // This process sees its own change at once; others within the catalog's max age.
    await deps.catalog.current({ fresh: true });
    return { changes: events.length, appended };
  } catch (error) {
    if (error instanceof WrongExpectedRevisionError) {
      throw new DomainError('concurrent_change', 'The configuration was changed by someone else at the same moment; apply it again.');
    }
    throw error;
  }
}

/** What a partial document may refer to without repeating it. */
export const knownIds = (catalog: Catalog): KnownIds => ({
  workflowIds: catalog.workflows.keys(),
  deptIds: catalog.depts.keys(),
  roleIds: catalog.roles.keys(),
  noticeIds: catalog.notices.keys(),
  stateOwners: owners(catalog, (wf) => wf.states),
  transitionOwners: owners(catalog, (wf) => wf.transitions),
});

const owners = (catalog: Catalog, items: (wf: WorkflowDefinition) => { id: number }[]) =>
  new Map([...catalog.workflows.values()].flatMap((versions) => {
    const wf = versions[versions.length - 1].definition;
    return items(wf).map((item): [number, number] => [item.id, wf.id]);
  }));
