import type { FastifyInstance } from 'fastify';
import { applyConfig, knownIds } from '../../commands/apply-config.ts';
import { validateConfigDocument } from '../../config/config-document.ts';
import { configInvalid } from '../../domain/catalog/apply-config.ts';
import { isSuperAdmin } from '../../domain/catalog/catalog.ts';
import { fail } from '../../domain/errors.ts';
import type { AppDeps } from '../deps.ts';
import { ok } from '../envelope.ts';
import { requireUsername } from '../auth.ts';

export async function configRoutes(app: FastifyInstance, { deps }: { deps: AppDeps }) {
  app.put('/config', async (request) => {
    const username = requireUsername(request);
    // The username is only asserted by the calling app: an app limited to some workflows must
    // not be able to widen its own grant or rewrite other apps' tokens by naming an admin.
    if (request.caller.app.workflow_ids !== 'all')
      fail('not_permitted', `App "${request.caller.app.name}" is limited to some workflows and may not change the configuration.`);
    if (!isSuperAdmin(request.caller.catalog, username)) fail('not_permitted', 'Only a super admin may change the configuration.');
    const parsed = validateConfigDocument(request.body, knownIds(request.caller.catalog));
    if (!parsed.ok) throw configInvalid(parsed.problems);
    const result = await applyConfig(deps.commands, parsed.document, {
      actor: username,
      app: request.caller.app.name,
      correlationId: request.id,
    });
    if (result.appended) await deps.waitForProjections(result.appended.position);
    return ok({ changes: result.changes });
  });
}
