// The rules a catalog must keep, over a draft: every well-formed part is checked, so one
// run reports all a document's problems and not the first of them.
import type { CatalogDraft } from './catalog-document.ts';
import { reportDirectoryProblems } from './directory-rules.ts';
import { reportDocumentIdProblems } from './document-ids.ts';
import { NO_KNOWN_IDS, type KnownIds } from './known-ids.ts';
import { problemAt, type Report } from './problem-path.ts';
import { referenceScope } from './reference-scope.ts';
import { reportWorkflowProblems } from './workflow-rules.ts';

/** The problems of `draft` applied over what `known` says is applied, each as "path: message". */
export function catalogProblems(draft: CatalogDraft, known: KnownIds = NO_KNOWN_IDS): string[] {
  const problems: string[] = [];
  const report: Report = (path, message) => problems.push(problemAt(path, message));
  const scope = referenceScope(draft, known);
  reportDocumentIdProblems(draft, known, report);
  reportDirectoryProblems(draft, scope, report);
  draft.workflows.forEach((wf, i) => {
    if (wf) reportWorkflowProblems(wf, ['workflows', i], scope, report);
  });
  return problems;
}
