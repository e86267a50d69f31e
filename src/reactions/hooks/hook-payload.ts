// What a hook (and later a notice) receives: loonflow's all-field snapshot (behaviour §4.3),
// every ticket column and every custom field of the workflow (null when unset), times as the
// API shows them, plus the state's `extra_info`. Hook tokens are never in it.
import type { Ticket } from '../../domain/ticket/ticket.ts';
import type { WorkflowDefinition } from '../../domain/workflow.ts';
import { formatTimestamp } from '../../projections/format.ts';
import { columnsOf } from '../../projections/tickets/ticket-row.ts';

export function ticketValues(ticket: Ticket, workflow: WorkflowDefinition): Record<string, unknown> {
  const { fields, workflow_version: _version, app: _app, gmt_created, gmt_modified, multi_all_person, ...columns } = columnsOf(ticket);
  return {
    ...columns,
    gmt_created: formatTimestamp(gmt_created),
    gmt_modified: formatTimestamp(gmt_modified),
    is_deleted: false,
    // As loonflow stores it: a JSON string.
    multi_all_person: JSON.stringify(multi_all_person),
    ...Object.fromEntries(workflow.custom_fields.map((f) => [f.field_key, fields[f.field_key] ?? null])),
  };
}
