import { readdirSync, readFileSync } from 'node:fs';
import t from 'tap';
import {
  ConditionError,
  ConditionSyntaxError,
  ConditionTypeError,
  ConditionValueError,
  MAX_CONDITION_LENGTH,
  MissingConditionFieldError,
  chooseDestination,
  conditionFieldKeys,
  evaluateCondition,
  parseCondition,
} from '../../src/domain/conditions/index.ts';

const caught = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
};

type ErrorClass = abstract new (...args: never[]) => Error;
type Assert = Pick<typeof t, 'ok'>;

/** Asserts `fn` throws an instance of `type` and returns it for further checks. */
const throwsA = <E extends ErrorClass>(tt: Assert, fn: () => unknown, type: E): InstanceType<E> => {
  const error = caught(fn);
  tt.ok(error instanceof type, `throws ${type.name}, got ${String(error)}`);
  tt.ok(error instanceof ConditionError, 'every failure is a ConditionError');
  return error as InstanceType<E>;
};

const holds = (expression: string, values: Record<string, unknown> = {}): boolean => evaluateCondition(expression, values);

t.test('numeric comparisons', async (t) => {
  t.test('given an integer field, when compared with > 3, then only values above 3 hold', async (t) => {
    t.equal(holds('{days} > 3', { days: 5 }), true);
    t.equal(holds('{days} > 3', { days: 3 }), false);
    t.equal(holds('{days} >= 3', { days: 3 }), true);
    t.equal(holds('{days} != 3', { days: 3.5 }), true);
  });

  t.test('given floats and booleans, when compared, then they behave as Python numbers', async (t) => {
    t.equal(holds('{amount} <= 99.5', { amount: 99.5 }), true);
    t.equal(holds('{flag} == 1 and {flag} + 1 == 2', { flag: true }), true);
    t.equal(holds('1 == 1.0'), true);
  });

  t.test('given arithmetic, when evaluated, then Python precedence and semantics apply', async (t) => {
    t.equal(holds('2 + 3 * 4 == 14'), true);
    t.equal(holds('(2 + 3) * 4 == 20'), true);
    t.equal(holds('-7 // 2 == -4 and -7 % 3 == 2 and 7 / 2 == 3.5'), true);
    t.equal(holds('--{n} == {n} and -{n} == -3', { n: 3 }), true);
  });

  t.test('given a division by zero, when evaluated, then a ConditionValueError says so', async (t) => {
    const error = throwsA(t, () => holds('{n} / 0 > 1', { n: 1 }), ConditionValueError);
    t.match(error.message, /division by zero/);
  });
});

t.test('strings', async (t) => {
  t.test("given a string field, when compared with a '''triple-quoted''' literal, then it compares strings", async (t) => {
    t.equal(holds("{title} == '''abc'''", { title: 'abc' }), true);
    t.equal(holds("{title} == '''abc'''", { title: 'abd' }), false);
    t.equal(holds('{title} == "abc" and {title} != \'x\'', { title: 'abc' }), true);
  });

  t.test('given a value containing quotes, when compared, then it is data, never code', async (t) => {
    t.equal(holds("{title} == '''it''s'''", { title: "it's" }), false);
    t.equal(holds('{title} == "it\'s"', { title: "it's" }), true);
    t.equal(holds("{title} == 'x'", { title: "x' or True or '" }), false);
  });

  t.test('given a numeric-looking string field, when ordered against a number, then it is a TypeError as in loonflow', async (t) => {
    const error = throwsA(t, () => holds('{days} > 3', { days: '5' }), ConditionTypeError);
    t.match(error.message, /'>' not supported between instances of 'str' and 'int'/);
  });

  t.test('given == between different types, when evaluated, then it is simply false', async (t) => {
    t.equal(holds("{days} == '5'", { days: 5 }), false);
    t.equal(holds('{x} == 0', { x: null }), false);
  });

  t.test('given escapes, raw strings and adjacent literals, when parsed, then Python rules apply', async (t) => {
    t.equal(holds("'a\\tb' == 'a' '\\x09' \"b\""), true);
    t.equal(holds("r'a\\n' != 'a\\n' and len(r'a\\n') == 3"), true);
    t.equal(holds("'''line\none''' == 'line\\none'"), true);
  });

  t.test('given a placeholder inside a string literal, when evaluated, then it is filled as str.format would', async (t) => {
    t.equal(holds("'{level}' == '3'", { level: 3 }), true);
    t.equal(holds("\"{title}\" == \"'''abc'''\"", { title: 'abc' }), true);
    t.equal(holds("'{{literal}}' == '{{' 'literal' '}}'"), true);
  });
});

