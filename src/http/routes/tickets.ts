import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { createTicket } from '../../commands/create-ticket.ts';
import { fail } from '../../domain/errors.ts';
import { mayViewAll, type Viewer } from '../../domain/ticket/permissions.ts';
import { LIST_CATEGORIES } from '../../projections/tickets/queries.ts';
import { loadTicketView, ticketDetail, ticketListPage, ticketTransitions } from '../../projections/tickets/views.ts';
import type { AppDeps } from '../deps.ts';
import { ok } from '../envelope.ts';
import { awaitReadModels } from '../read-your-writes.ts';
import { requireUsername, requireViewer, type Caller } from '../auth.ts';
import { IDEMPOTENCY_KEY_MAX, SEARCH_MAX, TITLE_MAX, USERNAME_MAX } from '../../domain/bounds.ts';
import { boundedText, id, idList, idOrZero, idParams, paging, parseWith, queryFlag, suggestion, textIdOrZero } from '../params.ts';
import { appWorkflowIds, assertAppMayUse, intersect } from '../scope.ts';

const createBody = z
  .object({
    workflow_id: id,
    transition_id: id,
    suggestion,
    parent_ticket_id: idOrZero.default(0),
    parent_ticket_state_id: idOrZero.default(0),
  })
  .passthrough();

/** `YYYY-MM-DD[ HH:MM:SS]` in the server's zone. */
const localDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?$/, { error: 'must look like YYYY-MM-DD or YYYY-MM-DD HH:MM:SS' })
  .transform((s, ctx) => {
    const [date, time = '00:00:00'] = s.split(' ');
    const [y, m, d] = date.split('-').map(Number);
    const [hh, mm, ss = 0] = time.split(':').map(Number);
    const value = new Date(y, m - 1, d, hh, mm, ss);
    if (Number.isNaN(value.getTime()) || value.getMonth() !== m - 1) {
      ctx.addIssue({ code: 'custom', message: 'is not a real date' });
      return z.NEVER;
    }
    return value;
  });

const listQuery = z.object({
  category: z.enum(LIST_CATEGORIES, { error: `must be one of ${LIST_CATEGORIES.join(', ')}` }),
  // Filters never reach an event, but a megabyte of pattern is no filter either.
  sn: boundedText(SEARCH_MAX).optional(),
  title: boundedText(TITLE_MAX).optional(),
  create_start: localDate.optional(),
  create_end: localDate.optional(),
  workflow_ids: idList.optional(),
  state_ids: idList.optional(),
  ticket_ids: idList.optional(),
  act_state_id: z.enum(['0', '1', '2', '3', '4', '5'], { error: 'must be an integer from 0 to 5' }).transform(Number).optional(),
  creator: boundedText(USERNAME_MAX).optional(),
  parent_ticket_id: textIdOrZero.optional(),
  parent_ticket_state_id: textIdOrZero.optional(),
  reverse: queryFlag.default(true),
  ...paging(10),
});

const YEAR_MS = 365 * 24 * 3600 * 1000;

/** Workflows the view and intervene categories list, from the workflows' grants. */
function grantedWorkflows(caller: Caller, viewer: Viewer, category: 'view' | 'intervene'): number[] {
  const { username } = viewer;
  return [...caller.catalog.workflows]
    .filter(([, versions]) => {
      const wf = versions[versions.length - 1].definition;
      return category === 'view'
        ? wf.view_persons.includes(username) || wf.view_depts.some((d) => viewer.deptIds.has(d))
        : wf.interveners.includes(username);
    })
    .map(([id]) => id);
}

/**
 * `all` is every ticket of the workflows the user may fully view, plus the user's own
 * tickets elsewhere: a list never shows what the detail would refuse. Returns the category
 * to run (only their own tickets: relation) and, for a mix, the fully visible workflows.
 */
function allCategory(caller: Caller, viewer: Viewer, scope: number[] | null) {
  const scoped = scope ?? [...caller.catalog.workflows.keys()];
  const full = scoped.filter((id) => {
    const versions = caller.catalog.workflows.get(id);
    return versions !== undefined && mayViewAll(versions[versions.length - 1].definition, viewer);
  });
  if (full.length === scoped.length) return { category: 'all' as const };
  if (full.length === 0) return { category: 'relation' as const };
  return { category: 'all' as const, fullyVisibleWorkflowIds: full };
}

