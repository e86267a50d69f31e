// The only callables a condition may use. loonflow evaluates with {'__builtins__': None}
// and exposes datetime, time and abs; datetime's constructors and abs are kept. len, int,
// float and str are an extension (r2.0.9+ rejects them at run time) because they are
// harmless; time.* and datetime.datetime.now() are left out so a condition's outcome
// depends only on the ticket.

import { TIMEDELTA_UNITS, type TimedeltaUnit, PyTimedelta, absTimedelta, makeDate, makeDateTime, makeTimedelta } from './datetime.ts';
import { typeFailure, valueFailure } from './errors.ts';
import { type PyValue, PyTuple, isNumeric, pyRepr, pyStr, typeName } from './values.ts';

export interface FunctionSignature {
  /** Parameter names in positional order. */
  readonly params: readonly string[];
  readonly required: number;
  /** Python's abs/len/int/float/str take no keyword arguments. */
  readonly keywords: boolean;
}

const SINGLE: FunctionSignature = { params: ['x'], required: 1, keywords: false };
const OPTIONAL: FunctionSignature = { params: ['x'], required: 0, keywords: false };

export const FUNCTIONS = {
  abs: SINGLE,
  len: SINGLE,
  int: OPTIONAL,
  float: OPTIONAL,
  str: OPTIONAL,
  'datetime.datetime': {
    params: ['year', 'month', 'day', 'hour', 'minute', 'second', 'microsecond'],
    required: 3,
    keywords: true,
  },
  'datetime.date': { params: ['year', 'month', 'day'], required: 3, keywords: true },
  // Python's own parameter order, so timedelta(1) is one day as in loonflow.
  'datetime.timedelta': { params: Object.keys(TIMEDELTA_UNITS), required: 0, keywords: true },
} as const satisfies Record<string, FunctionSignature>;

export type FunctionName = keyof typeof FUNCTIONS;

export const isFunctionName = (name: string): name is FunctionName => Object.hasOwn(FUNCTIONS, name);

const INT_TEXT = /^[+-]?\d(?:_?\d)*$/;
const FLOAT_TEXT = /^[+-]?(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?$/;
const FLOAT_SPECIAL = /^([+-]?)(inf|infinity|nan)$/i;

const toInt = (v: PyValue): number => {
  if (typeof v === 'boolean') return Number(v);
  if (typeof v === 'number') {
    if (Number.isNaN(v)) throw valueFailure('cannot convert float NaN to integer');
    if (!Number.isFinite(v)) throw valueFailure('cannot convert float infinity to integer');
    return Math.trunc(v) || 0; // no -0
  }
  if (typeof v === 'string') {
    const text = v.trim();
    if (INT_TEXT.test(text)) return Number(text.replaceAll('_', ''));
    throw valueFailure(`invalid literal for int() with base 10: ${pyRepr(v)}`);
  }
  throw typeFailure(`int() argument must be a string or a number, not '${typeName(v)}'`);
};

const toFloat = (v: PyValue): number => {
  if (isNumeric(v)) return Number(v);
  if (typeof v === 'string') {
    const text = v.trim();
    if (FLOAT_TEXT.test(text)) return Number(text.replaceAll('_', ''));
    const special = FLOAT_SPECIAL.exec(text);
    if (special) {
      if (special[2].toLowerCase() === 'nan') return NaN;
      return special[1] === '-' ? -Infinity : Infinity;
    }
    throw valueFailure(`could not convert string to float: ${pyRepr(v)}`);
  }
  throw typeFailure(`float() argument must be a string or a number, not '${typeName(v)}'`);
};

const length = (v: PyValue): number => {
  if (typeof v === 'string') return [...v].length; // code points, as Python counts
  if (Array.isArray(v)) return v.length;
  if (v instanceof PyTuple) return v.items.length;
  throw typeFailure(`object of type '${typeName(v)}' has no len()`);
};

const absolute = (v: PyValue): PyValue => {
  if (isNumeric(v)) return Math.abs(Number(v));
  if (v instanceof PyTimedelta) return absTimedelta(v);
  throw typeFailure(`bad operand type for abs(): '${typeName(v)}'`);
};

const integerArgument = (v: PyValue): number => {
  if (typeof v === 'boolean') return Number(v);
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  throw typeFailure(`'${typeName(v)}' object cannot be interpreted as an integer`);
};

const timedeltaArgument = (unit: string, v: PyValue): number => {
  if (isNumeric(v)) return Number(v);
  throw typeFailure(`unsupported type for timedelta ${unit} component: ${typeName(v)}`);
};

/** Calls a function with arguments already bound to parameter names by the parser. */
export const callFunction = (name: FunctionName, args: ReadonlyMap<string, PyValue>): PyValue => {
  const x = args.get('x');
  const int = (param: string): number => (args.has(param) ? integerArgument(args.get(param)!) : 0);
  switch (name) {
    case 'abs':
      return absolute(x!);
    case 'len':
      return length(x!);
    case 'int':
      return x === undefined ? 0 : toInt(x);
    case 'float':
      return x === undefined ? 0 : toFloat(x);
    case 'str':
      return x === undefined ? '' : pyStr(x);
    case 'datetime.date':
      return makeDate(int('year'), int('month'), int('day'));
    case 'datetime.datetime':
      return makeDateTime(int('year'), int('month'), int('day'), int('hour'), int('minute'), int('second'), int('microsecond'));
    case 'datetime.timedelta': {
      const parts: Partial<Record<TimedeltaUnit, number>> = {};
      for (const [unit, value] of args) parts[unit as TimedeltaUnit] = timedeltaArgument(unit, value);
      return makeTimedelta(parts);
    }
  }
};