t.test('and / or / not', async (t) => {
  t.test('given boolean operators, when evaluated, then Python precedence and truthiness apply', async (t) => {
    t.equal(holds('{a} > 1 and {b} == 2', { a: 2, b: 2 }), true);
    t.equal(holds('{a} > 1 and {b} == 2', { a: 2, b: 3 }), false);
    t.equal(holds('{a} > 5 or {b} == 2', { a: 2, b: 2 }), true);
    t.equal(holds('not {a} > 5', { a: 2 }), true);
    t.equal(holds('not {a} == 1 or {a} == 1', { a: 1 }), true);
    t.equal(holds('True or False and False'), true);
  });

  t.test('given falsy Python values, when used as conditions, then they do not hold', async (t) => {
    for (const value of [0, '', null, [], false]) t.equal(holds('{v}', { v: value }), false, JSON.stringify(value));
    for (const value of [1, 'x', [0], true, -0.5]) t.equal(holds('{v}', { v: value }), true, JSON.stringify(value));
    t.equal(holds('()'), false);
    t.equal(holds('datetime.timedelta(0)'), false);
  });

  t.test('given and/or, when evaluated, then they yield the deciding operand like Python', async (t) => {
    t.equal(holds("({v} or 'fallback') == 'fallback'", { v: '' }), true);
    t.equal(holds('({v} and 7) == 7', { v: 'x' }), true);
    t.equal(holds('(0 and {missing_type}) == 0', { missing_type: 'never compared' }), true);
  });

  t.test('given a conditional expression, when evaluated, then it picks a branch like Python', async (t) => {
    t.equal(holds("('big' if {n} > 10 else 'small') == 'small'", { n: 3 }), true);
  });

  t.test('given is / is not None, when evaluated, then they test for None', async (t) => {
    t.equal(holds('{x} is None and {y} is not None', { x: null, y: 0 }), true);
    t.equal(holds('{x} is None', { x: undefined }), true);
  });
});

t.test('in / not in', async (t) => {
  t.test('given a list field, when tested with in, then it checks membership', async (t) => {
    t.equal(holds("'ops' in {teams}", { teams: ['dev', 'ops'] }), true);
    t.equal(holds("'qa' not in {teams}", { teams: ['dev', 'ops'] }), true);
    t.equal(holds('{level} in [1, 2, 3]', { level: 2 }), true);
    t.equal(holds('{level} in (1, 2)', { level: 3 }), false);
  });

  t.test('given a string field, when tested with in, then it checks for a substring', async (t) => {
    t.equal(holds("'urgent' in {title}", { title: 'very urgent request' }), true);
    t.equal(holds("'2' in {checkbox}", { checkbox: '1,3' }), false);
  });

  t.test('given a non-string left operand for a string, when tested, then it is a TypeError', async (t) => {
    throwsA(t, () => holds('1 in {title}', { title: 'a1' }), ConditionTypeError);
    throwsA(t, () => holds("'a' in {n}", { n: 5 }), ConditionTypeError);
  });
});

t.test('chained comparisons', async (t) => {
  t.test('given 1 < {x} < 5, when x varies, then both comparisons must hold', async (t) => {
    t.equal(holds('1 < {x} < 5', { x: 3 }), true);
    t.equal(holds('1 < {x} < 5', { x: 5 }), false);
    t.equal(holds('1 < {x} < 5', { x: 1 }), false);
    t.equal(holds('0 <= {x} == 2 != 3', { x: 2 }), true);
  });

  t.test('given a chain that fails early, when evaluated, then later comparisons are not run', async (t) => {
    t.equal(holds("5 < {x} < 'text'", { x: 1 }), false);
  });
});

