// Stable, machine-readable reasons a command or query is refused. The HTTP layer maps
// each code to a status (src/http/errors.ts); the message tells the caller what to fix.
export type ErrorCode =
  | 'invalid_request'
  | 'invalid_field_value'
  | 'suggestion_too_long'
  | 'missing_username'
  | 'signature_missing'
  | 'signature_invalid'
  | 'signature_expired'
  | 'app_unknown'
  | 'app_not_allowed'
  | 'not_permitted'
  | 'ticket_not_found'
  | 'workflow_not_found'
  | 'state_not_found'
  | 'transition_not_found'
  | 'route_not_found'
  | 'wrong_state'
  | 'concurrent_change'
  | 'revision_mismatch'
  | 'required_fields_missing'
  | 'condition_field_missing'
  | 'condition_failed'
  | 'no_participant'
  | 'creation_limited'
  | 'idempotency_key_reused'
  | 'config_invalid'
  | 'read_model_lagging'
  | 'ticket_stalled'
  | 'store_unavailable'
  | 'change_too_large'
  | 'stream_deleted'
  | 'internal_error';

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const fail = (code: ErrorCode, message: string, details?: unknown): never => {
  throw new DomainError(code, message, details);
};
