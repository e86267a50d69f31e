// Every ticket action of ticket.rst as a command: parse at the edge, run the command, wait
// until the read models have it, answer with ticket.rst's body and the new ETag.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { runTicketCommand } from '../../commands/ticket-commands.ts';
import type { TicketCommand } from '../../domain/ticket/ticket-actions.ts';
import { fail } from '../../domain/errors.ts';
import type { AppDeps } from '../deps.ts';
import { ok } from '../envelope.ts';
import { awaitReadModels } from '../read-your-writes.ts';
import { requireUsername } from '../auth.ts';
import { SUGGESTION_MAX, USERNAME_MAX, withinLength } from '../../domain/bounds.ts';
import { booleanLike, boundedText, fieldValues, id, idParams, parseWith, suggestion } from '../params.ts';

const jsonObject = (request: FastifyRequest): Record<string, unknown> => {
  const body = request.body ?? {};
  if (typeof body !== 'object' || Array.isArray(body)) fail('invalid_request', 'The request body must be a JSON object.');
  return body as Record<string, unknown>;
};

const target = z
  .string({ error: 'must be a username' })
  .trim()
  .min(1, { error: 'must be a username' })
  .refine((s) => withinLength(s, USERNAME_MAX), { error: `must be a username of at most ${USERNAME_MAX} characters` });
// `username` may be repeated in a body (loonflow's callers do); the header is what counts.
const strict = <T extends z.ZodRawShape>(shape: T) => z.object({ ...shape, username: z.unknown().optional() }).strict();

const bodies = {
  handle: z.object({ transition_id: id, suggestion }).passthrough(),
  deliver: strict({ target_username: target, suggestion, from_admin: booleanLike.default(false) }),
  addNode: strict({ target_username: target, suggestion }),
  suggestionOnly: strict({ suggestion }),
  state: strict({ state_id: id, suggestion }),
  comment: strict({ suggestion: z.string({ error: 'must be the comment text' }).min(1, { error: 'must not be empty' }) }),
  hook: strict({
    result: booleanLike,
    msg: boundedText(SUGGESTION_MAX).default(''),
    field_value: fieldValues.default({}),
  }),
};

function ifMatch(request: FastifyRequest): bigint | undefined {
  const header = request.headers['if-match'];
  if (header === undefined) return undefined;
  // A revision fits a bigint: 19 digits at most.
  const match = /^\s*(?:W\/)?"?(\d{1,19})"?\s*$/.exec(String(header));
  if (!match) return fail('invalid_request', 'If-Match must be the ticket revision from an ETag, e.g. "3".');
  return BigInt(match[1]);
}

export async function ticketActionRoutes(app: FastifyInstance, { deps }: { deps: AppDeps }) {
  /** Runs the command built from the request and answers ticket.rst's body for it. */
  const act = (build: (request: FastifyRequest, base: { ticketId: number; actor: { username: string }; app: string }) => TicketCommand, data: unknown = {}, msg = '') =>
    async (request: FastifyRequest, reply: FastifyReply) => {
      const username = requireUsername(request);
      const { id: ticketId } = parseWith(idParams, request.params, 'path');
      const command = build(request, { ticketId, actor: { username }, app: request.caller.app.name });
      const result = await runTicketCommand(deps.commands, command, { ifMatch: ifMatch(request), correlationId: request.id });
      if (result.appended) await awaitReadModels(deps, result.appended.position, { ticketId, revision: result.appended.nextExpectedRevision });
      reply.header('etag', `"${String(result.revision)}"`);
      return ok(data, msg);
    };

  app.patch(
    '/tickets/:id',
    act((request, base) => {
      const body = jsonObject(request);
      if (Object.keys(body).length === 0) fail('invalid_request', 'The body is empty; send transition_id and the field values.');
      const { transition_id, suggestion, username: _u, ...values } = parseWith(bodies.handle, body, 'body');
      return { ...base, type: 'HandleTicket', transitionId: transition_id, suggestion, values };
    }),
  );

  app.post('/tickets/:id/accept', act((_request, base) => ({ ...base, type: 'AcceptTicket' })));

  app.post(
    '/tickets/:id/deliver',
    act((request, base) => {
      const body = parseWith(bodies.deliver, jsonObject(request), 'body');
      return { ...base, type: 'DeliverTicket', target: body.target_username, suggestion: body.suggestion, fromAdmin: body.from_admin };
    }, true),
  );

  app.post(
    '/tickets/:id/add_node',
    act((request, base) => {
      const body = parseWith(bodies.addNode, jsonObject(request), 'body');
      return { ...base, type: 'AddNode', target: body.target_username, suggestion: body.suggestion };
    }),
  );

  app.post(
    '/tickets/:id/add_node_end',
    act((request, base) => ({ ...base, type: 'EndAddNode', suggestion: parseWith(bodies.suggestionOnly, jsonObject(request), 'body').suggestion })),
  );

  app.put(
    '/tickets/:id/state',
    act((request, base) => {
      const body = parseWith(bodies.state, jsonObject(request), 'body');
      return { ...base, type: 'ForceState', stateId: body.state_id, suggestion: body.suggestion };
    }),
  );

  app.patch(
    '/tickets/:id/fields',
    act((request, base) => {
      const { username: _u, ...values } = jsonObject(request);
      parseWith(fieldValues, values, 'body');
      return { ...base, type: 'ChangeFields', values };
    }),
  );

  app.post(
    '/tickets/:id/comments',
    act((request, base) => ({ ...base, type: 'CommentTicket', suggestion: parseWith(bodies.comment, jsonObject(request), 'body').suggestion })),
  );

  app.post(
    '/tickets/:id/close',
    act((request, base) => ({ ...base, type: 'CloseTicket', suggestion: parseWith(bodies.suggestionOnly, jsonObject(request), 'body').suggestion })),
  );

  app.post(
    '/tickets/:id/retreat',
    act((request, base) => ({ ...base, type: 'RetreatTicket', suggestion: parseWith(bodies.suggestionOnly, jsonObject(request), 'body').suggestion })),
  );

  app.post(
    '/tickets/:id/hook_call_back',
    act((request, base) => {
      const body = parseWith(bodies.hook, jsonObject(request), 'body');
      return { ...base, type: 'ReceiveHookResult', result: body.result, message: body.msg, fieldValues: body.field_value };
    }),
  );

  app.post(
    '/tickets/:id/retry_script',
    act((_request, base) => ({ ...base, type: 'RetryAutomation' }), {}, 'Ticket script or hook retry start successful'),
  );
}