t.test('functions', async (t) => {
  t.test('given abs, when called, then it returns the magnitude', async (t) => {
    t.equal(holds('abs({delta}) > 2', { delta: -3 }), true);
    t.equal(holds('abs(-1.5) == 1.5'), true);
    throwsA(t, () => holds("abs('x')"), ConditionTypeError);
  });

  t.test('given the len/int/float/str extension, when called, then they behave as Python builtins', async (t) => {
    t.equal(holds('len({teams}) == 2 and len({title}) == 3', { teams: ['a', 'b'], title: 'a😀b' }), true);
    t.equal(holds("int({amount}) > 10 and int(' -7 ') == -7", { amount: '12' }), true);
    t.equal(holds("float('2.5') * 2 == 5"), true);
    t.equal(holds("str({n}) == '42' and str(None) == 'None' and str([1, 'a']) == \"[1, 'a']\"", { n: 42 }), true);
    const error = throwsA(t, () => holds("int('1.5')"), ConditionValueError);
    t.match(error.message, /invalid literal for int\(\) with base 10: '1\.5'/);
  });
});

t.test('dates and times', async (t) => {
  t.test('given datetime constructors, when compared, then dates and datetimes order in time', async (t) => {
    t.equal(holds('datetime.datetime(2024, 1, 2) > datetime.datetime(2024, 1, 1, 23, 59, 59)'), true);
    t.equal(holds('datetime.date(2024, 2, 29) == datetime.date(2024, 2, 29)'), true);
    t.equal(holds('datetime.datetime(year=2024, month=3, day=1) > datetime.datetime(2024, 2, 29)'), true);
  });

  t.test("given a 'YYYY-MM-DD HH:MM:SS' field, when compared with a datetime, then it is read as one (extension)", async (t) => {
    t.equal(holds('{start} > datetime.datetime(2024, 1, 1)', { start: '2024-01-01 00:00:01' }), true);
    t.equal(holds('{start} > datetime.datetime(2024, 1, 1)', { start: '2023-12-31 23:59:59' }), false);
    t.equal(holds('datetime.datetime(2024, 1, 1, 9) == {start}', { start: '2024-01-01 09:00:00' }), true);
  });

  t.test("given a 'YYYY-MM-DD' field, when compared with a date or datetime, then it is read as one (extension)", async (t) => {
    t.equal(holds('{due} < datetime.date(2024, 6, 1)', { due: '2024-05-31' }), true);
    t.equal(holds('{due} == datetime.datetime(2024, 5, 31)', { due: '2024-05-31' }), true, 'a date string is midnight');
  });

  t.test('given a string that is not a date, when ordered against a date, then it is a TypeError that explains the format', async (t) => {
    const error = throwsA(t, () => holds('{due} < datetime.date(2024, 6, 1)', { due: '31/05/2024' }), ConditionTypeError);
    t.match(error.message, /YYYY-MM-DD/);
    t.equal(holds('{due} == datetime.date(2024, 6, 1)', { due: 'soon' }), false, '== stays false');
    throwsA(t, () => holds('{due} < datetime.date(2024, 6, 1)', { due: '2024-02-30' }), ConditionTypeError);
  });

  t.test('given a date and a datetime, when ordered, then it is a TypeError as in Python', async (t) => {
    throwsA(t, () => holds('datetime.datetime(2024, 1, 1) < datetime.date(2024, 1, 2)'), ConditionTypeError);
    throwsA(t, () => holds('{at} < datetime.date(2024, 1, 2)', { at: '2024-01-01 10:00:00' }), ConditionTypeError);
    t.equal(holds('datetime.datetime(2024, 1, 1) == datetime.date(2024, 1, 1)'), false);
  });

  t.test('given timedelta arithmetic, when evaluated, then dates move by the duration', async (t) => {
    t.equal(holds('{start} + datetime.timedelta(days=3) < {end}', { start: '2024-01-01', end: '2024-01-05' }), true);
    t.equal(holds('datetime.datetime(2024, 3, 1) - datetime.timedelta(hours=1) == datetime.datetime(2024, 2, 29, 23)'), true);
    const end = '2024-01-03 00:31:00';
    t.equal(holds('{end} - datetime.datetime(2024, 1, 1) > datetime.timedelta(days=2, minutes=30)', { end }), true);
    t.equal(holds('(datetime.datetime(2024, 1, 2, 6) - datetime.datetime(2024, 1, 1)) / datetime.timedelta(hours=1) == 30'), true);
    t.equal(holds("str(datetime.timedelta(days=-1, seconds=3600)) == '-1 day, 1:00:00'"), true);
  });

  t.test('given an impossible date, when constructed, then a ConditionValueError names the problem', async (t) => {
    const error = throwsA(t, () => holds('datetime.date(2023, 2, 29) > {d}', { d: '2023-01-01' }), ConditionValueError);
    t.match(error.message, /day is out of range for month/);
    throwsA(t, () => holds('datetime.date(9999, 12, 31) + datetime.timedelta(days=1)'), ConditionValueError);
  });

  t.test('given datetime called with a bad argument, when parsed or evaluated, then it is refused', async (t) => {
    throwsA(t, () => parseCondition('datetime.timedelta(years=1)'), ConditionSyntaxError);
    throwsA(t, () => parseCondition('datetime.date(2024, 1)'), ConditionSyntaxError);
    throwsA(t, () => holds("datetime.date('2024', 1, 1)"), ConditionTypeError);
  });
});

