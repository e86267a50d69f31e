// Account lists an app caller may read (behaviour §7.2). They are not bound to a workflow, so
// no app grant applies; the username header is required as on every user-facing read.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { simpleDeptsPage, simpleUsersPage } from '../../projections/directory/accounts.ts';
import type { AppDeps } from '../deps.ts';
import { ok } from '../envelope.ts';
import { requireUsername } from '../auth.ts';
import { boundedText, paging, parseWith } from '../params.ts';
import { SEARCH_MAX } from '../../domain/bounds.ts';

const listQuery = z.object({
  search_value: boundedText(SEARCH_MAX).default(''),
  ...paging(10),
});

export async function accountRoutes(app: FastifyInstance, { deps }: { deps: AppDeps }) {
  app.get('/accounts/simple_users', async (request) => {
    requireUsername(request);
    const q = parseWith(listQuery, request.query, 'query');
    return ok(await simpleUsersPage(deps.readModels, { search: q.search_value, page: q.page, perPage: q.per_page }));
  });

  app.get('/accounts/simple_depts', async (request) => {
    requireUsername(request);
    const q = parseWith(listQuery, request.query, 'query');
    return ok(await simpleDeptsPage(deps.readModels, { search: q.search_value, page: q.page, perPage: q.per_page }));
  });
}
