// Read-only workflow configuration a ticket client draws forms and charts from (behaviour
// §7.1): states, simple states, one state, custom fields, transitions, simple description.
// All read the CURRENT version of the workflow, need the username header and the app's
// grant on the workflow (403 app_not_allowed); an unknown workflow or state is a 404.
// Transitions carry routing rules, so, as in loonflow, only the workflow's admins and super
// admins may list them (403 not_permitted otherwise).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { SEARCH_MAX } from '../../domain/bounds.ts';
import { isTicketAdmin } from '../../domain/ticket/permissions.ts';
import { fail } from '../../domain/errors.ts';
import {
  currentStateById,
  customFieldsPage,
  simpleDescription,
  stateDetail,
  transitionsPage,
  workflowSimpleStatesPage,
  workflowStatesPage,
} from '../../projections/workflows/config-views.ts';
import { currentWorkflowRow } from '../../projections/workflows/queries.ts';
import type { AppDeps } from '../deps.ts';
import { ok } from '../envelope.ts';
import { requireUsername, requireViewer } from '../auth.ts';
import { boundedText, idParams, paging, parseWith, textId } from '../params.ts';
import { assertAppMayUse } from '../scope.ts';

const listQuery = z.object({ search_value: boundedText(SEARCH_MAX).default(''), ...paging(10) });
const stateParams = z.object({ state_id: textId });

export async function workflowConfigRoutes(app: FastifyInstance, { deps }: { deps: AppDeps }) {
  /**
   * The current version of the workflow in the path and the list parameters: username, path
   * and query are checked before anything is read, then existence (404) and the app's grant (403).
   */
  const workflowFor = async (request: FastifyRequest, { paged = true } = {}) => {
    const username = requireUsername(request);
    const { id: workflowId } = parseWith(idParams, request.params, 'path');
    const query = paged ? parseWith(listQuery, request.query, 'query') : { search_value: '', page: 1, per_page: 10 };
    const row =
      (await currentWorkflowRow(deps.readModels, workflowId)) ?? fail('workflow_not_found', `Workflow ${workflowId} does not exist.`);
    assertAppMayUse(request.caller, workflowId);
    return { username, row, q: { search: query.search_value, page: query.page, perPage: query.per_page } };
  };

  app.get('/workflows/:id/states', async (request) => {
    const { row, q } = await workflowFor(request);
    return ok(await workflowStatesPage(deps.readModels, row, q));
  });

  app.get('/workflows/:id/simple_states', async (request) => {
    const { row, q } = await workflowFor(request);
    return ok(workflowSimpleStatesPage(row, q));
  });

  // Static segment: fastify's router prefers it to /workflows/:id/... .
  app.get('/workflows/states/:state_id', async (request) => {
    requireUsername(request);
    const { state_id: stateId } = parseWith(stateParams, request.params, 'path');
    const found =
      (await currentStateById(deps.readModels, stateId)) ?? fail('state_not_found', `State ${stateId} does not exist in any workflow.`);
    assertAppMayUse(request.caller, found.workflow_id);
    return ok(stateDetail(found));
  });

  app.get('/workflows/:id/custom_fields', async (request) => {
    const { row, q } = await workflowFor(request);
    return ok(customFieldsPage(row, q));
  });

  app.get('/workflows/:id/transitions', async (request) => {
    const { row, q } = await workflowFor(request);
    if (!isTicketAdmin(requireViewer(request), row.definition))
      fail('not_permitted', `Only a super admin or an admin of workflow ${row.id} may list its transitions.`);
    return ok(transitionsPage(row, q));
  });

  app.get('/workflows/:id/simple_description', async (request) => {
    const { row } = await workflowFor(request, { paged: false });
    return ok(simpleDescription(row.definition));
  });
}
