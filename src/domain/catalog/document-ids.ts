// Every entity has one key in the document; state and transition ids are unique across all
// workflows, the applied ones included.
import { presentItems, type CatalogDraft, type DraftList, type WorkflowDraft } from './catalog-document.ts';
import { reportDuplicates } from './duplicates.ts';
import type { KnownIds } from './known-ids.ts';
import type { ProblemPath, Report } from './problem-path.ts';

/** The key `field` of each well-formed item, at its path below `prefix`. */
const keysOf = <T extends Record<F, string | number>, F extends string>(items: DraftList<T>, prefix: ProblemPath, field: F) =>
  presentItems(items).map(([item, i]) => ({ key: item[field], path: [...prefix, i, field] }));

export function reportDocumentIdProblems(draft: CatalogDraft, known: KnownIds, report: Report): void {
  reportDuplicates(report, keysOf(draft.apps, ['apps'], 'name'), 'app name');
  reportDuplicates(report, keysOf(draft.users, ['users'], 'username'), 'username');
  reportDuplicates(report, keysOf(draft.depts, ['depts'], 'id'), 'dept id');
  reportDuplicates(report, keysOf(draft.roles, ['roles'], 'id'), 'role id');
  reportDuplicates(report, keysOf(draft.notices, ['notices'], 'id'), 'notice id');
  reportDuplicates(report, keysOf(draft.workflows, ['workflows'], 'id'), 'workflow id');

  // State ids are global in loonflow (GET /workflows/states/{id} takes no workflow), and
  // transition ids appear in flow logs without their workflow, so both are document-wide.
  const workflows = presentItems(draft.workflows);
  const parts: { part: 'states' | 'transitions'; what: string; owners: ReadonlyMap<number, number> }[] = [
    { part: 'states', what: 'state', owners: known.stateOwners },
    { part: 'transitions', what: 'transition', owners: known.transitionOwners },
  ];
  for (const { part, what, owners } of parts) {
    const items = (w: WorkflowDraft): DraftList<{ id: number }> => w[part];
    const ids = workflows.map(([w, i]) => ({ workflowId: w.id, ids: keysOf(items(w), ['workflows', i, part], 'id') }));
    reportDuplicates(
      report,
      ids.flatMap((w) => w.ids),
      `${what} id`,
      ` (${what} ids must be unique across all workflows)`,
    );
    for (const { workflowId, ids: entries } of ids)
      for (const { key, path } of entries) {
        const owner = owners.get(key);
        if (owner !== undefined && owner !== workflowId) report(path, `${what} id ${key} already belongs to workflow ${owner}`);
      }
  }
}
