// Splits a condition into tokens. Placeholders are tokens of their own: loonflow runs
// str.format over the text before Python sees it, so `{key}` is recognised before
// anything else, including inside string literals.

import type { StringPart } from './ast.ts';
import { ConditionSyntaxError } from './errors.ts';

export type Token =
  | { readonly kind: 'number'; readonly value: number; readonly start: number }
  | { readonly kind: 'string'; readonly parts: readonly StringPart[]; readonly start: number }
  | { readonly kind: 'name'; readonly value: string; readonly start: number }
  | { readonly kind: 'field'; readonly key: string; readonly start: number }
  | { readonly kind: 'op'; readonly value: string; readonly start: number }
  | { readonly kind: 'end'; readonly start: number };

// Operators conditions support (hint null) and Python ones they do not, with a hint where
// a likely intent exists. Matched longest first, so "==" wins over "=" and "**" over "*".
const SYMBOLS: ReadonlyArray<readonly [string, string | null]> = (
  [
    ...['==', '!=', '<=', '>=', '//', '(', ')', '[', ']', ',', '.', '=', '<', '>', '+', '-', '*', '/', '%'].map(
      (op) => [op, null] as const,
    ),
    ['**', ''],
    ['<<', ''],
    ['>>', ''],
    [':=', ''],
    ['&&', "; use 'and'"],
    ['||', "; use 'or'"],
    ['&', "; use 'and'"],
    ['|', "; use 'or'"],
    ['!', "; use 'not' or '!='"],
    ['~', ''],
    ['^', ''],
    ['@', ''],
    [':', ''],
    [';', ''],
  ] as const
)
  .slice()
  .sort((x, y) => y[0].length - x[0].length);

