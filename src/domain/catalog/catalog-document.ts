// What a config document holds once its shape is known (contract §4), and the draft of it
// that the catalog's rules also accept: a document with holes where an item or a part of a
// workflow was malformed, so that one run reports every problem it can.
import type { App, Dept, Notice, Role, User } from '../directory.ts';
import type { CustomFieldDefinition, StateDefinition, TransitionDefinition, WorkflowDefinition } from '../workflow.ts';

export interface CatalogDocument {
  apps: App[];
  users: User[];
  depts: Dept[];
  roles: Role[];
  notices: Notice[];
  workflows: WorkflowDefinition[];
}

/** Items in document order; `undefined` where an item was malformed. */
export type DraftList<T> = readonly (T | undefined)[];

/** A workflow whose own settings are well-formed; its fields, states and transitions may have holes. */
export interface WorkflowDraft extends Omit<WorkflowDefinition, 'custom_fields' | 'states' | 'transitions'> {
  custom_fields: DraftList<CustomFieldDefinition>;
  states: DraftList<StateDefinition>;
  transitions: DraftList<TransitionDefinition>;
}

/** What each section of a draft holds. */
export interface DraftItems {
  apps: App;
  users: User;
  depts: Dept;
  roles: Role;
  notices: Notice;
  workflows: WorkflowDraft;
}

export type CatalogDraft = { [K in keyof DraftItems]: DraftList<DraftItems[K]> };

const filled = <T>(items: DraftList<T>): T[] | undefined =>
  isComplete(items) ? items.filter((item): item is T => item !== undefined) : undefined;

function filledWorkflow(draft: WorkflowDraft): WorkflowDefinition | undefined {
  const custom_fields = filled(draft.custom_fields);
  const states = filled(draft.states);
  const transitions = filled(draft.transitions);
  return custom_fields && states && transitions ? { ...draft, custom_fields, states, transitions } : undefined;
}

/** The document a draft without holes is; undefined while any part is missing. */
export function documentOf(draft: CatalogDraft): CatalogDocument | undefined {
  const workflows = filled(draft.workflows.map((w) => w && filledWorkflow(w)));
  const apps = filled(draft.apps);
  const users = filled(draft.users);
  const depts = filled(draft.depts);
  const roles = filled(draft.roles);
  const notices = filled(draft.notices);
  return apps && users && depts && roles && notices && workflows ? { apps, users, depts, roles, notices, workflows } : undefined;
}

/** The well-formed items of a list, each with its index in the document. */
export const presentItems = <T>(items: DraftList<T>): [T, number][] =>
  items.flatMap((item, i) => (item === undefined ? [] : [[item, i] as [T, number]]));

/** True when no item of the list was malformed. */
export const isComplete = <T>(items: DraftList<T>): boolean => items.every((item) => item !== undefined);
