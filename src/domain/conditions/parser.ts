// Recursive-descent parser for the Python expression subset, following Python's grammar
// and precedence: if-else < or < and < not < comparisons < + - < * / // % < unary < atoms.
// Names are resolved here, so a condition that could call anything but the allowed
// functions never gets past parsing.

import type { ConditionAst, ConditionNode, StringPart } from './ast.ts';
import { FUNCTIONS, type FunctionName, type FunctionSignature, isFunctionName } from './builtins.ts';
import { ConditionSyntaxError } from './errors.ts';
import type { ArithmeticOp, CompareOp } from './operators.ts';
import { type Token, tokenize } from './tokenizer.ts';

/** Same as the condition_expression column, which holds the whole list. */
export const MAX_CONDITION_LENGTH = 1000;
/** Bounds recursion (parentheses, brackets, calls, unary chains) well below the JS stack. */
export const MAX_CONDITION_NESTING = 50;

const ALLOWED_CALLS = Object.keys(FUNCTIONS)
  .map((name) => `${name}()`)
  .join(', ');
const COMPARISON_OPS = new Set(['==', '!=', '<', '>', '<=', '>=']);
const ARITHMETIC_OPS = new Set(['+', '-']);
const TERM_OPS = new Set(['*', '/', '//', '%']);
const OPERATOR_WORDS = new Set(['and', 'or', 'not', 'in', 'is', 'if', 'else']);
const PYTHON_KEYWORDS = new Set([
  'elif',
  'lambda',
  'for',
  'while',
  'yield',
  'await',
  'async',
  'import',
  'from',
  'as',
  'assert',
  'del',
  'global',
  'nonlocal',
  'pass',
  'raise',
  'return',
  'try',
  'except',
  'finally',
  'with',
  'class',
  'def',
  'break',
  'continue',
]);

const describe = (token: Token): string => {
  switch (token.kind) {
    case 'end':
      return 'the end of the condition';
    case 'number':
      return `number ${token.value}`;
    case 'string':
      return 'string';
    case 'field':
      return `placeholder {${token.key}}`;
    case 'name':
      return `'${token.value}'`;
    case 'op':
      return token.value === '=' ? "'=' (use '==' to compare)" : `'${token.value}'`;
  }
};

class Parser {
  private i = 0;
  private depth = 0;

  constructor(
    private readonly source: string,
    private readonly tokens: Token[],
  ) {}

