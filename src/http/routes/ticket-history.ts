// A ticket's history and assignees: flow logs, flow steps, participant info, and the batch
// state lookup (behaviour §3.10, §3.11, §3.13, §3.18; shapes from ticket.rst).
//
// Every endpoint needs the username header and checks the app's grant on the ticket's
// workflow (contract Q17). Flow logs, flow steps and participant info also require the
// permission to view the ticket, exactly as GET /tickets/{id} does (see history.ts): 403
// not_permitted otherwise. The batch state lookup only applies the app's grant: it reveals
// no more than a state name, and callers use it to decorate lists they keep themselves.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ticketFlowLogs, ticketFlowSteps, ticketParticipants, ticketStates } from '../../projections/tickets/history.ts';
import { loadTicketView } from '../../projections/tickets/views.ts';
import type { AppDeps } from '../deps.ts';
import { ok } from '../envelope.ts';
import { requireUsername, requireViewer } from '../auth.ts';
import { idParams, paging, parseWith, queryFlag, textId } from '../params.ts';
import { appWorkflowIds, assertAppMayUse } from '../scope.ts';

const flowLogQuery = z.object({
  ...paging(10),
  ticket_data: queryFlag.default(false),
  desc: queryFlag.default(true),
});

/** At most this many ids per batch lookup: a page of the caller's own list, not a dump. */
const MAX_BATCH = 1000;

const statesQuery = z.object({
  ticket_ids: z.preprocess(
    (v) =>
      typeof v === 'string'
        ? v
            .split(',')
            .map((p) => p.trim())
            .filter((p) => p !== '')
        : v,
    z
      .array(textId, { error: 'is required: a comma-separated list of ticket ids, e.g. "1,2"' })
      .min(1, { error: 'must list at least one ticket id' })
      .max(MAX_BATCH, { error: `must list at most ${MAX_BATCH} ticket ids` }),
  ),
});

export async function ticketHistoryRoutes(app: FastifyInstance, { deps }: { deps: AppDeps }) {
  // Static, so fastify's router prefers it to /tickets/:id.
  app.get('/tickets/states', async (request) => {
    requireUsername(request);
    const q = parseWith(statesQuery, request.query, 'query');
    return ok(await ticketStates(deps.readModels, q.ticket_ids, appWorkflowIds(request.caller)));
  });

  app.get('/tickets/:id/flowlogs', async (request) => {
    const viewer = requireViewer(request);
    const { id: ticketId } = parseWith(idParams, request.params, 'path');
    const q = parseWith(flowLogQuery, request.query, 'query');
    const view = await loadTicketView(deps.readModels, ticketId);
    assertAppMayUse(request.caller, view.ticket.workflow_id);
    return ok(
      await ticketFlowLogs(deps.readModels, view, viewer, {
        page: q.page,
        perPage: q.per_page,
        desc: q.desc,
        withTicketData: q.ticket_data,
      }),
    );
  });

  app.get('/tickets/:id/flowsteps', async (request) => {
    const viewer = requireViewer(request);
    const { id: ticketId } = parseWith(idParams, request.params, 'path');
    const view = await loadTicketView(deps.readModels, ticketId);
    assertAppMayUse(request.caller, view.ticket.workflow_id);
    return ok(await ticketFlowSteps(deps.readModels, view, viewer));
  });

  app.get('/tickets/:id/participant_info', async (request) => {
    const viewer = requireViewer(request);
    const { id: ticketId } = parseWith(idParams, request.params, 'path');
    const view = await loadTicketView(deps.readModels, ticketId);
    assertAppMayUse(request.caller, view.ticket.workflow_id);
    return ok(await ticketParticipants(deps.readModels, view, viewer));
  });
}
