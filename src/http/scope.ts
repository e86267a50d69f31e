// Which workflows a caller may touch: the app's grant (contract §3), checked on every ticket endpoint.
import { appMayUseWorkflow } from '../domain/catalog/catalog.ts';
import { fail } from '../domain/errors.ts';
import type { Caller } from './auth.ts';

export function assertAppMayUse(caller: Caller, workflowId: number): void {
  if (!appMayUseWorkflow(caller.app, workflowId)) {
    fail('app_not_allowed', `App "${caller.app.name}" has no permission for workflow ${workflowId}.`);
  }
}

/** Null means every workflow. */
export const appWorkflowIds = (caller: Caller): number[] | null =>
  caller.app.workflow_ids === 'all' ? null : [...caller.app.workflow_ids];

export const intersect = (a: number[] | null, b: number[] | null): number[] | null =>
  a === null ? b : b === null ? a : a.filter((x) => b.includes(x));
