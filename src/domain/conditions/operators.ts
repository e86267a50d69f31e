// Python's arithmetic, unary and comparison operators over condition values.

import { PyTimedelta, addTemporal, negateTimedelta, scaleTimedelta, subtractTemporal } from './datetime.ts';
import { typeFailure, valueFailure } from './errors.ts';
import {
  type PyList,
  type PyValue,
  PyTuple,
  compareOrder,
  contains,
  isNumeric,
  pyEquals,
  typeName,
  withDateStrings,
} from './values.ts';

export type ArithmeticOp = '+' | '-' | '*' | '/' | '//' | '%';
export type CompareOp = '==' | '!=' | '<' | '>' | '<=' | '>=' | 'in' | 'not in' | 'is' | 'is not';

// `'x' * 10**9` would otherwise exhaust memory before any other limit applies.
export const MAX_REPEAT_LENGTH = 1_000_000;

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

const repeat = (seq: Repeatable, times: number | boolean): PyValue => {
  const n = Number(times);
  if (!Number.isInteger(n)) throw typeFailure(`can't multiply sequence by non-int of type '${typeName(times)}'`);
  const count = Math.max(n, 0);
  if (typeof seq === 'string') {
    if (seq.length * count > MAX_REPEAT_LENGTH) throw tooLarge();
    return seq.repeat(count);
  }
  const items = seq instanceof PyTuple ? seq.items : seq;
  if (items.length * count > MAX_REPEAT_LENGTH) throw tooLarge();
  const out: PyValue[] = [];
  for (let k = 0; k < count; k++) for (const item of items) out.push(item);
  return seq instanceof PyTuple ? new PyTuple(out) : out;
};

const tooLarge = (): Error => valueFailure(`repetition would produce more than ${MAX_REPEAT_LENGTH} items`);

export const arithmetic = (op: ArithmeticOp, a: PyValue, b: PyValue): PyValue => {
  if (isNumeric(a) && isNumeric(b)) return numeric(op, Number(a), Number(b));
  if (op === '+') {
    if (typeof a === 'string' && typeof b === 'string') return a + b;
    if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
    if (a instanceof PyTuple && b instanceof PyTuple) return new PyTuple([...a.items, ...b.items]);
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
