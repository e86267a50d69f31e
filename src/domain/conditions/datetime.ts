// Python's datetime.date, datetime.datetime and datetime.timedelta, reduced to what
// conditions need: construction with Python's range checks, ordering, arithmetic, str/repr.
// Dates are a day ordinal (0001-01-01 is day 1, as date.toordinal()) plus microseconds
// within the day; timedelta arithmetic runs in BigInt microseconds, because a double cannot
// hold 999999999 days in microseconds exactly.

import { daysInMonth, isLeap } from '../calendar.ts';
import { typeFailure, valueFailure } from './errors.ts';

const DAY_MICROS = 86_400_000_000;
const DAY = BigInt(DAY_MICROS);
const MAX_TIMEDELTA_DAYS = 999_999_999n;
const MAX_ORDINAL = 3_652_059; // 9999-12-31
const UNIX_EPOCH_ORDINAL = 719_163; // 1970-01-01
const DAYS_BEFORE_MONTH = [0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];

export class PyDate {
  constructor(readonly ordinal: number) {}
}

export class PyDateTime {
  constructor(
    readonly ordinal: number,
    readonly micros: number,
  ) {}
}

/** Normalised like Python: any number of days, 0 <= micros < one day. */
export class PyTimedelta {
  constructor(
    readonly days: number,
    readonly micros: number,
  ) {}
}

export type PyTemporal = PyDate | PyDateTime | PyTimedelta;

export const isTemporal = (v: unknown): v is PyTemporal => v instanceof PyDate || v instanceof PyDateTime || v instanceof PyTimedelta;

// ---- calendar ----

const toOrdinal = (y: number, m: number, d: number): number => {
  const py = y - 1;
  const before = py * 365 + Math.floor(py / 4) - Math.floor(py / 100) + Math.floor(py / 400);
  return before + DAYS_BEFORE_MONTH[m] + (m > 2 && isLeap(y) ? 1 : 0) + d;
};

// Date.UTC cannot be used the other way round (it maps years below 100 to 19xx), but a
// millisecond offset round-trips fine for all of 1..9999.
const fromOrdinal = (ordinal: number): [number, number, number] => {
  const d = new Date((ordinal - UNIX_EPOCH_ORDINAL) * 86_400_000);
  return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
};

const checkOrdinal = (ordinal: number): number => {
  if (ordinal < 1 || ordinal > MAX_ORDINAL) throw valueFailure('date value out of range');
  return ordinal;
};

const checkRange = (value: number, name: string, min: number, max: number): void => {
  if (value < min || value > max) throw valueFailure(`${name} must be in ${min}..${max}`);
};

export const makeDate = (year: number, month: number, day: number): PyDate => {
  if (year < 1 || year > 9999) throw valueFailure(`year ${year} is out of range`);
  checkRange(month, 'month', 1, 12);
  if (day < 1 || day > daysInMonth(year, month)) throw valueFailure('day is out of range for month');
  return new PyDate(toOrdinal(year, month, day));
};

export const makeDateTime = (year: number, month: number, day: number, hour = 0, minute = 0, second = 0, microsecond = 0): PyDateTime => {
  const date = makeDate(year, month, day);
  checkRange(hour, 'hour', 0, 23);
  checkRange(minute, 'minute', 0, 59);
  checkRange(second, 'second', 0, 59);
  checkRange(microsecond, 'microsecond', 0, 999_999);
  return new PyDateTime(date.ordinal, ((hour * 60 + minute) * 60 + second) * 1_000_000 + microsecond);
};

// ---- timedelta ----

/** Microseconds per unit, in Python's positional parameter order. */
export const TIMEDELTA_UNITS = {
  days: DAY_MICROS,
  seconds: 1_000_000,
  microseconds: 1,
  milliseconds: 1_000,
  minutes: 60_000_000,
  hours: 3_600_000_000,
  weeks: 7 * DAY_MICROS,
} as const;

export type TimedeltaUnit = keyof typeof TIMEDELTA_UNITS;

const floorDiv = (a: bigint, b: bigint): bigint => {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
};

const fromMicros = (total: bigint): PyTimedelta => {
  const days = floorDiv(total, DAY);
  if (days > MAX_TIMEDELTA_DAYS || days < -MAX_TIMEDELTA_DAYS) {
    throw valueFailure(`days=${days}; must have magnitude <= ${MAX_TIMEDELTA_DAYS}`);
  }
  return new PyTimedelta(Number(days), Number(total - days * DAY));
};