t.test('chooseDestination', async (t) => {
  const items = [
    { expression: '{days} > 10', target_state_id: 30 },
    { expression: '{days} > 3', target_state_id: 20 },
    { expression: '{unknown} > 0', target_state_id: 99 },
  ];

  t.test('given several true items, when choosing, then the first true one wins', async (t) => {
    t.equal(chooseDestination(items, { days: 11 }, 10), 30);
    t.equal(chooseDestination(items, { days: 5 }, 10), 20);
  });

  t.test('given no item holds, when choosing, then the default destination is used', async (t) => {
    t.equal(chooseDestination(items.slice(0, 2), { days: 1 }, 10), 10);
    t.equal(chooseDestination([], {}, 10), 10);
  });

  t.test('given a later item refers to a missing field, when an earlier one wins, then it is never evaluated', async (t) => {
    t.equal(chooseDestination(items, { days: 5 }, 10), 20);
  });

  t.test('given the first items fail, when a later one refers to a missing field, then the error surfaces', async (t) => {
    const error = throwsA(t, () => chooseDestination(items, { days: 1 }, 10), MissingConditionFieldError);
    t.equal(error.field, 'unknown');
  });
});

t.test('missing fields', async (t) => {
  t.test('given a placeholder the values lack, when evaluated, then the error names the field', async (t) => {
    const error = throwsA(t, () => holds('{days} > 3', {}), MissingConditionFieldError);
    t.equal(error.field, 'days');
    t.equal(error.expression, '{days} > 3');
    t.equal(error.message, 'Condition "{days} > 3" refers to field "days", which the ticket does not have');
  });

  t.test('given a missing field in a branch and/or would skip, when evaluated, then it still fails as str.format does', async (t) => {
    const error = throwsA(t, () => holds('{a} or {b}', { a: 1 }), MissingConditionFieldError);
    t.equal(error.field, 'b');
  });

  t.test('given a missing field inside a string literal, when evaluated, then it fails too', async (t) => {
    t.equal(throwsA(t, () => holds("'{x}' == '1'"), MissingConditionFieldError).field, 'x');
  });

  t.test('given a present field set to null, when evaluated, then it is None, not missing', async (t) => {
    t.equal(holds('{x} == None', { x: null }), true);
    throwsA(t, () => holds('{x} > 1', { x: null }), ConditionTypeError);
  });

  t.test('given a dotted key, when evaluated, then it is looked up as a whole', async (t) => {
    t.equal(holds("{state.state_name} == 'review'", { 'state.state_name': 'review' }), true);
  });
});

t.test('syntax errors', async (t) => {
  const invalid = [
    '{days} >',
    '{days} = 3',
    '({days} > 3',
    "'unterminated",
    '{days',
    '{}',
    '{days:>3}',
    '3 4',
    '1 ** 2',
    '{a} && {b}',
    '01 == 1',
    '',
    '   ',
    '1 if 2',
  ];
  for (const expression of invalid) {
    t.test(`given ${JSON.stringify(expression)}, when parsed, then a ConditionSyntaxError explains it`, async (t) => {
      const error = throwsA(t, () => parseCondition(expression), ConditionSyntaxError);
      t.match(error.message, /^Condition ".*" is not valid: \S/s);
    });
  }

  t.test('given a syntax error, when reported, then it points at the offending character', async (t) => {
    const error = throwsA(t, () => parseCondition('{days} = 3'), ConditionSyntaxError);
    t.equal(error.position, 7);
    t.match(error.message, /use '==' to compare.*at character 8/);
  });

  t.test('given an expression longer than the column allows, when parsed, then it is refused', async (t) => {
    const long = `${'1 + '.repeat(MAX_CONDITION_LENGTH / 4)}1`;
    t.match(throwsA(t, () => parseCondition(long), ConditionSyntaxError).message, /longer than 1000 characters/);
  });

  t.test('given deep nesting, when parsed, then it is refused instead of exhausting the stack', async (t) => {
    throwsA(t, () => parseCondition(`${'('.repeat(200)}1${')'.repeat(200)}`), ConditionSyntaxError);
    throwsA(t, () => parseCondition(`${'not '.repeat(200)}1`), ConditionSyntaxError);
    throwsA(t, () => parseCondition(`${'-'.repeat(900)}1`), ConditionSyntaxError);
    t.equal(holds(`${'1 + '.repeat(240)}1 == 241`), true, 'long flat expressions are fine');
  });
});

