// Every entity has one key in the document; state and transition ids are unique across all
// workflows, the applied ones included.
import { presentItems, type CatalogDraft } from './catalog-document.ts';
import { reportDuplicates } from './duplicates.ts';
import type { KnownIds } from './known-ids.ts';
import type { Report } from './problem-path.ts';

export function reportDocumentIdProblems(draft: CatalogDraft, known: KnownIds, report: Report): void {
  const workflows = presentItems(draft.workflows);
  reportDuplicates(report, presentItems(draft.apps).map(([a, i]) => ({ key: a.name, path: ['apps', i, 'name'] })), 'app name');
  reportDuplicates(report, presentItems(draft.users).map(([u, i]) => ({ key: u.username, path: ['users', i, 'username'] })), 'username');
  reportDuplicates(report, presentItems(draft.depts).map(([d, i]) => ({ key: d.id, path: ['depts', i, 'id'] })), 'dept id');
  reportDuplicates(report, presentItems(draft.roles).map(([r, i]) => ({ key: r.id, path: ['roles', i, 'id'] })), 'role id');
  reportDuplicates(report, presentItems(draft.notices).map(([n, i]) => ({ key: n.id, path: ['notices', i, 'id'] })), 'notice id');
  reportDuplicates(report, workflows.map(([w, i]) => ({ key: w.id, path: ['workflows', i, 'id'] })), 'workflow id');
  // State ids are global in loonflow (GET /workflows/states/{id} takes no workflow), and
  // transition ids appear in flow logs without their workflow, so both are document-wide.
  reportDuplicates(
    report,
    workflows.flatMap(([w, i]) => presentItems(w.states).map(([s, j]) => ({ key: s.id, path: ['workflows', i, 'states', j, 'id'] }))),
    'state id',
    ' (state ids must be unique across all workflows)',
  );
  reportDuplicates(
    report,
    workflows.flatMap(([w, i]) => presentItems(w.transitions).map(([t, j]) => ({ key: t.id, path: ['workflows', i, 'transitions', j, 'id'] }))),
    'transition id',
    ' (transition ids must be unique across all workflows)',
  );

  for (const [w, i] of workflows) {
    const ownerOther = (owners: ReadonlyMap<number, number>, id: number) => {
      const owner = owners.get(id);
      return owner !== undefined && owner !== w.id ? owner : undefined;
    };
    for (const [s, j] of presentItems(w.states)) {
      const owner = ownerOther(known.stateOwners, s.id);
      if (owner !== undefined) report(['workflows', i, 'states', j, 'id'], `state id ${s.id} already belongs to workflow ${owner}`);
    }
    for (const [t, j] of presentItems(w.transitions)) {
      const owner = ownerOther(known.transitionOwners, t.id);
      if (owner !== undefined) report(['workflows', i, 'transitions', j, 'id'], `transition id ${t.id} already belongs to workflow ${owner}`);
    }
  }
}
