// Each ticket action of ticket.rst as a request: its method and path, its body (zod, at the
// edge) and the command it builds. The domain side of each is its module in
// domain/ticket/actions; an action only the engine runs (a timer) has no request.
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { SUGGESTION_MAX, USERNAME_MAX, withinLength } from '../../domain/bounds.ts';
import { fail } from '../../domain/errors.ts';
import type { CommandBase } from '../../domain/ticket/commands.ts';
import type { TicketCommand } from '../../domain/ticket/ticket-actions.ts';
import { booleanLike, boundedText, fieldValues, id, parseWith, suggestion } from '../params.ts';

export interface TicketActionRequest {
  method: 'PATCH' | 'POST' | 'PUT';
  url: string;
  command(request: FastifyRequest, base: CommandBase): TicketCommand;
  /** ticket.rst's `data` and `msg` of the answer, where not `{}` and ''. */
  answer?: { data: unknown; msg?: string };
}

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

const bodyOf = <T extends z.ZodType>(schema: T, request: FastifyRequest): z.infer<T> => parseWith(schema, jsonObject(request), 'body');

const handleBody = z.object({ transition_id: id, suggestion }).passthrough();
const deliverBody = strict({ target_username: target, suggestion, from_admin: booleanLike.default(false) });
const addNodeBody = strict({ target_username: target, suggestion });
const suggestionBody = strict({ suggestion });
const stateBody = strict({ state_id: id, suggestion });
const commentBody = strict({ suggestion: z.string({ error: 'must be the comment text' }).min(1, { error: 'must not be empty' }) });
const hookBody = strict({ result: booleanLike, msg: boundedText(SUGGESTION_MAX).default(''), field_value: fieldValues.default({}) });

export const TICKET_ACTION_REQUESTS: TicketActionRequest[] = [
  {
    method: 'PATCH',
    url: '/tickets/:id',
    command(request, base) {
      const body = jsonObject(request);
      if (Object.keys(body).length === 0) fail('invalid_request', 'The body is empty; send transition_id and the field values.');
      const { transition_id, suggestion, username: _u, ...values } = parseWith(handleBody, body, 'body');
      return { ...base, type: 'HandleTicket', transitionId: transition_id, suggestion, values };
    },
  },
  { method: 'POST', url: '/tickets/:id/accept', command: (_request, base) => ({ ...base, type: 'AcceptTicket' }) },
  {
    method: 'POST',
    url: '/tickets/:id/deliver',
    command(request, base) {
      const body = bodyOf(deliverBody, request);
      return { ...base, type: 'DeliverTicket', target: body.target_username, suggestion: body.suggestion, fromAdmin: body.from_admin };
    },
    answer: { data: true },
  },
  {
    method: 'POST',
    url: '/tickets/:id/add_node',
    command(request, base) {
      const body = bodyOf(addNodeBody, request);
      return { ...base, type: 'AddNode', target: body.target_username, suggestion: body.suggestion };
    },
  },
  {
    method: 'POST',
    url: '/tickets/:id/add_node_end',
    command: (request, base) => ({ ...base, type: 'EndAddNode', suggestion: bodyOf(suggestionBody, request).suggestion }),
  },
  {
    method: 'PUT',
    url: '/tickets/:id/state',
    command(request, base) {
      const body = bodyOf(stateBody, request);
      return { ...base, type: 'ForceState', stateId: body.state_id, suggestion: body.suggestion };
    },
  },
  {
    method: 'PATCH',
    url: '/tickets/:id/fields',
    command(request, base) {
      const { username: _u, ...values } = jsonObject(request);
      parseWith(fieldValues, values, 'body');
      return { ...base, type: 'ChangeFields', values };
    },
  },
  {
    method: 'POST',
    url: '/tickets/:id/comments',
    command: (request, base) => ({ ...base, type: 'CommentTicket', suggestion: bodyOf(commentBody, request).suggestion }),
  },
  {
    method: 'POST',
    url: '/tickets/:id/close',
    command: (request, base) => ({ ...base, type: 'CloseTicket', suggestion: bodyOf(suggestionBody, request).suggestion }),
  },
  {
    method: 'POST',
    url: '/tickets/:id/retreat',
    command: (request, base) => ({ ...base, type: 'RetreatTicket', suggestion: bodyOf(suggestionBody, request).suggestion }),
  },
  {
    method: 'POST',
    url: '/tickets/:id/hook_call_back',
    command(request, base) {
      const body = bodyOf(hookBody, request);
      return { ...base, type: 'ReceiveHookResult', result: body.result, message: body.msg, fieldValues: body.field_value };
    },
  },
  {
    method: 'POST',
    url: '/tickets/:id/retry_script',
    command: (_request, base) => ({ ...base, type: 'RetryAutomation' }),
    answer: { data: {}, msg: 'Ticket script or hook retry start successful' },
  },
];
