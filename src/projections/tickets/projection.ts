// Tickets, who has them on their desk (ticket_users) and their flow logs, from ticket events.
import type { Transaction } from 'kysely';
import type { Actor, Assignment, FieldChanges, TicketEvent } from '../../domain/ticket/events.ts';
import { assigneesOf } from '../../domain/ticket/participants.ts';
import { ActState } from '../../domain/ticket/ticket.ts';
import type { RecordedEvent } from '../../eventstore/event-store.ts';
import { json } from '../json.ts';
import type { Projection } from '../projection.ts';
import type { ReadModels } from '../read-models.ts';
import { createTicketTables, TICKET_TABLES, type TicketTable } from './tables.ts';

type Trx = Transaction<ReadModels>;

/** Loonflow's flow-log `ticket_data`: the ticket's columns and field values right after an action. */
export const ticketSnapshot = (t: TicketTable): Record<string, unknown> => {
  const { fields, workflow_version, app, revision, gmt_created, gmt_modified, ...columns } = t;
  return { ...columns, gmt_created: new Date(gmt_created).toISOString(), gmt_modified: new Date(gmt_modified).toISOString(), ...fields };
};

/** intervene_type_id of each kind of flow log (behaviour §4.1, 11 = field change). */
export const InterveneType = {
  normal: 0,
  deliver: 1,
  addNode: 2,
  addNodeEnd: 3,
  accept: 4,
  comment: 5,
  close: 7,
  forceState: 8,
  hook: 9,
  retreat: 10,
  fieldChange: 11,
} as const;

interface FlowLog {
  transitionId?: number;
  interveneTypeId: number;
  stateId: number;
  suggestion: string;
  actor: Actor;
  /** 1 for a person (and the engine's loonrobot), 10 for a hook's report. */
  participantTypeId?: number;
}

interface TicketUpdate {
  assignment?: Assignment;
  actStateId?: number;
  fieldChanges?: FieldChanges;
  inAddNode?: boolean;
  addNodeMan?: string;
  scriptRunLastResult?: boolean;
  /** Who handled the ticket (loonflow's TicketUser.worked). */
  worked?: string;
}

async function updateTicket(trx: Trx, recorded: RecordedEvent, ticketId: number, at: string, update: TicketUpdate, log?: FlowLog) {
  const row = await trx.selectFrom('tickets').selectAll().where('id', '=', ticketId).executeTakeFirst();
  // Already past this event (a replay): leave the rows as they are.
  if (!row || row.revision >= Number(recorded.revision)) return;
  const fields = { ...row.fields };
  let title = row.title;
  for (const [key, { after }] of Object.entries(update.fieldChanges ?? {})) {
    if (key === 'title') title = String(after ?? '');
    else if (after === null) delete fields[key];
    else fields[key] = after;
  }
  const a = update.assignment;
  const assignees = a ? assigneesOf(a) : [];
  const next: TicketTable = {
    ...row,
    title,
    fields,
    state_id: a?.stateId ?? row.state_id,
    participant_type_id: a?.participantTypeId ?? row.participant_type_id,
    participant: a?.participant ?? row.participant,
    multi_all_person: a?.multiAllPerson ?? row.multi_all_person,
    relation: [...new Set([...row.relation.split(',').filter((n) => n !== ''), ...assignees])].join(','),
    act_state_id: update.actStateId ?? row.act_state_id,
    in_add_node: update.inAddNode ?? row.in_add_node,
    add_node_man: update.addNodeMan ?? row.add_node_man,
    script_run_last_result: update.scriptRunLastResult ?? row.script_run_last_result,
    gmt_modified: new Date(at),
    revision: Number(recorded.revision),
  };
  const { id, ...columns } = next;
  await trx
    .updateTable('tickets')
    .set({ ...columns, fields: json(columns.fields), multi_all_person: json(columns.multi_all_person) })
    .where('id', '=', id)
    .execute();
  const copied = { workflow_id: row.workflow_id, gmt_created: row.gmt_created };
  if (update.worked) {
    await trx
      .insertInto('ticket_users')
      .values({ ticket_id: ticketId, username: update.worked, in_process: false, worked: true, ...copied })
      .onConflict((oc) => oc.columns(['ticket_id', 'username']).doUpdateSet({ worked: true }))
      .execute();
  }
  // Whoever is assigned now has it on their desk; nobody else does.
  if (a) await syncDesks(trx, ticketId, assignees, copied);
  if (log) await writeFlowLog(trx, recorded, next, log);
}

