// Python's datetime.date, datetime.datetime and datetime.timedelta, reduced to what
// conditions need: construction with Python's range checks, ordering, + and -, str/repr.
// Values are kept as a day ordinal (0001-01-01 is day 1, as date.toordinal()) plus
// microseconds within the day, so no float ever holds a full timestamp in microseconds.

import { typeFailure, valueFailure } from './errors.ts';

const DAY_MICROS = 86_400_000_000;
const MAX_TIMEDELTA_DAYS = 999_999_999;
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

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

const daysInMonth = (y: number, m: number): number =>
  m === 2 ? (isLeap(y) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;

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

export const makeDateTime = (
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
  microsecond = 0,
): PyDateTime => {
  const date = makeDate(year, month, day);
  checkRange(hour, 'hour', 0, 23);
  checkRange(minute, 'minute', 0, 59);
  checkRange(second, 'second', 0, 59);
  checkRange(microsecond, 'microsecond', 0, 999_999);
  return new PyDateTime(date.ordinal, ((hour * 60 + minute) * 60 + second) * 1_000_000 + microsecond);
};

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

/** Sums the components in BigInt so whole-number arguments are exact over the full range. */
export const makeTimedelta = (parts: Partial<Record<TimedeltaUnit, number>>): PyTimedelta => {
  let total = 0n;
  for (const [unit, value] of Object.entries(parts) as [TimedeltaUnit, number][]) {
    if (!Number.isFinite(value)) throw valueFailure(`timedelta ${unit} must be a finite number`);
    total += Number.isInteger(value)
      ? BigInt(value) * BigInt(TIMEDELTA_UNITS[unit])
      : BigInt(roundHalfEven(value * TIMEDELTA_UNITS[unit]));
  }
  return timedeltaFromMicros(total);
};

/** Python's round(): halves go to the even neighbour. */
const roundHalfEven = (x: number): number => {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
};

const DAY = BigInt(DAY_MICROS);

const totalMicros = (td: PyTimedelta): bigint => BigInt(td.days) * DAY + BigInt(td.micros);

const fromFloatMicros = (micros: number): PyTimedelta => {
  if (!Number.isFinite(micros)) throw valueFailure('the timedelta would not be a finite duration');
  return timedeltaFromMicros(BigInt(roundHalfEven(micros)));
};

const floorDiv = (a: bigint, b: bigint): bigint => {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
};

const asNumber = (v: unknown): number | undefined =>
  typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : undefined;

/**
 * Python's timedelta * number, timedelta / (number | timedelta), timedelta // (int |
 * timedelta) and timedelta % timedelta; undefined where Python has no such operator.
 */
export const scaleTimedelta = (op: string, a: unknown, b: unknown): PyTimedelta | number | undefined => {
  if (op === '*') {
    const [td, n] = a instanceof PyTimedelta ? [a, asNumber(b)] : [b, asNumber(a)];
    if (!(td instanceof PyTimedelta) || n === undefined) return undefined;
    return Number.isInteger(n) ? timedeltaFromMicros(totalMicros(td) * BigInt(n)) : fromFloatMicros(Number(totalMicros(td)) * n);
  }
  if (!(a instanceof PyTimedelta)) return undefined;
  const dividend = totalMicros(a);
  if (b instanceof PyTimedelta) {
    const divisor = totalMicros(b);
    if (divisor === 0n) throw valueFailure(op === '/' ? 'division by zero' : 'integer division or modulo by zero');
    if (op === '/') return Number(dividend) / Number(divisor);
    if (op === '//') return Number(floorDiv(dividend, divisor));
    if (op === '%') return timedeltaFromMicros(dividend - floorDiv(dividend, divisor) * divisor);
    return undefined;
  }
  const n = asNumber(b);
  if (n === 0 && (op === '/' || op === '//')) throw valueFailure('division by zero');
  if (n !== undefined && op === '/') return fromFloatMicros(Number(dividend) / n);
  if (n !== undefined && op === '//' && Number.isInteger(n)) return timedeltaFromMicros(floorDiv(dividend, BigInt(n)));
  return undefined;
};

const timedeltaFromMicros = (total: bigint): PyTimedelta => {
  const days = floorDiv(total, DAY);
  const rest = total - days * DAY;
  if (days > BigInt(MAX_TIMEDELTA_DAYS) || days < -BigInt(MAX_TIMEDELTA_DAYS)) {
    throw valueFailure(`days=${days}; must have magnitude <= ${MAX_TIMEDELTA_DAYS}`);
  }
  return new PyTimedelta(Number(days), Number(rest));
};

const normalise = (days: number, micros: number): [number, number] => {
  const carry = Math.floor(micros / DAY_MICROS);
  return [days + carry, micros - carry * DAY_MICROS];
};

const timedelta = (days: number, micros: number): PyTimedelta => {
  const [d, m] = normalise(days, micros);
  if (Math.abs(d) > MAX_TIMEDELTA_DAYS) throw valueFailure(`days=${d}; must have magnitude <= ${MAX_TIMEDELTA_DAYS}`);
  return new PyTimedelta(d, m);
};

export const negateTimedelta = (td: PyTimedelta): PyTimedelta => timedelta(-td.days, -td.micros);

export const absTimedelta = (td: PyTimedelta): PyTimedelta => (td.days < 0 ? negateTimedelta(td) : td);

/** a + b, or undefined when Python has no + for these operand types. */
export const addTemporal = (a: unknown, b: unknown): PyTemporal | undefined => {
  if (a instanceof PyTimedelta && !(b instanceof PyTimedelta)) return addTemporal(b, a);
  if (!(b instanceof PyTimedelta)) return undefined;
  if (a instanceof PyTimedelta) return timedelta(a.days + b.days, a.micros + b.micros);
  // date + timedelta ignores the timedelta's time of day, as Python does.
  if (a instanceof PyDate) return new PyDate(checkOrdinal(a.ordinal + b.days));
  if (a instanceof PyDateTime) {
    const [days, micros] = normalise(a.ordinal + b.days, a.micros + b.micros);
    return new PyDateTime(checkOrdinal(days), micros);
  }
  return undefined;
};

/** a - b, or undefined when Python has no - for these operand types. */
export const subtractTemporal = (a: unknown, b: unknown): PyTemporal | undefined => {
  if (b instanceof PyTimedelta) return isTemporal(a) ? addTemporal(a, negateTimedelta(b)) : undefined;
  if (a instanceof PyDate && b instanceof PyDate) return timedelta(a.ordinal - b.ordinal, 0);
  if (a instanceof PyDateTime && b instanceof PyDateTime) return timedelta(a.ordinal - b.ordinal, a.micros - b.micros);
  return undefined;
};

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

export const temporalEquals = (a: PyTemporal, b: PyTemporal): boolean =>
  a.constructor === b.constructor && compareTemporal(a, b) === 0;

export const isTemporal = (v: unknown): v is PyTemporal =>
  v instanceof PyDate || v instanceof PyDateTime || v instanceof PyTimedelta;

const DATE_STRING = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2}))?$/;