/** The exact fraction a double stands for, as Python's float.as_integer_ratio(). */
const integerRatio = (x: number): [bigint, bigint] => {
  if (!Number.isFinite(x)) throw valueFailure('the timedelta would not be a finite duration');
  let denominator = 1n;
  // Doubling is exact and ends within 1075 steps.
  for (; !Number.isInteger(x); x *= 2) denominator *= 2n;
  return [BigInt(x), denominator];
};

/** round(a / b) with halves to even, in integers, as Python's timedelta arithmetic. */
const divideAndRound = (a: bigint, b: bigint): bigint => {
  if (b < 0n) return divideAndRound(-a, -b);
  const q = floorDiv(a, b);
  const twiceRest = 2n * (a - q * b);
  return twiceRest > b || (twiceRest === b && q % 2n !== 0n) ? q + 1n : q;
};

const totalMicros = (td: PyTimedelta): bigint => BigInt(td.days) * DAY + BigInt(td.micros);

export const makeTimedelta = (parts: Partial<Record<TimedeltaUnit, number>>): PyTimedelta => {
  let total = 0n;
  for (const [unit, value] of Object.entries(parts) as [TimedeltaUnit, number][]) {
    const [numerator, denominator] = integerRatio(value);
    total += divideAndRound(numerator * BigInt(TIMEDELTA_UNITS[unit]), denominator);
  }
  return fromMicros(total);
};

export const negateTimedelta = (td: PyTimedelta): PyTimedelta => fromMicros(-totalMicros(td));

export const absTimedelta = (td: PyTimedelta): PyTimedelta => (td.days < 0 ? negateTimedelta(td) : td);

// ---- arithmetic ----

/** a + b, or undefined when Python has no + for these operand types. */
export const addTemporal = (a: unknown, b: unknown): PyTemporal | undefined => {
  if (a instanceof PyTimedelta && !(b instanceof PyTimedelta)) return addTemporal(b, a);
  if (!(b instanceof PyTimedelta)) return undefined;
  if (a instanceof PyTimedelta) return fromMicros(totalMicros(a) + totalMicros(b));
  // date + timedelta ignores the timedelta's time of day, as Python does.
  if (a instanceof PyDate) return new PyDate(checkOrdinal(a.ordinal + b.days));
  if (a instanceof PyDateTime) {
    const carry = Math.floor((a.micros + b.micros) / DAY_MICROS);
    return new PyDateTime(checkOrdinal(a.ordinal + b.days + carry), a.micros + b.micros - carry * DAY_MICROS);
  }
  return undefined;
};

/** a - b, or undefined when Python has no - for these operand types. */
export const subtractTemporal = (a: unknown, b: unknown): PyTemporal | undefined => {
  // date - timedelta subtracts whole days only, as Python's date.__sub__ does.
  if (a instanceof PyDate && b instanceof PyTimedelta) return new PyDate(checkOrdinal(a.ordinal - b.days));
  if (a instanceof PyTimedelta && b instanceof PyTimedelta) return fromMicros(totalMicros(a) - totalMicros(b));
  if (a instanceof PyDateTime && b instanceof PyTimedelta) return addTemporal(a, negateTimedelta(b));
  if (a instanceof PyDate && b instanceof PyDate) return fromMicros(BigInt(a.ordinal - b.ordinal) * DAY);
  if (a instanceof PyDateTime && b instanceof PyDateTime) {
    return fromMicros(BigInt(a.ordinal - b.ordinal) * DAY + BigInt(a.micros - b.micros));
  }
  return undefined;
};

const asNumber = (v: unknown): number | undefined => (typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : undefined);

/**
 * Python's timedelta * number, timedelta / (number | timedelta), timedelta // (int |
 * timedelta) and timedelta % timedelta; undefined where Python has no such operator.
 * `({end} - {start}) / datetime.timedelta(hours=1)` is how a condition gets hours.
 */