async function syncDesks(trx: Trx, ticketId: number, assignees: string[], copied: { workflow_id: number; gmt_created: Date }) {
  await trx
    .updateTable('ticket_users')
    .set({ in_process: false })
    .where('ticket_id', '=', ticketId)
    .where('in_process', '=', true)
    .$if(assignees.length > 0, (q) => q.where('username', 'not in', assignees))
    .execute();
  if (assignees.length === 0) return;
  await trx
    .insertInto('ticket_users')
    .values(assignees.map((username) => ({ ticket_id: ticketId, username, in_process: true, worked: false, ...copied })))
    .onConflict((oc) => oc.columns(['ticket_id', 'username']).doUpdateSet({ in_process: true }))
    .execute();
}

async function writeFlowLog(trx: Trx, recorded: RecordedEvent, ticket: TicketTable, log: FlowLog): Promise<void> {
  await trx
    .insertInto('ticket_flow_logs')
    .values({
      id: Number(recorded.position.prepare),
      ticket_id: ticket.id,
      transition_id: log.transitionId ?? 0,
      suggestion: log.suggestion,
      participant_type_id: log.participantTypeId ?? 1,
      participant: log.actor.username,
      state_id: log.stateId,
      intervene_type_id: log.interveneTypeId,
      ticket_data: json(ticketSnapshot(ticket)),
      gmt_created: recorded.recordedAt,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

async function createTicketRow(trx: Trx, recorded: RecordedEvent, d: Extract<TicketEvent, { type: 'TicketCreated' }>['data']) {
  const assignees = assigneesOf(d.assignment);
  const createdAt = new Date(d.createdAt);
  const row: TicketTable = {
    id: d.ticketId,
    sn: d.sn,
    title: d.title,
    workflow_id: d.workflowId,
    workflow_version: d.workflowVersion,
    state_id: d.assignment.stateId,
    parent_ticket_id: d.parentTicketId,
    parent_ticket_state_id: d.parentTicketStateId,
    participant_type_id: d.assignment.participantTypeId,
    participant: d.assignment.participant,
    relation: [...new Set([d.creator, ...assignees])].join(','),
    in_add_node: false,
    add_node_man: '',
    script_run_last_result: true,
    act_state_id: d.actStateId,
    multi_all_person: d.assignment.multiAllPerson,
    fields: d.fields,
    creator: d.creator,
    app: d.app,
    is_deleted: false,
    gmt_created: createdAt,
    gmt_modified: createdAt,
    revision: Number(recorded.revision),
  };
  const inserted = await trx
    .insertInto('tickets')
    .values({ ...row, fields: json(row.fields), multi_all_person: json(row.multi_all_person) })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) return;
  const users = new Map<string, boolean>([[d.creator, false], ...assignees.map((u): [string, boolean] => [u, true])]);
  await trx
    .insertInto('ticket_users')
    .values(
      [...users].map(([username, inProcess]) => ({
        ticket_id: d.ticketId,
        username,
        in_process: inProcess,
        worked: false,
        workflow_id: d.workflowId,
        gmt_created: createdAt,
      })),
    )
    .execute();
  await trx
    .insertInto('ticket_daily_counts')
    .values({ workflow_id: d.workflowId, day: d.createdAt.slice(0, 10), tickets: 1 })
    .onConflict((oc) => oc.columns(['workflow_id', 'day']).doUpdateSet((eb) => ({ tickets: eb('ticket_daily_counts.tickets', '+', 1) })))
    .execute();
  await writeFlowLog(trx, recorded, row, {
    transitionId: d.transitionId,
    interveneTypeId: InterveneType.normal,
    stateId: d.startStateId,
    suggestion: d.suggestion,
    actor: { username: d.creator },
  });
}

export const ticketsProjection: Projection = {
  name: 'tickets',
  version: 4,
  tables: TICKET_TABLES,
  createTables: createTicketTables,
  async apply(trx, recorded) {
    const event = { type: recorded.type, data: recorded.data } as TicketEvent;
    if (event.type === 'TicketCreated') return createTicketRow(trx, recorded, event.data);
    const d = event.data;
    const update = (changes: TicketUpdate, log?: Omit<FlowLog, 'actor' | 'suggestion'> & Partial<FlowLog>) =>
      updateTicket(trx, recorded, d.ticketId, d.at, changes, log && { actor: d.actor, suggestion: d.suggestion, ...log });
    switch (event.type) {
      case 'TicketHandled': {
        const e = event.data;
        return update(
          {
            assignment: e.assignment,
            actStateId: e.actStateId,
            fieldChanges: e.fieldChanges,
            worked: e.actor.engine ? undefined : e.actor.username,
            ...(e.moved ? { scriptRunLastResult: true, inAddNode: false, addNodeMan: '' } : {}),
          },
          { transitionId: e.transitionId, interveneTypeId: InterveneType.normal, stateId: e.fromStateId },
        );
      }
      case 'TicketAccepted':
        return update({ assignment: event.data.assignment }, { interveneTypeId: InterveneType.accept, stateId: event.data.stateId });
      case 'TicketDelivered':
        return update(
          { assignment: event.data.assignment, ...(event.data.fromAdmin ? { inAddNode: false, addNodeMan: '' } : {}) },
          { interveneTypeId: InterveneType.deliver, stateId: event.data.stateId },
        );
      case 'TicketNodeAdded':
        return update(
          { assignment: event.data.assignment, inAddNode: true, addNodeMan: event.data.actor.username },
          { interveneTypeId: InterveneType.addNode, stateId: event.data.stateId },
        );
      case 'TicketNodeAddEnded':
        return update(
          { assignment: event.data.assignment, inAddNode: false, addNodeMan: '' },
          { interveneTypeId: InterveneType.addNodeEnd, stateId: event.data.stateId },
        );
      case 'TicketStateForced':
        return update(
          { assignment: event.data.assignment, actStateId: event.data.actStateId, inAddNode: false, addNodeMan: '', scriptRunLastResult: true },
          { interveneTypeId: InterveneType.forceState, stateId: event.data.fromStateId },
        );
      case 'TicketFieldsChanged':
        return update({ fieldChanges: event.data.fieldChanges }, { interveneTypeId: InterveneType.fieldChange, stateId: event.data.stateId });
      case 'TicketCommented':
        return update({}, { interveneTypeId: InterveneType.comment, stateId: event.data.stateId });
      case 'TicketClosed':
        // Loonflow attaches the close to the end state it leads to.
        return update(
          { assignment: event.data.assignment, actStateId: ActState.closed, inAddNode: false, addNodeMan: '', scriptRunLastResult: true },
          { interveneTypeId: InterveneType.close, stateId: event.data.assignment.stateId, suggestion: `强制关闭工单:${event.data.suggestion}` },
        );
      case 'TicketRetreated':
        return update(
          { assignment: event.data.assignment, actStateId: ActState.withdrawn, inAddNode: false, addNodeMan: '', scriptRunLastResult: true },
          { interveneTypeId: InterveneType.retreat, stateId: event.data.assignment.stateId },
        );
      case 'TicketHookFailed':
        return update(
          { scriptRunLastResult: false },
          { interveneTypeId: InterveneType.hook, stateId: event.data.stateId, participantTypeId: 10, actor: { username: 'hook', engine: true } },
        );
      case 'TicketRetryRequested':
        return update({ scriptRunLastResult: true });
      default:
        return;
    }
  },
};
