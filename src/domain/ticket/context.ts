import type { WorkflowDefinition } from '../workflow.ts';
import type { EntryContext } from './entering-states.ts';
import type { WorkflowGrants } from './permissions.ts';

/** What a decision on an existing ticket reads besides the ticket: loaded by the command runner. */
export interface TicketContext extends EntryContext {
  /** The workflow version the ticket was created with: its states, transitions and fields. */
  workflow: WorkflowDefinition;
  /** Who administers and may view the workflow, from its current version. */
  grants: WorkflowGrants;
  now: Date;
}
