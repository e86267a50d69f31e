// The shape check: the document, item by item (and a workflow part by part), against the
// schemas. Every shape problem is collected, and what is well-formed goes on as a draft
// so that the catalog's rules check it in the same run.
import { z } from 'zod';
import type { CatalogDraft, DraftItems, DraftList, WorkflowDraft } from '../domain/catalog/catalog-document.ts';
import type { ProblemPath } from '../domain/catalog/problem-path.ts';
import { appSchema, deptSchema, noticeSchema, roleSchema, userSchema } from './directory-schemas.ts';
import { issuesToProblems, shapeErrorMap, unknownKey } from './shape-messages.ts';
import { WORKFLOW_PARTS, workflowSettingsSchema } from './workflow-schemas.ts';

// `apps:` with nothing after it is YAML null; treat it as an empty section.
const sectionList = z.array(z.unknown()).nullish();

/** Checks one item; undefined (its problems collected) when it is malformed. */
type ItemCheck<T> = (input: unknown, path: ProblemPath, problems: string[]) => T | undefined;

const checkWith =
  <T>(schema: z.ZodType<T>): ItemCheck<T> =>
  (input, path, problems) => {
    const r = schema.safeParse(input, { error: shapeErrorMap });
    if (r.success) return r.data;
    problems.push(...issuesToProblems(r.error.issues, path));
    return undefined;
  };

const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The items of a list the caller has already checked to be one (or reported as not). */
const itemsOf = <T>(raw: unknown, path: ProblemPath, check: ItemCheck<T>, problems: string[]): DraftList<T> =>
  Array.isArray(raw) ? raw.map((item, i) => check(item, [...path, i], problems)) : [];

const checkSettings = checkWith(workflowSettingsSchema);
const checkField = checkWith(WORKFLOW_PARTS.custom_fields);
const checkState = checkWith(WORKFLOW_PARTS.states);
const checkTransition = checkWith(WORKFLOW_PARTS.transitions);

/** A workflow whose settings are well-formed, with holes where a field, state or transition is not. */
const checkWorkflow: ItemCheck<WorkflowDraft> = (input, path, problems) => {
  const settings = checkSettings(input, path, problems);
  // The parts are checked even when the settings are not, so their problems are listed too.
  const raw = isMapping(input) ? input : {};
  const custom_fields = itemsOf(raw.custom_fields, [...path, 'custom_fields'], checkField, problems);
  const states = itemsOf(raw.states, [...path, 'states'], checkState, problems);
  const transitions = itemsOf(raw.transitions, [...path, 'transitions'], checkTransition, problems);
  return settings && { ...settings, custom_fields, states, transitions };
};

const SECTIONS: { [K in keyof DraftItems]: ItemCheck<DraftItems[K]> } = {
  apps: checkWith(appSchema),
  users: checkWith(userSchema),
  depts: checkWith(deptSchema),
  roles: checkWith(roleSchema),
  notices: checkWith(noticeSchema),
  workflows: checkWorkflow,
};

const NOT_A_MAPPING = `document: must be a mapping of sections (${Object.keys(SECTIONS).join(', ')})`;

export interface ShapeCheck {
  /** Undefined when the input is not a mapping of sections at all. */
  draft?: CatalogDraft;
  problems: string[];
}

export function checkShape(input: unknown): ShapeCheck {
  if (!isMapping(input)) return { problems: [NOT_A_MAPPING] };
  const problems = Object.keys(input)
    .filter((k) => !Object.hasOwn(SECTIONS, k))
    .map((k) => unknownKey([k]));

  const section = <K extends keyof DraftItems>(key: K): DraftList<DraftItems[K]> => {
    const list = sectionList.safeParse(Object.hasOwn(input, key) ? input[key] : undefined, { error: shapeErrorMap });
    if (!list.success) {
      problems.push(...issuesToProblems(list.error.issues, [key]));
      return [undefined]; // a section that is not a list counts as one malformed item
    }
    return itemsOf(list.data ?? [], [key], SECTIONS[key], problems);
  };
  const draft: CatalogDraft = {
    apps: section('apps'),
    users: section('users'),
    depts: section('depts'),
    roles: section('roles'),
    notices: section('notices'),
    workflows: section('workflows'),
  };
  return { draft, problems };
}
