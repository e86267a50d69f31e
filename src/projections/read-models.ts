import type { ProjectionCheckpointTable } from './engine/checkpoints.ts';
import type { ProjectionParkedEventTable } from './engine/parked-events-table.ts';
import type { DeptTable, RoleTable, UserTable } from './directory/tables.ts';
import type { TicketDailyCountTable, TicketFlowLogTable, TicketTable, TicketUserTable } from './tickets/tables.ts';
import type { WorkflowStateTable, WorkflowTable, WorkflowVersionTable } from './workflows/tables.ts';

/** Every read-model table, for typed kysely queries. */
export interface ReadModels {
  projection_checkpoints: ProjectionCheckpointTable;
  projection_parked_events: ProjectionParkedEventTable;
  tickets: TicketTable;
  ticket_users: TicketUserTable;
  ticket_flow_logs: TicketFlowLogTable;
  ticket_daily_counts: TicketDailyCountTable;
  workflows: WorkflowTable;
  workflow_versions: WorkflowVersionTable;
  workflow_states: WorkflowStateTable;
  directory_users: UserTable;
  directory_depts: DeptTable;
  directory_roles: RoleTable;
}
