import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { isSuperAdmin, type Catalog } from '../../domain/catalog/catalog.ts';
import { fail } from '../../domain/errors.ts';
import { startStateOf, transitionsFrom } from '../../domain/workflow.ts';
import { formatTimestamp } from '../../projections/format.ts';
import { currentWorkflowRow, listWorkflows } from '../../projections/workflows/queries.ts';
import { byOrderId, customField, builtinField, stateRow, transitionButton } from '../../projections/workflows/views.ts';
import type { AppDeps } from '../deps.ts';
import { ok } from '../envelope.ts';
import { requireUsername } from '../auth.ts';
import { boundedText, idParams, paging, parseWith, queryFlag } from '../params.ts';
import { SEARCH_MAX } from '../../domain/bounds.ts';
import { appWorkflowIds, assertAppMayUse, intersect } from '../scope.ts';

const listQuery = z.object({
  search_value: boundedText(SEARCH_MAX).default(''),
  name: boundedText(SEARCH_MAX).default(''),
  from_admin: queryFlag.default(false),
  ...paging(10),
});

export async function workflowRoutes(app: FastifyInstance, { deps }: { deps: AppDeps }) {
  app.get('/workflows', async (request) => {
    const q = parseWith(listQuery, request.query, 'query');
    // from_admin: only the workflows the user administers, with their settings (behaviour §7.1).
    const managed = q.from_admin ? managedWorkflowIds(request.caller.catalog, requireUsername(request)) : null;
    const { total, rows } = await listWorkflows(deps.readModels, {
      allowedIds: intersect(appWorkflowIds(request.caller), managed),
      // The docs call the filter `name`, loonflow's code reads `search_value`: accept both.
      search: q.search_value || q.name,
      page: q.page,
      perPage: q.per_page,
    });
    const item = (r: (typeof rows)[number]) => {
      const basic = { id: r.id, name: r.name, description: r.description };
      if (!q.from_admin) return basic;
      const wf = r.definition;
      return {
        ...basic,
        notices: wf.notices.join(','),
        view_permission_check: wf.view_permission_check,
        limit_expression: wf.limit_expression,
        display_form_str: wf.display_form,
        title_template: wf.title_template,
        content_template: wf.content_template,
        workflow_admin: wf.admins.join(','),
        creator: '',
        gmt_created: formatTimestamp(r.gmt_created),
      };
    };
    return ok({ value: rows.map(item), per_page: q.per_page, page: q.page, total });
  });

  app.get('/workflows/:id/init_state', async (request) => {
    requireUsername(request);
    const { id } = parseWith(idParams, request.params, 'path');
    const row = (await currentWorkflowRow(deps.readModels, id)) ?? fail('workflow_not_found', `Workflow ${id} does not exist.`);
    assertAppMayUse(request.caller, id);
    const wf = row.definition;
    const start = startStateOf(wf) ?? fail('state_not_found', `Workflow ${id} has no start state.`);
    const audit = { creator: '', gmt_created: formatTimestamp(row.gmt_created), gmt_modified: formatTimestamp(row.gmt_modified) };
    const fieldList = byOrderId([
      ...('title' in start.state_field ? [builtinField('title', null, start.state_field.title)] : []),
      ...wf.custom_fields.filter((f) => f.field_key in start.state_field).map((f) => customField(f, null, start.state_field[f.field_key])),
    ]);
    return ok({
      ...stateRow(wf, start, audit),
      field_list: fieldList,
      transition: transitionsFrom(wf, start.id).map(transitionButton),
    });
  });
}

/** The workflows a user administers: every one for a super admin. */
function managedWorkflowIds(catalog: Catalog, username: string): number[] {
  const superAdmin = isSuperAdmin(catalog, username);
  return [...catalog.workflows]
    .filter(([, versions]) => superAdmin || versions[versions.length - 1].definition.admins.includes(username))
    .map(([id]) => id);
}
