import { decideApplyConfig } from '../domain/catalog/apply-config.ts';
import type { CatalogDocument } from '../domain/catalog/catalog-document.ts';
import { CONFIG_STREAM } from '../domain/catalog/events.ts';
import { DomainError } from '../domain/errors.ts';
import { WrongExpectedRevisionError, type AppendResult, type EventStore } from '../eventstore/event-store.ts';
import type { CatalogStore } from './catalog-store.ts';

/** What a partial document may refer to without repeating it; the loader checks references against it. */
export { knownIds } from '../domain/catalog/known-ids.ts';

export interface ApplyConfigResult {
  /** How many entities changed (0 when the document was already applied). */
  changes: number;
  appended?: AppendResult;
}

/** Applies a document against the latest catalog; the decider refuses one that breaks the catalog's rules. */
export async function applyConfig(
  deps: { store: EventStore; catalog: CatalogStore; clock: () => Date },
  document: CatalogDocument,
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
