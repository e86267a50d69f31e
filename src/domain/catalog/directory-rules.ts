// The directory's own rules: apps name workflows that exist, users belong to depts that
// exist and do not take the engine's names, dept parents exist and form no loop.
import { ENGINE_USERNAMES } from '../directory.ts';
import { presentItems, type CatalogDraft } from './catalog-document.ts';
import type { Report } from './problem-path.ts';
import { notDefined, reportUnknownId, type ReferenceScope } from './reference-scope.ts';

export function reportDirectoryProblems(draft: CatalogDraft, scope: ReferenceScope, report: Report): void {
  for (const [a, i] of presentItems(draft.apps)) {
    if (a.workflow_ids === 'all') continue;
    a.workflow_ids.forEach((wid, j) => reportUnknownId(report, ['apps', i, 'workflow_ids', j], 'workflow', wid, scope.workflowIds));
  }

  for (const [u, i] of presentItems(draft.users)) {
    if (ENGINE_USERNAMES.has(u.username)) report(['users', i, 'username'], `"${u.username}" is reserved for the engine's own actions`);
    u.dept_ids.forEach((d, j) => reportUnknownId(report, ['users', i, 'dept_ids', j], 'dept', d, scope.deptIds));
  }

  const depts = presentItems(draft.depts);
  const parentOf = new Map(depts.map(([d]) => [d.id, d.parent_dept_id]));
  for (const [d, i] of depts) {
    const path = ['depts', i, 'parent_dept_id'];
    if (d.parent_dept_id === 0) continue;
    if (d.parent_dept_id === d.id) {
      report(path, `dept ${d.id} cannot be its own parent`);
      continue;
    }
    if (scope.deptIds && !scope.deptIds.has(d.parent_dept_id)) {
      report(path, notDefined('dept', d.parent_dept_id));
      continue;
    }
    // Sub-dept expansion (participant type 3) walks this chain, so a loop would never end.
    const chain = [d.id];
    for (let p = d.parent_dept_id; p !== 0 && parentOf.has(p) && chain.length <= parentOf.size; p = parentOf.get(p)!) {
      if (p === d.id) {
        if (Math.min(...chain) === d.id) report(path, `dept parents form a loop: ${[...chain, d.id].join(' → ')}`);
        break;
      }
      chain.push(p);
    }
  }
}
