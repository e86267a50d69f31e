// A document may refer to what is already applied without repeating it (contract §4).
import type { WorkflowDefinition } from '../workflow.ts';
import type { Catalog } from './catalog.ts';

/** Ids already in the applied configuration. */
export interface KnownIds {
  workflowIds: Iterable<number>;
  deptIds: Iterable<number>;
  roleIds: Iterable<number>;
  noticeIds: Iterable<number>;
  /** Which applied workflow each state and transition id belongs to: ids stay unique across workflows. */
  stateOwners: ReadonlyMap<number, number>;
  transitionOwners: ReadonlyMap<number, number>;
}

export const NO_KNOWN_IDS: KnownIds = {
  workflowIds: [],
  deptIds: [],
  roleIds: [],
  noticeIds: [],
  stateOwners: new Map(),
  transitionOwners: new Map(),
};

const owners = (catalog: Catalog, items: (wf: WorkflowDefinition) => { id: number }[]) =>
  new Map(
    [...catalog.workflows.values()].flatMap((versions) => {
      const wf = versions[versions.length - 1].definition;
      return items(wf).map((item): [number, number] => [item.id, wf.id]);
    }),
  );

// Arrays, not the maps' iterators: the rules may read them more than once.
export const knownIds = (catalog: Catalog): KnownIds => ({
  workflowIds: [...catalog.workflows.keys()],
  deptIds: [...catalog.depts.keys()],
  roleIds: [...catalog.roles.keys()],
  noticeIds: [...catalog.notices.keys()],
  stateOwners: owners(catalog, (wf) => wf.states),
  transitionOwners: owners(catalog, (wf) => wf.transitions),
});
