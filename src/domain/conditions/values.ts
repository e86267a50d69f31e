// The runtime value model: what a Python expression in a loonflow condition can produce,
// and the Python semantics of truthiness, ==, ordering, `in`, str() and repr() over it.
// Numbers are JS doubles: Python's int/float distinction cannot be recovered from JSON
// ticket values anyway, so whole numbers behave (and print) as ints.

import {
  PyDate,
  PyDateTime,
  PyTimedelta,
  compareTemporal,
  isTemporal,
  parseDateString,
  temporalEquals,
  temporalRepr,
  temporalStr,
} from './datetime.ts';
import { typeFailure } from './errors.ts';

export class PyTuple {
  constructor(readonly items: readonly PyValue[]) {}
}

export type PyList = readonly PyValue[];

export type PyValue = null | boolean | number | string | PyList | PyTuple | PyDate | PyDateTime | PyTimedelta;

/** Python's bool is an int: True + 1 == 2, True == 1. */
export const isNumeric = (v: PyValue): v is number | boolean => typeof v === 'number' || typeof v === 'boolean';

// Array.isArray does not narrow readonly arrays out of a union.
const isList = (v: PyValue): v is PyList => Array.isArray(v);

export const isSequence = (v: PyValue): v is PyList | PyTuple => isList(v) || v instanceof PyTuple;

export const typeName = (v: PyValue): string => {
  if (v === null) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'string') return 'str';
  if (isList(v)) return 'list';
  if (v instanceof PyTuple) return 'tuple';
  if (v instanceof PyDate) return 'datetime.date';
  return v instanceof PyDateTime ? 'datetime.datetime' : 'datetime.timedelta';
};

export const truthy = (v: PyValue): boolean => {
  if (v === null) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0; // NaN is truthy in Python
  if (typeof v === 'string' || isList(v)) return v.length > 0;
  if (v instanceof PyTuple) return v.items.length > 0;
  if (v instanceof PyTimedelta) return v.days !== 0 || v.micros !== 0;
  return true;
};

const MAX_INPUT_DEPTH = 32;

/**
 * Converts a ticket value to the value loonflow's substitution would have produced:
 * strings stay strings (they were wrapped in triple quotes), null/undefined become None,
 * arrays become lists. Anything else has no Python literal form here.
 */
export const fromInput = (raw: unknown, field: string, depth = 0): PyValue => {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean') return raw;
  // The depth bound also stops self-referencing arrays.
  if (Array.isArray(raw) && depth < MAX_INPUT_DEPTH) {
    return Array.from(raw, (item: unknown) => fromInput(item, field, depth + 1));
  }
  const what = Array.isArray(raw) ? 'a list nested too deeply' : `a value of type ${typeof raw}`;
  throw typeFailure(`field "${field}" holds ${what}, which conditions cannot use`);
};

/** Python repr() of a float or int, for whole numbers as an int. */
const numberText = (n: number): string => {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  if (Number.isInteger(n)) return BigInt(n).toString();
  // Python switches to exponent notation below 1e-4 and pads the exponent to two digits.
  if (Math.abs(n) < 1e-4) return n.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  return String(n);
};

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

const stringRepr = (s: string): string => {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = q;
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === q) out += `\\${q}`;
    else if (Object.hasOwn(ESCAPES, ch)) out += ESCAPES[ch];
    else if (code < 0x20 || (code >= 0x7f && code < 0xa0)) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + q;
};

export const pyRepr = (v: PyValue): string => {
  if (typeof v === 'string') return stringRepr(v);
  return isTemporal(v) ? temporalRepr(v) : pyStr(v);
};

