import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { UNSTORABLE } from '../domain/bounds.ts';
import { DomainError } from '../domain/errors.ts';
import { registerAuth } from './auth.ts';
import { registerBodyParsing } from './body.ts';
import { failureBody, registerErrorHandling } from './errors.ts';
import type { AppDeps } from './deps.ts';
import { registerStalledTickets } from './read-your-writes.ts';
import { accountRoutes } from './routes/accounts.ts';
import { configRoutes } from './routes/config.ts';
import { ticketActionRoutes } from './routes/ticket-actions.ts';
import { ticketHistoryRoutes } from './routes/ticket-history.ts';
import { ticketRoutes } from './routes/tickets.ts';
import { workflowConfigRoutes } from './routes/workflow-config.ts';
import { workflowRoutes } from './routes/workflows.ts';

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? false,
    // The request id is the correlation id stored on every event the request appends.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
    },
    bodyLimit: 2 * 1024 * 1024,
    // A malformed URL never reaches a route: answer it in the envelope too.
    frameworkErrors: (error, request, reply) => {
      const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
      void (reply as FastifyReply)
        .status(status)
        .header('x-request-id', request.id)
        .send(failureBody('invalid_request', 'The URL is malformed or too long; check the path and its encoding.'));
    },
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  registerErrorHandling(app);
  registerBodyParsing(app);
  // PostgreSQL text and jsonb hold neither NUL nor half a surrogate pair: refuse them at the
  // door instead of failing in SQL.
  app.addHook('preHandler', async (request) => {
    const where = unstorableAt(request.query, 'query') ?? unstorableAt(request.params, 'path') ?? unstorableAt(request.body, 'body');
    if (where) throw new DomainError('invalid_request', `${where} must be valid text without NUL characters (\\u0000) or lone surrogates.`);
  });
  registerAuth(app, { catalog: deps.commands.catalog, signatureTtlSeconds: deps.signatureTtlSeconds, clock: deps.commands.clock });
  registerStalledTickets(app, deps);
  await app.register(ticketRoutes, { prefix: '/api/v1.0', deps });
  await app.register(ticketActionRoutes, { prefix: '/api/v1.0', deps });
  await app.register(workflowRoutes, { prefix: '/api/v1.0', deps });
  await app.register(configRoutes, { prefix: '/api/v1.0', deps });
  await app.register(ticketHistoryRoutes, { prefix: '/api/v1.0', deps });
  await app.register(workflowConfigRoutes, { prefix: '/api/v1.0', deps });
  await app.register(accountRoutes, { prefix: '/api/v1.0', deps });
  return app;
}

/** Where the first text PostgreSQL cannot store is, e.g. `query.title`; undefined when there is none. */
function unstorableAt(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return UNSTORABLE.test(value) ? path : undefined;
  if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (UNSTORABLE.test(key)) return `${path} (a key)`;
      const found = unstorableAt(inner, `${path}.${key}`);
      if (found) return found;
    }
  }
  return undefined;
}