t.test('disallowed names and attributes', async (t) => {
  const rejected = [
    "__import__('os')",
    "open('/etc/passwd')",
    "eval('1')",
    'exec',
    '{title}.upper()',
    '{title}[0]',
    '().__class__',
    '[].__class__.__base__',
    'datetime.datetime.now()',
    "datetime.datetime.strptime('2024', '%Y')",
    'datetime.now()',
    'time.time()',
    'lambda: 1',
    'abs.__call__(1)',
    '(abs)(1)',
    "b'x' == 1",
    "f'{x}' == 1",
  ];
  for (const expression of rejected) {
    t.test(`given ${expression}, when parsed, then it is rejected before any evaluation`, async (t) => {
      throwsA(t, () => parseCondition(expression), ConditionSyntaxError);
    });
  }

  t.test('given an unknown name, when parsed, then the message lists what may be called', async (t) => {
    const error = throwsA(t, () => parseCondition("open('x')"), ConditionSyntaxError);
    t.match(error.message, /'open' is not allowed.*abs\(\).*datetime\.timedelta\(\)/);
  });

  t.test('given the module source, when searched, then no dynamic evaluation is used', async (t) => {
    const dir = new URL('../../src/domain/conditions/', import.meta.url);
    for (const file of readdirSync(dir)) {
      const source = readFileSync(new URL(file, dir), 'utf8');
      t.notMatch(source, /\beval\s*\(|new\s+Function\b|\bFunction\s*\(/, file);
    }
  });
});

t.test('prototype keys', async (t) => {
  t.test('given keys that exist on Object.prototype, when the values lack them, then they are missing fields', async (t) => {
    for (const key of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      t.equal(throwsA(t, () => holds(`{${key}} == 1`, {}), MissingConditionFieldError).field, key);
    }
  });

  t.test('given values that really hold such keys, when evaluated, then their own values are used', async (t) => {
    t.equal(holds('{__proto__} == 5', JSON.parse('{"__proto__": 5}') as Record<string, unknown>), true);
    t.equal(holds('{constructor} == 1', Object.assign(Object.create(null) as object, { constructor: 1 })), true);
  });

  t.test('given a value of a kind conditions cannot use, when evaluated, then it is a ConditionTypeError', async (t) => {
    throwsA(t, () => holds('{o} == 1', { o: { toString: () => '1' } }), ConditionTypeError);
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    throwsA(t, () => holds('{c} == 1', { c: cyclic }), ConditionTypeError);
  });

  t.test('given a repetition that would exhaust memory, when evaluated, then it is refused', async (t) => {
    throwsA(t, () => holds("'x' * 1000000000"), ConditionValueError);
    throwsA(t, () => holds('[0] * 1000 * 1000 * 1000'), ConditionValueError);
  });
});

t.test('parseCondition and conditionFieldKeys', async (t) => {
  t.test('given an expression, when parsed without values, then the AST reflects Python precedence', async (t) => {
    const ast = parseCondition('{a} > 1 and not {b}');
    t.equal(ast.expression, '{a} > 1 and not {b}');
    t.match(ast.root, {
      type: 'and',
      operands: [
        {
          type: 'compare',
          left: { type: 'field', key: 'a' },
          comparisons: [{ op: '>', right: { type: 'literal', value: 1 } }],
        },
        { type: 'not', operand: { type: 'field', key: 'b' } },
      ],
    });
  });

  t.test('given placeholders, when listed, then keys come once each in order of first use', async (t) => {
    t.same(conditionFieldKeys("{b} > 1 and '{a}' == {b} or {c.d} in {a}"), ['b', 'a', 'c.d']);
    t.same(conditionFieldKeys('1 == 1'), []);
  });

  t.test('given invalid syntax, when listing keys, then the syntax error surfaces', async (t) => {
    throwsA(t, () => conditionFieldKeys('{a} >'), ConditionSyntaxError);
  });
});