export const pyStr = (v: PyValue): string => {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return numberText(v);
  if (typeof v === 'string') return v;
  if (isList(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (v instanceof PyTuple) {
    return v.items.length === 1 ? `(${pyRepr(v.items[0])},)` : `(${v.items.map(pyRepr).join(', ')})`;
  }
  return temporalStr(v);
};

/**
 * Extension: a "YYYY-MM-DD" / "YYYY-MM-DD HH:MM:SS" string meeting a date or datetime (or,
 * for + and -, a timedelta) is read as one. Python would raise TypeError for every such
 * mix, so no expression that works in loonflow changes meaning.
 */
export const withDateStrings = (a: PyValue, b: PyValue, withTimedelta: boolean): [PyValue, PyValue] => {
  const partner = (v: PyValue): v is PyDate | PyDateTime | PyTimedelta =>
    v instanceof PyDate || v instanceof PyDateTime || (withTimedelta && v instanceof PyTimedelta);
  if (typeof a === 'string' && partner(b)) return [parseDateString(a, b) ?? a, b];
  if (typeof b === 'string' && partner(a)) return [a, parseDateString(b, a) ?? b];
  return [a, b];
};

const sequenceItems = (v: PyList | PyTuple): readonly PyValue[] => (v instanceof PyTuple ? v.items : v);

// Python never compares a list with a tuple element-wise.
const pairedItems = (a: PyValue, b: PyValue): [readonly PyValue[], readonly PyValue[]] | undefined => {
  if (isList(a) && isList(b)) return [a, b];
  if (a instanceof PyTuple && b instanceof PyTuple) return [a.items, b.items];
  return undefined;
};

/** Python ==: values of unrelated types are simply unequal. */
export const pyEquals = (a: PyValue, b: PyValue): boolean => {
  if (a === null || b === null) return a === b;
  if (isNumeric(a) && isNumeric(b)) return Number(a) === Number(b);
  if (typeof a === 'string' && typeof b === 'string') return a === b;
  const pair = pairedItems(a, b);
  if (pair) {
    const [x, y] = pair;
    return x.length === y.length && x.every((item, i) => pyEquals(item, y[i]));
  }
  const [x, y] = withDateStrings(a, b, false);
  return isTemporal(x) && isTemporal(y) && temporalEquals(x, y);
};

/** Python orders strings by code point; JS < compares UTF-16 units, which differs past U+FFFF. */
const compareStrings = (a: string, b: string): number => {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(j)!;
    if (x !== y) return x - y;
    i += x > 0xffff ? 2 : 1;
    j += y > 0xffff ? 2 : 1;
  }
  return a.length - i - (b.length - j);
};

const sign = (x: number, y: number): number => (x < y ? -1 : x > y ? 1 : x === y ? 0 : NaN);

/**
 * Negative, zero or positive like a comparator; NaN when unordered (Python's float nan
 * makes every ordering false). Throws Python's TypeError for types that have no order.
 */
export const compareOrder = (op: string, a: PyValue, b: PyValue): number => {
  if (isNumeric(a) && isNumeric(b)) return sign(Number(a), Number(b));
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  const pair = pairedItems(a, b);
  if (pair) {
    const [x, y] = pair;
    for (let i = 0; i < x.length && i < y.length; i++) {
      if (!pyEquals(x[i], y[i])) return compareOrder(op, x[i], y[i]);
    }
    return x.length - y.length;
  }
  const [x, y] = withDateStrings(a, b, false);
  if (isTemporal(x) && isTemporal(y)) return compareTemporal(x, y);
  const dateAndString = (typeof x === 'string' && isTemporal(y)) || (typeof y === 'string' && isTemporal(x));
  const hint = dateAndString ? ' (a string meets a date only in the form YYYY-MM-DD or YYYY-MM-DD HH:MM:SS)' : '';
  throw typeFailure(`'${op}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'${hint}`);
};

/** Python `item in container` for strings (substring) and lists/tuples (membership). */
export const contains = (container: PyValue, item: PyValue): boolean => {
  if (typeof container === 'string') {
    if (typeof item !== 'string') {
      throw typeFailure(`'in <string>' requires string as left operand, not ${typeName(item)}`);
    }
    return container.includes(item);
  }
  if (isSequence(container)) return sequenceItems(container).some((x) => pyEquals(x, item));
  throw typeFailure(`argument of type '${typeName(container)}' is not iterable`);
};
