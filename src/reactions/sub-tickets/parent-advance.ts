// Sub-tickets (behaviour §6.5, issue 9): when a sub-ticket ends and every sub-ticket of the
// same parent state has ended, the engine executes the parent's current state's first
// transition, once. A parent that has already left that state is not moved again, so a
// repeated check (two sub-tickets ending together, a restart) changes nothing.
import type { Kysely } from 'kysely';
import type { CommandDeps } from '../../commands/command-deps.ts';
import { loadTicket } from '../../commands/ticket-stream.ts';
import { workflowVersion } from '../../domain/catalog/catalog.ts';
import { ENGINE } from '../../domain/ticket/commands.ts';
import { decodeTicketEvent } from '../../domain/ticket/decode.ts';
import { ActState } from '../../domain/ticket/ticket.ts';
import { StateType, stateById, transitionsFrom } from '../../domain/workflow.ts';
import { positionToString, type LogPosition } from '../../eventstore/event-store.ts';
import type { Projection } from '../../projections/projection.ts';
import type { ReadModels } from '../../projections/read-models.ts';
import { subTicketsOf } from '../../projections/tickets/queries.ts';
import type { Reaction } from '../engine/dispatcher.ts';
import { runEngineCommand } from '../engine/engine-command.ts';
import { createDueWorkTable, scheduleWork } from '../engine/due-work.ts';

export const PARENT_ADVANCES_TABLE = 'reaction_parent_advances';

/** Loonflow's suggestion for the move. */
const SUGGESTION = '所有子工单处理完毕，自动流转';

/** What a transition into an end state leaves: finished, or rejected on the way there. */
const ENDED: readonly number[] = [ActState.finished, ActState.rejected];

export const parentAdvanceSchedule: Projection = {
  name: 'parent_advances',
  version: 1,
  tables: [PARENT_ADVANCES_TABLE],
  startsAtEnd: true,
  createTables: (db) => createDueWorkTable(db, PARENT_ADVANCES_TABLE),
  async apply(trx, recorded) {
    const event = decodeTicketEvent(recorded.type, recorded.data);
    // Loonflow checks after a create or a transition only (not a close, a forced state or a delete).
    const transition =
      event?.type === 'TicketCreated' || (event?.type === 'TicketHandled' && event.data.moved) || event?.type === 'TicketTimerFired';
    if (!event || !transition || !ENDED.includes(event.data.actStateId)) return;
    await scheduleWork(trx, PARENT_ADVANCES_TABLE, recorded, {
      id: `${recorded.streamId}@${positionToString(recorded.position)}:parent`,
      dueAt: recorded.recordedAt,
      payload: { ticketId: event.data.ticketId },
    });
  },
};

export interface ParentAdvanceDeps {
  commands: CommandDeps;
  readModels: Kysely<ReadModels>;
  /** The sub-tickets' rows must show the event that asked for the check. */
  waitForReadModels(position: LogPosition): Promise<void>;
}

export function parentAdvanceReaction({ commands, readModels, waitForReadModels }: ParentAdvanceDeps): Reaction {
  return {
    name: 'parent_advances',
    projection: parentAdvanceSchedule,
    table: PARENT_ADVANCES_TABLE,
    concurrency: 8,
    async perform(work): Promise<'done'> {
      const { ticketId } = work.payload as { ticketId: number };
      const { state: child } = await loadTicket(commands.store, ticketId);
      if (child.status !== 'open' || !child.ticket.parentTicketId) return 'done';
      const { parentTicketId, parentTicketStateId } = child.ticket;
      await waitForReadModels(work.cause);
      const { catalog } = await commands.catalog.current();
      const ended = (row: { workflow_id: number; workflow_version: number; state_id: number }) => {
        const definition = workflowVersion(catalog, row.workflow_id, row.workflow_version)?.definition;
        return definition !== undefined && stateById(definition, row.state_id)?.type_id === StateType.end;
      };
      if (!(await subTicketsOf(readModels, parentTicketId, parentTicketStateId)).every(ended)) return 'done';
      const { state: parent } = await loadTicket(commands.store, parentTicketId);
      if (parent.status !== 'open' || parent.ticket.assignment.stateId !== parentTicketStateId) return 'done';
      const workflow = workflowVersion(catalog, parent.ticket.workflowId, parent.ticket.workflowVersion)?.definition;
      const first = workflow && transitionsFrom(workflow, parentTicketStateId)[0];
      if (!first) return 'done';
      // A refusal (a required field only a person can fill) leaves the parent for a person, as in loonflow.
      await runEngineCommand(
        commands,
        {
          type: 'HandleTicket',
          ticketId: parentTicketId,
          actor: ENGINE,
          app: parent.ticket.app,
          transitionId: first.id,
          suggestion: SUGGESTION,
          values: {},
        },
        work.id,
      );
      return 'done';
    },
  };
}
