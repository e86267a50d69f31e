// Every failure of a condition is a ConditionError so callers can catch one class; the
// subclasses let them pick a status (a missing field is the caller's 422, the rest are
// configuration mistakes).

const MAX_QUOTED = 200;

// Expressions may be up to 1000 characters; keep messages readable.
const quote = (expression: string): string => `"${expression.length > MAX_QUOTED ? `${expression.slice(0, MAX_QUOTED)}…` : expression}"`;

export class ConditionError extends Error {
  constructor(
    readonly expression: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ConditionSyntaxError extends ConditionError {
  constructor(
    expression: string,
    readonly detail: string,
    /** 0-based offset into the expression, when the problem has one place. */
    readonly position?: number,
  ) {
    const where = position === undefined ? '' : ` (at character ${position + 1})`;
    super(expression, `Condition ${quote(expression)} is not valid: ${detail}${where}`);
  }
}

export class MissingConditionFieldError extends ConditionError {
  constructor(
    expression: string,
    readonly field: string,
  ) {
    super(expression, `Condition ${quote(expression)} refers to field "${field}", which the ticket does not have`);
  }
}

/** Python would raise TypeError: an operation on values of the wrong types. */
export class ConditionTypeError extends ConditionError {
  constructor(
    expression: string,
    readonly detail: string,
  ) {
    super(expression, `Condition ${quote(expression)} cannot be evaluated: ${detail}`);
  }
}

/** Python would raise ValueError, ZeroDivisionError or OverflowError: right types, bad value. */
export class ConditionValueError extends ConditionError {
  constructor(
    expression: string,
    readonly detail: string,
  ) {
    super(expression, `Condition ${quote(expression)} cannot be evaluated: ${detail}`);
  }
}

/**
 * Raised by the value operations, which do not know the expression text; the evaluator
 * turns it into ConditionTypeError / ConditionValueError. Never escapes the module.
 */
export class OperationError extends Error {
  constructor(
    readonly kind: 'type' | 'value',
    message: string,
  ) {
    super(message);
  }
}

export const typeFailure = (message: string): OperationError => new OperationError('type', message);
export const valueFailure = (message: string): OperationError => new OperationError('value', message);