  parse(): ConditionNode {
    // Python's eval accepts a bare tuple: `{a}, {b}` is a (truthy) tuple.
    const first = this.test();
    const root = this.isOp(',') ? this.tupleRest(first, 'end') : first;
    if (this.peek().kind !== 'end') this.unexpected();
    return root;
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)];
  }

  private isOp(value: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token.kind === 'op' && token.value === value;
  }

  private isName(value: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token.kind === 'name' && token.value === value;
  }

  /** Positions point at the offending token unless a better place is given. */
  private fail(detail: string, at = this.peek().start): never {
    throw new ConditionSyntaxError(this.source, detail, at);
  }

  private unexpected(): never {
    const token = this.peek();
    if (token.kind === 'end') this.fail('the condition ends too early');
    return this.fail(`unexpected ${describe(token)}`);
  }

  private expectOp(value: string): void {
    if (!this.isOp(value)) this.fail(`expected '${value}' but found ${describe(this.peek())}`);
    this.i++;
  }

  /** Every recursive rule passes through here, so nesting is bounded however it arises. */
  private nested<T>(parse: () => T): T {
    if (++this.depth > MAX_CONDITION_NESTING) this.fail(`nesting is deeper than ${MAX_CONDITION_NESTING} levels`);
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  /** Python's `test`: an or-expression, optionally `x if condition else y`. */
  private test(): ConditionNode {
    return this.nested(() => {
      const then = this.or();
      if (!this.isName('if')) return then;
      this.i++;
      const condition = this.or();
      if (!this.isName('else')) this.fail(`expected 'else' but found ${describe(this.peek())}`);
      this.i++;
      return { type: 'conditional', condition, then, otherwise: this.test() };
    });
  }

  private or(): ConditionNode {
    return this.boolean('or', () => this.and());
  }

  private and(): ConditionNode {
    return this.boolean('and', () => this.not());
  }

  private boolean(op: 'or' | 'and', operand: () => ConditionNode): ConditionNode {
    const operands = [operand()];
    while (this.isName(op)) {
      this.i++;
      operands.push(operand());
    }
    return operands.length === 1 ? operands[0] : { type: op, operands };
  }

  private not(): ConditionNode {
    if (!this.isName('not')) return this.comparison();
    this.i++;
    return this.nested(() => ({ type: 'not', operand: this.not() }));
  }

  private comparisonOp(): CompareOp | undefined {
    const token = this.peek();
    if (token.kind === 'op' && COMPARISON_OPS.has(token.value)) {
      this.i++;
      return token.value as CompareOp;
    }
    if (this.isName('in')) {
      this.i++;
      return 'in';
    }
    if (this.isName('not') && this.isName('in', 1)) {
      this.i += 2;
      return 'not in';
    }
    if (this.isName('is')) {
      this.i++;
      if (!this.isName('not')) return 'is';
      this.i++;
      return 'is not';
    }
    return undefined;
  }

  // Python chains comparisons: `1 < {x} < 5` means `1 < {x} and {x} < 5`.
  private comparison(): ConditionNode {
    const left = this.arithmetic();
    const comparisons: { op: CompareOp; right: ConditionNode }[] = [];
    for (let op = this.comparisonOp(); op; op = this.comparisonOp()) {
      comparisons.push({ op, right: this.arithmetic() });
    }
    return comparisons.length ? { type: 'compare', left, comparisons } : left;
  }

  private arithmetic(): ConditionNode {
    return this.binary(ARITHMETIC_OPS, () => this.term());
  }

  private term(): ConditionNode {
    return this.binary(TERM_OPS, () => this.unary());
  }

  /** A left-associative run of operators of one precedence level. */
  private binary(ops: ReadonlySet<string>, operand: () => ConditionNode): ConditionNode {
    let left = operand();
    for (let token = this.peek(); token.kind === 'op' && ops.has(token.value); token = this.peek()) {
      this.i++;
      left = { type: 'binary', op: token.value as ArithmeticOp, left, right: operand() };
    }
    return left;
  }

  private unary(): ConditionNode {
    const token = this.peek();
    if (token.kind !== 'op' || (token.value !== '-' && token.value !== '+')) return this.primary();
    this.i++;
    const op = token.value;
    return this.nested(() => ({ type: 'unary', op, operand: this.unary() }));
  }

  private primary(): ConditionNode {
    const atom = this.atom();
    // The only trailers Python would accept here are attribute access, indexing and
    // calls, none of which a condition may apply to a value.
    if (this.isOp('.')) this.fail(`attribute access is not allowed; only ${ALLOWED_CALLS} may be called`);
    if (this.isOp('[')) this.fail('indexing and slicing are not supported');
    if (this.isOp('(')) this.fail(`only these functions can be called: ${ALLOWED_CALLS}`);
    return atom;
  }

  private atom(): ConditionNode {
    const token = this.peek();
    switch (token.kind) {
      case 'number':
        this.i++;
        return { type: 'literal', value: token.value };
      case 'string':
        return this.strings();
      case 'field':
        this.i++;
        return { type: 'field', key: token.key };
      case 'name':
        return this.name(token.value, token.start);
      case 'op':
        if (token.value === '(') return this.parenthesised();
        if (token.value === '[') return this.list();
        return this.unexpected();
      case 'end':
        return this.unexpected();
    }
  }

  /** Adjacent string literals concatenate, as in Python. */
  private strings(): ConditionNode {
    const parts: StringPart[] = [];
    for (let token = this.peek(); token.kind === 'string'; token = this.peek()) {
      this.i++;
      for (const part of token.parts) {
        const last = parts.at(-1);
        if (typeof part === 'string' && typeof last === 'string') parts[parts.length - 1] = last + part;
        else parts.push(part);
      }
    }
    if (parts.every((part) => typeof part === 'string')) return { type: 'literal', value: parts.join('') };
    return { type: 'template', parts };
  }

  private name(name: string, start: number): ConditionNode {
    this.i++;
    if (name === 'True' || name === 'False') return { type: 'literal', value: name === 'True' };
    if (name === 'None') return { type: 'literal', value: null };
    if (name === 'datetime') return this.datetimeCall(start);
    if (isFunctionName(name)) return this.call(name, start);
    if (PYTHON_KEYWORDS.has(name)) this.fail(`Python's '${name}' is not supported in conditions`, start);
    if (OPERATOR_WORDS.has(name)) this.fail(`unexpected '${name}'`, start);
    const allowed = `conditions may only call ${ALLOWED_CALLS} and read placeholders such as {field_key}`;
    return this.fail(`the name '${name}' is not allowed; ${allowed}`, start);
  }

  /** `datetime.<member>(...)`: the module's constructors are its only allowed use. */
  private datetimeCall(start: number): ConditionNode {
    const member = this.peek(1);
    if (!this.isOp('.') || member.kind !== 'name') {
      this.fail("'datetime' must be followed by .datetime, .date or .timedelta", start);
    }
    const name = `datetime.${(member as { value: string }).value}`;
    if (!isFunctionName(name)) this.fail(`${name} is not allowed; only ${ALLOWED_CALLS} may be called`, start);
    this.i += 2;
    if (this.isOp('.')) this.fail(`attributes of ${name} are not allowed; call ${name}(...) directly`);
    return this.call(name, start);
  }

  private call(callee: FunctionName, start: number): ConditionNode {
    if (!this.isOp('(')) this.fail(`${callee} must be called, e.g. ${callee}(...)`, start);
    this.i++;
    const positional: ConditionNode[] = [];
    const keywords: { name: string; value: ConditionNode; start: number }[] = [];
    while (!this.isOp(')')) {
      const token = this.peek();
      if (token.kind === 'name' && this.isOp('=', 1)) {
        this.i += 2;
        keywords.push({ name: token.value, value: this.test(), start: token.start });
      } else {
        if (keywords.length) this.fail('a positional argument follows a keyword argument');
        positional.push(this.test());
      }
      if (!this.isOp(',')) break;
      this.i++;
    }
    this.expectOp(')');
    return { type: 'call', callee, args: this.bind(callee, positional, keywords, start) };
  }

  /** Python's argument binding, done up front since every signature is known. */
  private bind(
    callee: FunctionName,
    positional: ConditionNode[],
    keywords: { name: string; value: ConditionNode; start: number }[],
    start: number,
  ): { param: string; value: ConditionNode }[] {
    const { params, required, keywords: takesKeywords }: FunctionSignature = FUNCTIONS[callee];
    if (positional.length > params.length) {
      const most = required === params.length ? `exactly ${params.length}` : `at most ${params.length}`;
      const plural = params.length === 1 ? '' : 's';
      this.fail(`${callee}() takes ${most} argument${plural} (${positional.length} given)`, start);
    }
    const args = positional.map((value, n) => ({ param: params[n], value }));
    for (const keyword of keywords) {
      if (!takesKeywords) this.fail(`${callee}() takes no keyword arguments`, keyword.start);
      if (!params.includes(keyword.name)) {
        this.fail(`${callee}() got an unexpected keyword argument '${keyword.name}'`, keyword.start);
      }
      if (args.some((arg) => arg.param === keyword.name)) {
        this.fail(`${callee}() got multiple values for argument '${keyword.name}'`, keyword.start);
      }
      args.push({ param: keyword.name, value: keyword.value });
    }
    const missing = params.slice(0, required).find((param) => !args.some((arg) => arg.param === param));
    if (missing) this.fail(`${callee}() is missing the required argument '${missing}'`, start);
    return args;
  }

  private parenthesised(): ConditionNode {
    const start = this.peek().start;
    this.i++;
    if (this.isOp(')')) {
      this.i++;
      return { type: 'tuple', items: [] };
    }
    const first = this.test();
    if (this.isOp(',')) return this.tupleRest(first, ')');
    if (!this.isOp(')')) {
      this.fail(`expected ')' to close the '(' at character ${start + 1} but found ${describe(this.peek())}`);
    }
    this.i++;
    return first;
  }

  /** After `first ,` — the remaining items of a tuple, trailing comma allowed. */
  private tupleRest(first: ConditionNode, close: ')' | 'end'): ConditionNode {
    const items = [first];
    const closed = (): boolean => (close === 'end' ? this.peek().kind === 'end' : this.isOp(close));
    while (this.isOp(',')) {
      this.i++;
      if (closed()) break;
      items.push(this.test());
    }
    if (close === ')') this.expectOp(')');
    return { type: 'tuple', items };
  }

  private list(): ConditionNode {
    this.i++;
    const items: ConditionNode[] = [];
    while (!this.isOp(']')) {
      items.push(this.test());
      if (!this.isOp(',')) break;
      this.i++;
    }
    this.expectOp(']');
    return { type: 'list', items };
  }
}

/** Parses without values, so configurations can be checked before any ticket exists. */
export const parseCondition = (expression: string): ConditionAst => {
  if (expression.length > MAX_CONDITION_LENGTH) {
    throw new ConditionSyntaxError(expression, `it is longer than ${MAX_CONDITION_LENGTH} characters`);
  }
  if (expression.trim() === '') throw new ConditionSyntaxError(expression, 'it is empty');
  return { expression, root: new Parser(expression, tokenize(expression)).parse() };
};
