// The error catalogue: every refusal has a stable code and one HTTP status.
import type { FastifyError, FastifyInstance } from 'fastify';
import { DomainError, type ErrorCode } from '../domain/errors.ts';
import { AppendTooLargeError, DeletedStreamError, EventStoreUnavailableError } from '../eventstore/event-store.ts';

export const HTTP_STATUS: Record<ErrorCode, number> = {
  invalid_request: 400,
  invalid_field_value: 400,
  suggestion_too_long: 400,
  missing_username: 400,
  config_invalid: 400,
  signature_missing: 401,
  signature_invalid: 401,
  signature_expired: 401,
  app_unknown: 401,
  app_not_allowed: 403,
  not_permitted: 403,
  ticket_not_found: 404,
  workflow_not_found: 404,
  state_not_found: 404,
  transition_not_found: 404,
  route_not_found: 404,
  wrong_state: 409,
  concurrent_change: 409,
  revision_mismatch: 409,
  required_fields_missing: 422,
  condition_field_missing: 422,
  condition_failed: 422,
  no_participant: 422,
  creation_limited: 422,
  idempotency_key_reused: 422,
  internal_error: 500,
  read_model_lagging: 503,
  ticket_stalled: 503,
  store_unavailable: 503,
  change_too_large: 413,
  stream_deleted: 410,
};

export interface SavedChange {
  ticketId: number;
  revision: bigint;
}

/** A refusal after the change was appended: its body carries the ticket id and revision. */
export class SavedChangeNotVisible extends DomainError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly saved: SavedChange,
    details?: unknown,
  ) {
    super(code, message, details);
  }
}

export const failureBody = (error: ErrorCode, msg: string, details?: unknown) => ({
  code: -1,
  msg,
  data: {},
  error,
  ...(details === undefined ? {} : { details }),
});

/** Fastify's own refusals (bad JSON, wrong content type, body too large) in our envelope. */
function fromFastify(error: FastifyError): { status: number; msg: string } | undefined {
  if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || error instanceof SyntaxError) {
    return { status: 400, msg: 'The request body is not valid JSON; send a JSON object.' };
  }
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return { status: 415, msg: 'Send the request body as application/json.' };
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return { status: 413, msg: 'The request body is too large.' };
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) return { status: error.statusCode, msg: error.message };
  return undefined;
}

/** The event store's refusals: their messages are written for the caller (nothing secret in them). */
function fromEventStore(error: unknown): ErrorCode | undefined {
  if (error instanceof EventStoreUnavailableError) return 'store_unavailable';
  if (error instanceof AppendTooLargeError) return 'change_too_large';
  if (error instanceof DeletedStreamError) return 'stream_deleted';
  return undefined;
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof SavedChangeNotVisible) {
      const { ticketId, revision } = error.saved;
      reply.header('etag', `"${revision}"`);
      return reply
        .status(HTTP_STATUS[error.code])
        .send({ ...failureBody(error.code, error.message, error.details), data: { ticket_id: ticketId, revision: Number(revision) } });
    }
    if (error instanceof DomainError) {
      return reply.status(HTTP_STATUS[error.code]).send(failureBody(error.code, error.message, error.details));
    }
    const stored = fromEventStore(error);
    if (stored) return reply.status(HTTP_STATUS[stored]).send(failureBody(stored, error.message));
    const known = fromFastify(error);
    if (known) return reply.status(known.status).send(failureBody('invalid_request', known.msg));
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send(failureBody('internal_error', 'Something went wrong on our side; the error has been logged.'));
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send(failureBody('route_not_found', `There is no ${request.method} ${request.url.split('?')[0]} endpoint.`)),
  );
}