export async function ticketRoutes(app: FastifyInstance, { deps }: { deps: AppDeps }) {
  app.get('/tickets', async (request) => {
    const viewer = requireViewer(request);
    const { username } = viewer;
    const q = parseWith(listQuery, request.query, 'query');
    const now = deps.commands.clock();
    const noWindow = q.create_start === undefined && q.create_end === undefined;
    const scope = intersect(appWorkflowIds(request.caller), q.workflow_ids ?? null);
    const category = q.category === 'all' ? allCategory(request.caller, viewer, scope) : { category: q.category };
    const page = await ticketListPage(deps.readModels, {
      username,
      ...category,
      workflowIds:
        q.category === 'view' || q.category === 'intervene'
          ? intersect(scope, grantedWorkflows(request.caller, viewer, q.category))
          : scope,
      sn: q.sn,
      title: q.title,
      // ticket.rst: without either bound, only the last year. With one bound the other is
      // open; it is made explicit so that the total can be counted by whole days.
      createStart: noWindow ? new Date(now.getTime() - YEAR_MS) : (q.create_start ?? new Date(0)),
      createEnd: noWindow ? new Date(now.getTime() + 3600 * 1000) : (q.create_end ?? new Date(now.getTime() + 3600 * 1000)),
      stateIds: q.state_ids,
      ticketIds: q.ticket_ids,
      actStateId: q.act_state_id,
      creator: q.creator,
      parentTicketId: q.parent_ticket_id,
      parentTicketStateId: q.parent_ticket_state_id,
      reverse: q.reverse,
      page: q.page,
      perPage: q.per_page,
    });
    return ok(page);
  });

  app.post('/tickets', async (request, reply) => {
    const username = requireUsername(request);
    if (typeof request.body !== 'object' || request.body === null || Array.isArray(request.body)) {
      fail('invalid_request', 'The request body must be a JSON object with workflow_id, transition_id and the field values.');
    }
    const body = parseWith(createBody, request.body, 'body');
    assertAppMayUse(request.caller, body.workflow_id);
    const { workflow_id, transition_id, suggestion, parent_ticket_id, parent_ticket_state_id, username: _ignored, ...values } = body;
    const key = request.headers['idempotency-key'];
    if (key !== undefined && (typeof key !== 'string' || key.length < 1 || key.length > IDEMPOTENCY_KEY_MAX)) {
      fail('invalid_request', `Idempotency-Key must be a string of 1 to ${IDEMPOTENCY_KEY_MAX} characters.`);
    }
    const { ticketId, appended, replayed } = await createTicket(deps.commands, {
      workflowId: workflow_id,
      transitionId: transition_id,
      creator: username,
      app: request.caller.app.name,
      suggestion,
      values,
      parentTicketId: parent_ticket_id,
      parentTicketStateId: parent_ticket_state_id,
      correlationId: request.id,
      idempotencyKey: key as string | undefined,
    });
    await awaitReadModels(deps, appended.position, { ticketId, revision: appended.nextExpectedRevision });
    if (replayed) reply.header('idempotent-replayed', 'true');
    reply.header('etag', `"${appended.nextExpectedRevision}"`);
    return ok({ ticket_id: ticketId });
  });

  app.get('/tickets/:id', async (request, reply) => {
    const viewer = requireViewer(request);
    const { id: ticketId } = parseWith(idParams, request.params, 'path');
    const view = await loadTicketView(deps.readModels, ticketId);
    assertAppMayUse(request.caller, view.ticket.workflow_id);
    const detail = await ticketDetail(deps.readModels, view, viewer);
    reply.header('etag', `"${view.ticket.revision}"`);
    return ok(detail);
  });

  app.get('/tickets/:id/transitions', async (request) => {
    const username = requireUsername(request);
    const { id: ticketId } = parseWith(idParams, request.params, 'path');
    const view = await loadTicketView(deps.readModels, ticketId);
    assertAppMayUse(request.caller, view.ticket.workflow_id);
    return ok(ticketTransitions(view, username));
  });
}