export const scaleTimedelta = (op: string, a: unknown, b: unknown): PyTimedelta | number | undefined => {
  if (op === '*') {
    const [td, n] = a instanceof PyTimedelta ? [a, asNumber(b)] : [b, asNumber(a)];
    if (!(td instanceof PyTimedelta) || n === undefined) return undefined;
    const [numerator, denominator] = integerRatio(n);
    return fromMicros(divideAndRound(totalMicros(td) * numerator, denominator));
  }
  if (!(a instanceof PyTimedelta) || (op !== '/' && op !== '//' && op !== '%')) return undefined;
  const dividend = totalMicros(a);
  if (b instanceof PyTimedelta) {
    const divisor = totalMicros(b);
    if (divisor === 0n) throw valueFailure(op === '/' ? 'division by zero' : 'integer division or modulo by zero');
    if (op === '/') return Number(dividend) / Number(divisor);
    if (op === '//') return Number(floorDiv(dividend, divisor));
    return fromMicros(dividend - floorDiv(dividend, divisor) * divisor);
  }
  const n = asNumber(b);
  if (n === undefined || op === '%') return undefined;
  if (n === 0) throw valueFailure('division by zero');
  if (op === '/') {
    const [numerator, denominator] = integerRatio(n);
    return fromMicros(divideAndRound(dividend * denominator, numerator));
  }
  return Number.isInteger(n) ? fromMicros(floorDiv(dividend, BigInt(n))) : undefined;
};

// ---- comparison ----

const kindName = (v: PyTemporal): string =>
  v instanceof PyDate ? 'datetime.date' : v instanceof PyDateTime ? 'datetime.datetime' : 'datetime.timedelta';

const sortKey = (v: PyTemporal): [number, number] =>
  v instanceof PyDate ? [v.ordinal, 0] : v instanceof PyDateTime ? [v.ordinal, v.micros] : [v.days, v.micros];

/** Ordering of two temporal values of the same class; Python refuses to order mixed ones. */
export const compareTemporal = (a: PyTemporal, b: PyTemporal): number => {
  if (a.constructor !== b.constructor) throw typeFailure(`can't compare ${kindName(a)} to ${kindName(b)}`);
  const [ad, am] = sortKey(a);
  const [bd, bm] = sortKey(b);
  return ad !== bd ? ad - bd : am - bm;
};

export const temporalEquals = (a: PyTemporal, b: PyTemporal): boolean => a.constructor === b.constructor && compareTemporal(a, b) === 0;

const DATE_STRING = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2}))?$/;

/**
 * Extension: reads "YYYY-MM-DD" as a date and "YYYY-MM-DD HH:MM:SS" as a datetime, so that
 * ticket date fields (which arrive as strings) can meet datetime values. A date string
 * becomes midnight when the other side is a datetime. Undefined if not such a string.
 */
export const parseDateString = (s: string, other: PyTemporal): PyDate | PyDateTime | undefined => {
  const m = DATE_STRING.exec(s);
  if (!m) return undefined;
  const [y, mo, d] = [m[1], m[2], m[3]].map(Number);
  try {
    if (m[4] === undefined && !(other instanceof PyDateTime)) return makeDate(y, mo, d);
    return makeDateTime(y, mo, d, Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0));
  } catch {
    return undefined; // not a calendar date: stays an ordinary string
  }
};

// ---- text ----

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

const dateText = (ordinal: number): string => {
  const [y, m, d] = fromOrdinal(ordinal);
  return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
};

const clock = (micros: number): [number, number, number, number] => {
  const seconds = Math.floor(micros / 1_000_000);
  return [Math.floor(seconds / 3600), Math.floor(seconds / 60) % 60, seconds % 60, micros % 1_000_000];
};

/** Python str(). */
export const temporalStr = (v: PyTemporal): string => {
  if (v instanceof PyDate) return dateText(v.ordinal);
  const [h, m, s, us] = clock(v.micros);
  const fraction = us ? `.${pad(us, 6)}` : '';
  if (v instanceof PyDateTime) return `${dateText(v.ordinal)} ${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}${fraction}`;
  const days = v.days ? `${v.days} day${Math.abs(v.days) === 1 ? '' : 's'}, ` : '';
  return `${days}${h}:${pad(m, 2)}:${pad(s, 2)}${fraction}`;
};

/** Python repr(), as shown when such a value sits inside a list passed to str(). */
export const temporalRepr = (v: PyTemporal): string => {
  if (v instanceof PyTimedelta) {
    const seconds = Math.floor(v.micros / 1_000_000);
    const us = v.micros % 1_000_000;
    const parts = [v.days && `days=${v.days}`, seconds && `seconds=${seconds}`, us && `microseconds=${us}`];
    return `datetime.timedelta(${parts.filter(Boolean).join(', ') || '0'})`;
  }
  const ymd = fromOrdinal(v.ordinal);
  if (v instanceof PyDate) return `datetime.date(${ymd.join(', ')})`;
  const [h, m, s, us] = clock(v.micros);
  const time = us ? [h, m, s, us] : s ? [h, m, s] : [h, m];
  return `datetime.datetime(${[...ymd, ...time].join(', ')})`;
};
