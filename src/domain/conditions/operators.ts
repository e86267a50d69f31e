// Python's arithmetic, unary and comparison operators over condition values.

import { PyTimedelta, addTemporal, negateTimedelta, scaleTimedelta, subtractTemporal } from './datetime.ts';
import { typeFailure, valueFailure } from './errors.ts';
import { type PyList, type PyValue, PyTuple, compareOrder, contains, isNumeric, pyEquals, typeName, withDateStrings } from './values.ts';

export type ArithmeticOp = '+' | '-' | '*' | '/' | '//' | '%';
export type CompareOp = '==' | '!=' | '<' | '>' | '<=' | '>=' | 'in' | 'not in' | 'is' | 'is not';

// `'x' * 1000000000`, or a chain of concatenations, would otherwise exhaust memory before
// any other limit applies. Ticket text fields stay far below this.
const MAX_SEQUENCE_LENGTH = 1_000_000;

const unsupported = (op: string, a: PyValue, b: PyValue): Error =>
  typeFailure(`unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`);

const numeric = (op: ArithmeticOp, x: number, y: number): number => {
  switch (op) {
    case '+':
      return x + y;
    case '-':
      return x - y;
    case '*':
      return x * y;
    case '/':
      if (y === 0) throw valueFailure('division by zero');
      return x / y;
    case '//':
      if (y === 0) throw valueFailure('integer division or modulo by zero');
      return Math.floor(x / y);
    case '%': {
      if (y === 0) throw valueFailure('integer modulo by zero');
      // Python's remainder takes the sign of the divisor.
      const r = x % y;
      return r !== 0 && r < 0 !== y < 0 ? r + y : r;
    }
  }
};

type Repeatable = string | PyList | PyTuple;

const isRepeatable = (v: PyValue): v is Repeatable => typeof v === 'string' || Array.isArray(v) || v instanceof PyTuple;

const checkLength = (length: number): void => {
  if (length > MAX_SEQUENCE_LENGTH) throw valueFailure(`the result would be longer than ${MAX_SEQUENCE_LENGTH} items`);
};

const repeat = (seq: Repeatable, times: number | boolean): PyValue => {
  const n = Number(times);
  if (!Number.isInteger(n)) throw typeFailure(`can't multiply sequence by non-int of type '${typeName(times)}'`);
  const count = Math.max(n, 0);
  if (typeof seq === 'string') {
    checkLength(seq.length * count);
    return seq.repeat(count);
  }
  const items = seq instanceof PyTuple ? seq.items : seq;
  checkLength(items.length * count);
  const out: PyValue[] = [];
  for (let k = 0; k < count; k++) for (const item of items) out.push(item);
  return seq instanceof PyTuple ? new PyTuple(out) : out;
};

/** + on two sequences of the same kind; undefined for mixed kinds, which Python refuses. */
const concat = (a: Repeatable, b: Repeatable): PyValue | undefined => {
  if (typeof a === 'string' || typeof b === 'string') {
    if (typeof a !== 'string' || typeof b !== 'string') return undefined;
    checkLength(a.length + b.length);
    return a + b;
  }
  if (a instanceof PyTuple !== b instanceof PyTuple) return undefined;
  const items = [...(a instanceof PyTuple ? a.items : a), ...(b instanceof PyTuple ? b.items : b)];
  checkLength(items.length);
  return a instanceof PyTuple ? new PyTuple(items) : items;
};

export const arithmetic = (op: ArithmeticOp, a: PyValue, b: PyValue): PyValue => {
  if (isNumeric(a) && isNumeric(b)) return numeric(op, Number(a), Number(b));
  if (op === '+' && isRepeatable(a) && isRepeatable(b)) {
    const joined = concat(a, b);
    if (joined !== undefined) return joined;
  }
  if (op === '*') {
    if (isRepeatable(a) && isNumeric(b)) return repeat(a, b);
    if (isNumeric(a) && isRepeatable(b)) return repeat(b, a);
  }
  if (a instanceof PyTimedelta || b instanceof PyTimedelta) {
    const scaled = scaleTimedelta(op, a, b);
    if (scaled !== undefined) return scaled;
  }
  if (op === '+' || op === '-') {
    const [x, y] = withDateStrings(a, b, true);
    const result = op === '+' ? addTemporal(x, y) : subtractTemporal(x, y);
    if (result) return result;
  }
  if (op === '%' && typeof a === 'string') throw typeFailure("string formatting with '%' is not supported");
  throw unsupported(op, a, b);
};

export const unary = (op: '-' | '+', v: PyValue): PyValue => {
  if (isNumeric(v)) return op === '-' ? -Number(v) : Number(v);
  if (v instanceof PyTimedelta) return op === '-' ? negateTimedelta(v) : v;
  throw typeFailure(`bad operand type for unary ${op}: '${typeName(v)}'`);
};

export const compare = (op: CompareOp, a: PyValue, b: PyValue): boolean => {
  switch (op) {
    case '==':
      return pyEquals(a, b);
    case '!=':
      return !pyEquals(a, b);
    case 'in':
      return contains(b, a);
    case 'not in':
      return !contains(b, a);
    // Identity: meant for `is None`; Python's identity of equal ints/strings is an interpreter detail.
    case 'is':
      return a === b;
    case 'is not':
      return a !== b;
    case '<':
      return compareOrder(op, a, b) < 0;
    case '>':
      return compareOrder(op, a, b) > 0;
    case '<=':
      return compareOrder(op, a, b) <= 0;
    case '>=':
      return compareOrder(op, a, b) >= 0;
  }
};
