import type { App, Dept, Notice, Role, User } from '../directory.ts';
import type { WorkflowDefinition } from '../workflow.ts';

/** Every configuration change is one of these, appended to the `config` stream. */
export type CatalogEvent =
  | { type: 'AppDefined'; data: { app: App } }
  | { type: 'UserDefined'; data: { user: User } }
  | { type: 'DeptDefined'; data: { dept: Dept } }
  | { type: 'RoleDefined'; data: { role: Role } }
  | { type: 'NoticeDefined'; data: { notice: Notice } }
  | {
      type: 'WorkflowVersionPublished';
      data: { workflowId: number; version: number; definition: WorkflowDefinition; publishedAt: string };
    };

export const CONFIG_STREAM = 'config';
