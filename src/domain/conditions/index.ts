// Transition condition expressions (loonflow §3.7.3, quirk Q21): Python's expression
// syntax, evaluated by a parser and interpreter rather than eval.

import { fieldKeysOf } from './ast.ts';
import { parseCondition } from './parser.ts';

export type { ConditionAst, ConditionNode, StringPart } from './ast.ts';
export { ConditionError, ConditionSyntaxError, ConditionTypeError, ConditionValueError, MissingConditionFieldError } from './errors.ts';
export { chooseDestination, evaluateCondition } from './evaluate.ts';
export { MAX_CONDITION_LENGTH, MAX_CONDITION_NESTING, parseCondition } from './parser.ts';

/** Placeholder keys the condition reads, in order of first use; throws on invalid syntax. */
export const conditionFieldKeys = (expression: string): string[] => fieldKeysOf(parseCondition(expression));
