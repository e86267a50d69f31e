// The ids a reference in the document may name: the document's own and the applied ones.
import { isComplete, type CatalogDraft, type DraftList } from './catalog-document.ts';
import { splitComma } from './comma-list.ts';
import type { KnownIds } from './known-ids.ts';
import type { ProblemPath, Report } from './problem-path.ts';

/**
 * Undefined where the section had a malformed item: a reference to it would be reported as
 * dangling by mistake, and only problems that are certain are reported.
 */
export interface ReferenceScope {
  workflowIds?: ReadonlySet<number>;
  deptIds?: ReadonlySet<number>;
  roleIds?: ReadonlySet<number>;
  noticeIds?: ReadonlySet<number>;
}

const idsOf = <T extends { id: number }>(items: DraftList<T>, known: Iterable<number>): ReadonlySet<number> | undefined =>
  isComplete(items) ? new Set([...known, ...items.flatMap((item) => (item ? [item.id] : []))]) : undefined;

export const referenceScope = (draft: CatalogDraft, known: KnownIds): ReferenceScope => ({
  workflowIds: idsOf(draft.workflows, known.workflowIds),
  deptIds: idsOf(draft.depts, known.deptIds),
  roleIds: idsOf(draft.roles, known.roleIds),
  noticeIds: idsOf(draft.notices, known.noticeIds),
});

export const notDefined = (kind: string, id: number | string) =>
  `${kind} ${id} is not defined in this document or the applied configuration`;

/** Reports a reference to an id that is neither in the document nor applied. */
export function reportUnknownId(report: Report, path: ProblemPath, kind: string, id: number, ids: ReadonlySet<number> | undefined): void {
  if (ids && !ids.has(id)) report(path, notDefined(kind, id));
}

/** Reports each id of a comma list that is not a number or not a defined dept/role. */
export function reportIdList(
  report: Report,
  path: ProblemPath,
  text: string,
  kind: 'dept' | 'role',
  ids: ReadonlySet<number> | undefined,
): void {
  for (const token of splitComma(text)) {
    if (!/^\d+$/.test(token)) report(path, `${JSON.stringify(token)} is not a ${kind} id`);
    else if (ids && !ids.has(Number(token))) report(path, notDefined(kind, token));
  }
}
