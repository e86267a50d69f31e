// The parsed form of a condition. Plain data, so a config validator can keep or inspect it.

import type { FunctionName } from './builtins.ts';
import type { ArithmeticOp, CompareOp } from './operators.ts';

/** Text of a string literal, or a placeholder inside it (str.format also fills those). */
export type StringPart = string | { readonly field: string };

export type ConditionNode =
  | { readonly type: 'literal'; readonly value: null | boolean | number | string }
  | { readonly type: 'field'; readonly key: string }
  | { readonly type: 'template'; readonly parts: readonly StringPart[] }
  | { readonly type: 'list' | 'tuple'; readonly items: readonly ConditionNode[] }
  | { readonly type: 'or' | 'and'; readonly operands: readonly ConditionNode[] }
  | {
      readonly type: 'conditional';
      readonly condition: ConditionNode;
      readonly then: ConditionNode;
      readonly otherwise: ConditionNode;
    }
  | { readonly type: 'not'; readonly operand: ConditionNode }
  | { readonly type: 'unary'; readonly op: '-' | '+'; readonly operand: ConditionNode }
  | { readonly type: 'binary'; readonly op: ArithmeticOp; readonly left: ConditionNode; readonly right: ConditionNode }
  | {
      readonly type: 'compare';
      readonly left: ConditionNode;
      readonly comparisons: readonly { readonly op: CompareOp; readonly right: ConditionNode }[];
    }
  | {
      readonly type: 'call';
      readonly callee: FunctionName;
      /** In source order, bound to parameter names. */
      readonly args: readonly { readonly param: string; readonly value: ConditionNode }[];
    };

export interface ConditionAst {
  readonly expression: string;
  readonly root: ConditionNode;
}

/** Field keys the condition reads, in order of first use. */
export const fieldKeysOf = (ast: ConditionAst): string[] => {
  const keys = new Set<string>();
  const visit = (node: ConditionNode): void => {
    switch (node.type) {
      case 'literal':
        return;
      case 'field':
        keys.add(node.key);
        return;
      case 'template':
        for (const part of node.parts) if (typeof part !== 'string') keys.add(part.field);
        return;
      case 'list':
      case 'tuple':
        return node.items.forEach(visit);
      case 'or':
      case 'and':
        return node.operands.forEach(visit);
      case 'conditional':
        // Textual order, which is the order str.format meets the placeholders in.
        visit(node.then);
        visit(node.condition);
        return visit(node.otherwise);
      case 'not':
      case 'unary':
        return visit(node.operand);
      case 'binary':
        visit(node.left);
        return visit(node.right);
      case 'compare':
        visit(node.left);
        return node.comparisons.forEach((c) => visit(c.right));
      case 'call':
        return node.args.forEach((a) => visit(a.value));
    }
  };
  visit(ast.root);
  return [...keys];
};