const KEY = /[\p{L}\p{N}_.]*/uy;
const NAME_START = /[\p{XID_Start}_]/u;
const NAME = /[\p{XID_Start}_][\p{XID_Continue}]*/uy;
const NUMBER = /(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?/y;
const IDENTIFIER_CHAR = /[\p{XID_Continue}]/u;
const WHITESPACE = /[ \t\n\r\f\v]/;
const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

export const tokenize = (source: string): Token[] => {
  const tokens: Token[] = [];
  let i = 0;
  const fail = (detail: string, at = i): never => {
    throw new ConditionSyntaxError(source, detail, at);
  };

  /** Reads `{key}` at i; returns the key. */
  const placeholder = (): string => {
    const start = i;
    i++;
    const key = matchAt(KEY);
    const after = source[i];
    if (after === '}') {
      i++;
      if (key === '') fail('empty placeholder {}; name the field, e.g. {days}', start);
      return key;
    }
    if (after === undefined) fail("placeholder '{' is never closed", start);
    if (after === '!' || after === ':') fail('format conversions and specs are not supported in placeholders');
    return fail(`unexpected '${after}' in a placeholder; field keys may only contain letters, digits, '_' and '.'`);
  };

  /** The sticky regex's match at i (possibly empty), consumed. */
  const matchAt = (re: RegExp): string => {
    re.lastIndex = i;
    const text = re.exec(source)?.[0] ?? '';
    i += text.length;
    return text;
  };

  const hex = (digits: number, escape: string): string => {
    const text = source.slice(i, i + digits);
    if (!new RegExp(`^[0-9a-fA-F]{${digits}}$`).test(text)) fail(`truncated \\${escape} escape in a string`, i - 2);
    const code = parseInt(text, 16);
    if (code > 0x10ffff) fail(`\\${escape}${text} is not a valid character`, i - 2);
    i += digits;
    return String.fromCodePoint(code);
  };

  /** Reads a backslash escape at i (just past the backslash), Python rules. */
  const escape = (): string => {
    const c = source[i];
    if (c === undefined) return '\\';
    // str.format handles braces before Python handles escapes, so leave them to the caller.
    if (c === '{' || c === '}') return '\\';
    i++;
    if (c === '\n') return '';
    if (c === '\r') {
      if (source[i] === '\n') i++;
      return '';
    }
    if (Object.hasOwn(SIMPLE_ESCAPES, c)) return SIMPLE_ESCAPES[c];
    if (c >= '0' && c <= '7') {
      let digits = c;
      while (digits.length < 3 && /[0-7]/.test(source[i] ?? '')) digits += source[i++];
      return String.fromCodePoint(parseInt(digits, 8));
    }
    if (c === 'x') return hex(2, 'x');
    if (c === 'u') return hex(4, 'u');
    if (c === 'U') return hex(8, 'U');
    // In loonflow str.format would read the braces of \N{NAME} as a placeholder first.
    if (c === 'N') fail('named escapes (\\N{...}) are not supported', i - 2);
    return `\\${c}`; // Python keeps unknown escapes verbatim
  };

  const string = (start: number, raw: boolean): Token => {
    const quote = source[i];
    const delimiter = source.startsWith(quote.repeat(3), i) ? quote.repeat(3) : quote;
    i += delimiter.length;
    const parts: StringPart[] = [];
    let text = '';
    for (;;) {
      if (i >= source.length) fail('string literal is never closed', start);
      if (source.startsWith(delimiter, i)) break;
      const c = source[i];
      if (delimiter.length === 1 && (c === '\n' || c === '\r')) fail('string literal is never closed', start);
      if (c === '{' && source[i + 1] === '{') {
        text += '{';
        i += 2;
      } else if (c === '{') {
        if (text) parts.push(text);
        text = '';
        parts.push({ field: placeholder() });
      } else if (c === '}') {
        if (source[i + 1] !== '}') fail("single '}' in a string; write '}}' for a literal brace");
        text += '}';
        i += 2;
      } else if (c === '\\') {
        i++;
        if (!raw) text += escape();
        else {
          // A raw string keeps the backslash, and the next character cannot end the string.
          text += '\\';
          if (i < source.length && source[i] !== '{' && source[i] !== '}') text += source[i++];
        }
      } else {
        text += c;
        i++;
      }
    }
    i += delimiter.length;
    if (text || parts.length === 0) parts.push(text);
    return { kind: 'string', parts, start };
  };

  const number = (): Token => {
    const start = i;
    const text = matchAt(NUMBER);
    if (IDENTIFIER_CHAR.test(source[i] ?? '')) fail(`invalid number literal '${text}${source[i]}'`, start);
    if (/^0[\d_]*[1-9]/.test(text) && !/[.eE]/.test(text)) {
      fail(`leading zeros are not allowed in the integer ${text}`, start);
    }
    return { kind: 'number', value: Number(text.replaceAll('_', '')), start };
  };

  while (i < source.length) {
    const c = source[i];
    const start = i;
    if (WHITESPACE.test(c)) {
      i++;
    } else if (c === '#') {
      while (i < source.length && source[i] !== '\n') i++;
    } else if (c === '{') {
      if (source[i + 1] === '{') fail("'{{' would be a dict or set literal, which conditions do not support");
      tokens.push({ kind: 'field', key: placeholder(), start });
    } else if (c === '}') {
      fail("unexpected '}'");
    } else if (c === "'" || c === '"') {
      tokens.push(string(start, false));
    } else if (/\d/.test(c) || (c === '.' && /\d/.test(source[i + 1] ?? ''))) {
      tokens.push(number());
    } else if (NAME_START.test(c)) {
      const name = matchAt(NAME);
      const quoted = source[i] === "'" || source[i] === '"';
      if (quoted && /^[rRuU]$/.test(name)) tokens.push(string(start, /^[rR]$/.test(name)));
      else if (quoted && /^(?:[bB][rR]?|[rR][bB]|[fF][rR]?|[rR][fF])$/.test(name)) {
        fail('byte strings and f-strings are not supported', start);
      } else tokens.push({ kind: 'name', value: name, start });
    } else {
      const symbol = SYMBOLS.find(([op]) => source.startsWith(op, i));
      if (!symbol) fail(`unexpected character '${String.fromCodePoint(source.codePointAt(i)!)}'`);
      const [op, hint] = symbol!;
      if (hint !== null) fail(`operator '${op}' is not supported${hint}`);
      tokens.push({ kind: 'op', value: op, start });
      i += op.length;
    }
  }
  tokens.push({ kind: 'end', start: source.length });
  return tokens;
};
