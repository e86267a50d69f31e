import type { Transaction } from 'kysely';
import type { TicketEvent } from '../../domain/ticket/events.ts';
import { assigneesOf } from '../../domain/ticket/participants.ts';
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

async function writeFlowLog(
  trx: Trx,
  recorded: RecordedEvent,
  log: { ticketId: number; transitionId: number; suggestion: string; actor: string; stateId: number; interveneTypeId: number },
): Promise<void> {
  const ticket = await trx.selectFrom('tickets').selectAll().where('id', '=', log.ticketId).executeTakeFirstOrThrow();
  await trx
    .insertInto('ticket_flow_logs')
    .values({
      id: Number(recorded.position.prepare),
      ticket_id: log.ticketId,
      transition_id: log.transitionId,
      suggestion: log.suggestion,
      participant_type_id: 1,
      participant: log.actor,
      state_id: log.stateId,
      intervene_type_id: log.interveneTypeId,
      ticket_data: json(ticketSnapshot(ticket)),
      gmt_created: recorded.recordedAt,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

export const ticketsProjection: Projection = {
  name: 'tickets',
  version: 1,
  tables: TICKET_TABLES,
  createTables: createTicketTables,
  async apply(trx, recorded) {
    const event = { type: recorded.type, data: recorded.data } as TicketEvent;
    switch (event.type) {
      case 'TicketCreated': {
        const d = event.data;
        const assignees = assigneesOf(d.assignment);
        const createdAt = new Date(d.createdAt);
        await trx
          .insertInto('tickets')
          .values({
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
            act_state_id: d.actStateId,
            in_add_node: false,
            add_node_man: '',
            script_run_last_result: true,
            is_deleted: false,
            multi_all_person: json(d.assignment.multiAllPerson),
            fields: json(d.fields),
            creator: d.creator,
            app: d.app,
            gmt_created: createdAt,
            gmt_modified: createdAt,
            revision: Number(recorded.revision),
          })
          .onConflict((oc) => oc.column('id').doNothing())
          .execute();
        const users = new Map<string, boolean>([[d.creator, false], ...assignees.map((u): [string, boolean] => [u, true])]);
        await trx
          .insertInto('ticket_users')
          .values([...users].map(([username, inProcess]) => ({ ticket_id: d.ticketId, username, in_process: inProcess, worked: false })))
          .onConflict((oc) => oc.columns(['ticket_id', 'username']).doNothing())
          .execute();
        await writeFlowLog(trx, recorded, {
          ticketId: d.ticketId,
          transitionId: d.transitionId,
          suggestion: d.suggestion,
          actor: d.creator,
          stateId: d.startStateId,
          interveneTypeId: 0,
        });
        return;
      }
      default:
        return;
    }
  },
};