/**
 * Extension: reads "YYYY-MM-DD" as a date and "YYYY-MM-DD HH:MM:SS" as a datetime, so that
 * ticket date fields (which arrive as strings) can meet datetime.date(...) values. A date
 * string becomes midnight when the other side is a datetime. Undefined if not such a string.
 */
export const parseDateString = (s: string, other: PyDate | PyDateTime | PyTimedelta): PyDate | PyDateTime | undefined => {
  const m = DATE_STRING.exec(s);
  if (!m) return undefined;
  const [y, mo, d, h, mi, sec] = m.slice(1).map((part) => (part === undefined ? undefined : Number(part)));
  try {
    if (h === undefined && !(other instanceof PyDateTime)) return makeDate(y!, mo!, d!);
    return makeDateTime(y!, mo!, d!, h ?? 0, mi ?? 0, sec ?? 0);
  } catch {
    return undefined; // not a calendar date: stays an ordinary string
  }
};

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
    const parts = [
      v.days ? `days=${v.days}` : '',
      seconds ? `seconds=${seconds}` : '',
      us ? `microseconds=${us}` : '',
    ].filter(Boolean);
    return `datetime.timedelta(${parts.length ? parts.join(', ') : '0'})`;
  }
  const ymd = fromOrdinal(v.ordinal);
  if (v instanceof PyDate) return `datetime.date(${ymd.join(', ')})`;
  const [h, m, s, us] = clock(v.micros);
  const time = us ? [h, m, s, us] : s ? [h, m, s] : [h, m];
  return `datetime.datetime(${[...ymd, ...time].join(', ')})`;
};
