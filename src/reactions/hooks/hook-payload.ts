// What a hook (and later a notice) receives: loonflow's all-field snapshot (behaviour §4.3),
// every ticket column and every custom field of the workflow (null when unset), times as the
// API shows them, plus the state's `extra_info`. Hook tokens are never in it.
import type { Ticket } from '../../domain/ticket/ticket.ts';
import type { WorkflowDefinition } from '../../domain/workflow.ts';
import { formatTimestamp } from '../../projections/format.ts';

export function ticketValues(ticket: Ticket, workflow: WorkflowDefinition): Record<string, unknown> {
  return {
    id: ticket.id,
    creator: ticket.creator,
    gmt_created: formatTimestamp(ticket.createdAt),
    gmt_modified: formatTimestamp(ticket.modifiedAt),
    is_deleted: false,
    title: ticket.title,
    workflow_id: ticket.workflowId,
    sn: ticket.sn,
    state_id: ticket.assignment.stateId,
    parent_ticket_id: ticket.parentTicketId,
    parent_ticket_state_id: ticket.parentTicketStateId,
    participant_type_id: ticket.assignment.participantTypeId,
    participant: ticket.assignment.participant,
    relation: ticket.relation.join(','),
    in_add_node: ticket.inAddNode,
    add_node_man: ticket.addNodeMan,
    script_run_last_result: ticket.scriptRunLastResult,
    act_state_id: ticket.actStateId,
    multi_all_person: JSON.stringify(ticket.assignment.multiAllPerson),
    ...Object.fromEntries(workflow.custom_fields.map((f) => [f.field_key, ticket.fields[f.field_key] ?? null])),
  };
}
