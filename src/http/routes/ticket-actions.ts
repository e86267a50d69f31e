// Every ticket action of ticket.rst as a command (ticket-action-requests.ts): parse at the
// edge, run the command, wait until the read models have it, answer with ticket.rst's body
// and the new ETag.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { runTicketCommand } from '../../commands/ticket-commands.ts';
import { fail } from '../../domain/errors.ts';
import type { AppDeps } from '../deps.ts';
import { ok } from '../envelope.ts';
import { awaitReadModels } from '../read-your-writes.ts';
import { requireUsername } from '../auth.ts';
import { idParams, parseWith } from '../params.ts';
import { TICKET_ACTION_REQUESTS } from './ticket-action-requests.ts';

function ifMatch(request: FastifyRequest): bigint | undefined {
  const header = request.headers['if-match'];
  if (header === undefined) return undefined;
  // A revision fits a bigint: 19 digits at most.
  const match = /^\s*(?:W\/)?"?(\d{1,19})"?\s*$/.exec(String(header));
  if (!match) return fail('invalid_request', 'If-Match must be the ticket revision from an ETag, e.g. "3".');
  return BigInt(match[1]);
}

export async function ticketActionRoutes(app: FastifyInstance, { deps }: { deps: AppDeps }) {
  for (const action of TICKET_ACTION_REQUESTS) {
    app.route({
      method: action.method,
      url: action.url,
      async handler(request, reply) {
        const username = requireUsername(request);
        const { id: ticketId } = parseWith(idParams, request.params, 'path');
        const command = action.command(request, { ticketId, actor: { username }, app: request.caller.app.name });
        const result = await runTicketCommand(deps.commands, command, { ifMatch: ifMatch(request), correlationId: request.id });
        if (result.appended)
          await awaitReadModels(deps, result.appended.position, { ticketId, revision: result.appended.nextExpectedRevision });
        reply.header('etag', `"${String(result.revision)}"`);
        return ok(action.answer?.data ?? {}, action.answer?.msg ?? '');
      },
    });
  }
}
