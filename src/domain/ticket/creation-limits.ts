// Who may create tickets of a workflow, and how many (limit_expression, behaviour §3.2.2,
// with Q11 fixed: a global limit really counts every creator's tickets).
import { deptWithAncestors, type Catalog } from '../catalog/catalog.ts';
import { fail } from '../errors.ts';
import type { LimitExpression, WorkflowDefinition } from '../workflow.ts';

const list = (csv: string | undefined) =>
  (csv ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

/** The tickets a count limit looks at: created since `since`, by `creator` for a per-user limit. */
export function limitWindow(limit: LimitExpression, creator: string, now: Date): { since: Date; creator?: string } | undefined {
  if (!limit.level || !limit.period || limit.count === undefined) return undefined;
  return { since: new Date(now.getTime() - limit.period * 3600_000), creator: limit.level === 1 ? creator : undefined };
}

export function checkCreationLimits(catalog: Catalog, workflow: WorkflowDefinition, creator: string, recentCount: number): void {
  const limit = workflow.limit_expression;
  const persons = list(limit.allow_persons);
  if (persons.length > 0 && !persons.includes(creator)) {
    fail('not_permitted', `Workflow ${workflow.id} accepts new tickets only from: ${persons.join(', ')}.`);
  }
  const user = catalog.users.get(creator);
  const depts = list(limit.allow_depts).map(Number);
  if (depts.length > 0) {
    const mine = deptWithAncestors(catalog, user?.dept_ids ?? []);
    if (!depts.some((d) => mine.has(d)))
      fail('not_permitted', `Workflow ${workflow.id} accepts new tickets only from depts ${depts.join(', ')}.`);
  }
  const roles = list(limit.allow_roles).map(Number);
  if (roles.length > 0 && !roles.some((r) => catalog.roles.get(r)?.members.includes(creator))) {
    fail('not_permitted', `Workflow ${workflow.id} accepts new tickets only from roles ${roles.join(', ')}.`);
  }
  if (limit.level && limit.count !== undefined && limit.period && recentCount >= limit.count) {
    const scope = limit.level === 1 ? 'per user' : 'in all';
    fail(
      'creation_limited',
      `Workflow ${workflow.id} allows ${limit.count} ticket(s) ${scope} every ${limit.period} hour(s); try again later.`,
      {
        count: limit.count,
        period: limit.period,
      },
    );
  }
}
