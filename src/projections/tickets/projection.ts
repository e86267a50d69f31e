// Tickets, who has them on their desk (ticket_users) and their flow logs, from ticket events.
// What an event does to the ticket is the domain's fold (evolveTicket); what is written here
// is the read side's own: desks, flow-log rows and the daily counts.
import type { Transaction } from 'kysely';
import type { FlowLogEntry } from '../../domain/ticket/actions/action.ts';
import { TRANSITION_LOG } from '../../domain/ticket/actions/handle.ts';
import { decodeTicketEvent } from '../../domain/ticket/decode.ts';
import type { TicketCreated } from '../../domain/ticket/events.ts';
import { evolveTicket } from '../../domain/ticket/evolve.ts';
import { assigneesOf } from '../../domain/ticket/participants.ts';
import { ruleOf, type TicketActionEvent } from '../../domain/ticket/ticket-actions.ts';
import { initialTicketState, type Ticket } from '../../domain/ticket/ticket.ts';
import { ParticipantType } from '../../domain/workflow.ts';
import type { RecordedEvent } from '../../eventstore/event-store.ts';
import { json } from '../json.ts';
import type { Projection } from '../projection.ts';
import type { ReadModels } from '../read-models.ts';
import { createTicketTables, TICKET_TABLES, type TicketTable } from './tables.ts';
import { columnsOf, ticketOf, ticketSnapshot } from './ticket-row.ts';

type Trx = Transaction<ReadModels>;
/** What a desk row copies from its ticket (it never changes), so list pages read one table. */
type DeskCopy = { workflow_id: number; gmt_created: Date };

const folded = (state: ReturnType<typeof evolveTicket>): Ticket | undefined => (state.status === 'open' ? state.ticket : undefined);

async function writeRow(trx: Trx, row: TicketTable, mode: 'insert' | 'update'): Promise<boolean> {
  const values = { ...row, fields: json(row.fields), multi_all_person: json(row.multi_all_person) };
  if (mode === 'update') {
    const { id, ...columns } = values;
    await trx.updateTable('tickets').set(columns).where('id', '=', id).execute();
    return true;
  }
  const inserted = await trx
    .insertInto('tickets')
    .values(values)
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** Whoever is assigned now has it on their desk; nobody else does. */
async function syncDesks(trx: Trx, ticketId: number, assignees: string[], copied: DeskCopy) {
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

/** A person who executed a transition has worked the ticket (loonflow's TicketUser.worked). */
async function markWorked(trx: Trx, ticketId: number, username: string, copied: DeskCopy) {
  await trx
    .insertInto('ticket_users')
    .values({ ticket_id: ticketId, username, in_process: false, worked: true, ...copied })
    .onConflict((oc) => oc.columns(['ticket_id', 'username']).doUpdateSet({ worked: true }))
    .execute();
}

async function writeFlowLog(trx: Trx, recorded: RecordedEvent, row: TicketTable, log: FlowLogEntry): Promise<void> {
  await trx
    .insertInto('ticket_flow_logs')
    .values({
      id: Number(recorded.position.prepare),
      ticket_id: row.id,
      transition_id: log.transitionId ?? 0,
      suggestion: log.suggestion,
      participant_type_id: log.participantTypeId ?? ParticipantType.person,
      participant: log.actor.username,
      state_id: log.stateId,
      intervene_type_id: log.kind.interveneTypeId,
      ticket_data: json(ticketSnapshot(row)),
      gmt_created: recorded.recordedAt,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

async function createTicketRow(trx: Trx, recorded: RecordedEvent, event: TicketCreated) {
  const d = event.data;
  const ticket = folded(evolveTicket(initialTicketState(), event))!;
  const row: TicketTable = { ...columnsOf(ticket), is_deleted: false, revision: Number(recorded.revision) };
  if (!(await writeRow(trx, row, 'insert'))) return;
  const assignees = assigneesOf(ticket.assignment);
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
        gmt_created: row.gmt_created,
      })),
    )
    .execute();
  await trx
    .insertInto('ticket_daily_counts')
    .values({ workflow_id: d.workflowId, day: d.createdAt.slice(0, 10), tickets: 1 })
    .onConflict((oc) => oc.columns(['workflow_id', 'day']).doUpdateSet((eb) => ({ tickets: eb('ticket_daily_counts.tickets', '+', 1) })))
    .execute();
  await writeFlowLog(trx, recorded, row, {
    kind: TRANSITION_LOG,
    transitionId: d.transitionId,
    stateId: d.startStateId,
    suggestion: d.suggestion,
    actor: { username: d.creator },
  });
}

async function updateTicketRow(trx: Trx, recorded: RecordedEvent, event: TicketActionEvent) {
  const row = await trx.selectFrom('tickets').selectAll().where('id', '=', event.data.ticketId).executeTakeFirst();
  // Already past this event (a replay): leave the rows as they are.
  if (!row || row.revision >= Number(recorded.revision)) return;
  const before = ticketOf(row);
  const after = folded(evolveTicket({ status: 'open', ticket: before }, event))!;
  const next: TicketTable = { ...row, ...columnsOf(after), revision: Number(recorded.revision) };
  await writeRow(trx, next, 'update');
  const copied = { workflow_id: row.workflow_id, gmt_created: row.gmt_created };
  const log = ruleOf(event).flowLog(event);
  if (log?.transitionId !== undefined && !log.actor.engine) await markWorked(trx, row.id, log.actor.username, copied);
  const assignees = assigneesOf(after.assignment);
  if (assignees.join(',') !== assigneesOf(before.assignment).join(',')) await syncDesks(trx, row.id, assignees, copied);
  if (log) await writeFlowLog(trx, recorded, next, log);
}

export const ticketsProjection: Projection = {
  name: 'tickets',
  version: 4,
  tables: TICKET_TABLES,
  createTables: createTicketTables,
  async apply(trx, recorded) {
    const event = decodeTicketEvent(recorded.type, recorded.data);
    if (!event) return;
    if (event.type === 'TicketCreated') return createTicketRow(trx, recorded, event);
    return updateTicketRow(trx, recorded, event);
  },
};
