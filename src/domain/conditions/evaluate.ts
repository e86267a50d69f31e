// Interprets a parsed condition against ticket values. loonflow formats the expression
// with the values and then evals it; here a placeholder evaluates straight to its value,
// which gives the same result without ever treating ticket data as code.

import type { ConditionItem } from '../workflow.ts';
import { type ConditionAst, type ConditionNode, type StringPart, fieldKeysOf } from './ast.ts';
import { callFunction } from './builtins.ts';
import { ConditionTypeError, ConditionValueError, MissingConditionFieldError, OperationError } from './errors.ts';
import { arithmetic, compare, unary } from './operators.ts';
import { parseCondition } from './parser.ts';
import { type PyValue, PyTuple, fromInput, pyStr, truthy } from './values.ts';

class Interpreter {
  constructor(private readonly values: Readonly<Record<string, unknown>>) {}

  /** Only reached for keys evaluateAst has checked to be own properties. */
  private field(key: string): PyValue {
    return fromInput(this.values[key], key);
  }

  /** What str.format put inside a string literal: loonflow's rendering of the value. */
  private formatted(part: StringPart): string {
    if (typeof part === 'string') return part;
    const value = this.field(part.field);
    return typeof value === 'string' ? `'''${value}'''` : pyStr(value);
  }

  evaluate(node: ConditionNode): PyValue {
    switch (node.type) {
      case 'literal':
        return node.value;
      case 'field':
        return this.field(node.key);
      case 'template':
        return node.parts.map((part) => this.formatted(part)).join('');
      case 'list':
        return node.items.map((item) => this.evaluate(item));
      case 'tuple':
        return new PyTuple(node.items.map((item) => this.evaluate(item)));
      // and/or return the deciding operand, not a bool, as in Python.
      case 'or':
      case 'and': {
        let value: PyValue = null;
        for (const operand of node.operands) {
          value = this.evaluate(operand);
          if (truthy(value) === (node.type === 'or')) return value;
        }
        return value;
      }
      case 'conditional':
        return this.evaluate(truthy(this.evaluate(node.condition)) ? node.then : node.otherwise);
      case 'not':
        return !truthy(this.evaluate(node.operand));
      case 'unary':
        return unary(node.op, this.evaluate(node.operand));
      case 'binary':
        return arithmetic(node.op, this.evaluate(node.left), this.evaluate(node.right));
      case 'compare': {
        let left = this.evaluate(node.left);
        for (const { op, right } of node.comparisons) {
          const value = this.evaluate(right);
          if (!compare(op, left, value)) return false;
          left = value;
        }
        return true;
      }
      case 'call': {
        const args = new Map(node.args.map(({ param, value }) => [param, this.evaluate(value)] as const));
        return callFunction(node.callee, args);
      }
    }
  }
}

/** The Python value of a parsed condition. */
const evaluateAst = (ast: ConditionAst, values: Readonly<Record<string, unknown>>): PyValue => {
  // str.format fills every placeholder before eval runs, so a missing key fails even where
  // and/or would never look at it. Object.hasOwn keeps keys such as __proto__ or
  // constructor from reaching Object.prototype.
  const missing = fieldKeysOf(ast).find((key) => !Object.hasOwn(values, key));
  if (missing !== undefined) throw new MissingConditionFieldError(ast.expression, missing);
  try {
    return new Interpreter(values).evaluate(ast.root);
  } catch (error) {
    if (!(error instanceof OperationError)) throw error;
    throw error.kind === 'type'
      ? new ConditionTypeError(ast.expression, error.message)
      : new ConditionValueError(ast.expression, error.message);
  }
};

/** Whether the condition holds, by Python truthiness of its value. */
export const evaluateCondition = (expression: string, values: Readonly<Record<string, unknown>>): boolean =>
  truthy(evaluateAst(parseCondition(expression), values));

/**
 * loonflow's destination rule: the first item whose expression holds wins, else the
 * transition's own destination. Later items are not evaluated once one holds.
 */
export const chooseDestination = (
  items: readonly ConditionItem[],
  values: Readonly<Record<string, unknown>>,
  defaultStateId: number,
): number => {
  for (const item of items) {
    if (evaluateCondition(item.expression, values)) return item.target_state_id;
  }
  return defaultStateId;
};
