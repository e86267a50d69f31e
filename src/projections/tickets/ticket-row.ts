// A tickets row is the folded Ticket as loonflow shows it: written from the fold, and read
// back into one so that the next event is folded by the domain's own rules.
import type { FieldValue } from '../../domain/fields.ts';
import type { Ticket } from '../../domain/ticket/ticket.ts';
import type { TicketTable } from './tables.ts';

type TicketColumns = Omit<TicketTable, 'is_deleted' | 'revision'>;

export const columnsOf = (ticket: Ticket): TicketColumns => ({
  id: ticket.id,
  sn: ticket.sn,
  title: ticket.title,
  workflow_id: ticket.workflowId,
  workflow_version: ticket.workflowVersion,
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
  multi_all_person: ticket.assignment.multiAllPerson,
  fields: ticket.fields,
  creator: ticket.creator,
  app: ticket.app,
  gmt_created: new Date(ticket.createdAt),
  gmt_modified: new Date(ticket.modifiedAt),
});

/**
 * The Ticket a row shows. The write side's own memory (who last worked each state, the
 * assignment before a consultation) is not on the row; no column is derived from it.
 */
export const ticketOf = (row: TicketTable): Ticket => ({
  id: row.id,
  sn: row.sn,
  title: row.title,
  workflowId: row.workflow_id,
  workflowVersion: row.workflow_version,
  creator: row.creator,
  app: row.app,
  parentTicketId: row.parent_ticket_id,
  parentTicketStateId: row.parent_ticket_state_id,
  assignment: {
    stateId: row.state_id,
    participantTypeId: row.participant_type_id,
    participant: row.participant,
    multiAllPerson: row.multi_all_person,
  },
  actStateId: row.act_state_id,
  inAddNode: row.in_add_node,
  addNodeMan: row.add_node_man,
  scriptRunLastResult: row.script_run_last_result,
  // Written from a fold, so every value is a FieldValue.
  fields: row.fields as Record<string, FieldValue>,
  relation: row.relation.split(',').filter((n) => n !== ''),
  lastPersonByState: {},
  createdAt: new Date(row.gmt_created).toISOString(),
  modifiedAt: new Date(row.gmt_modified).toISOString(),
});

/** Loonflow's flow-log `ticket_data`: the ticket's columns and field values right after an action. */
export const ticketSnapshot = (t: TicketTable): Record<string, unknown> => {
  const { fields, workflow_version, app, revision, gmt_created, gmt_modified, ...columns } = t;
  return { ...columns, gmt_created: new Date(gmt_created).toISOString(), gmt_modified: new Date(gmt_modified).toISOString(), ...fields };
};
