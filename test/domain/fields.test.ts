import t from 'tap';
import {
  FieldType,
  checkRequiredFields,
  collectFieldValues,
  joinFieldErrors,
  normalizeFieldValue,
  normalizeTitle,
  stateFieldRules,
} from '../../src/domain/fields.ts';
import type { User, UserDirectory } from '../../src/domain/directory.ts';
import type { CustomFieldDefinition, StateDefinition, WorkflowDefinition } from '../../src/domain/workflow.ts';
import { field as baseField, state as baseState, workflow as baseWorkflow } from './decider-spec.ts';

const field = (field_key: string, field_type_id: number, field_choice: Record<string, string> = {}): CustomFieldDefinition =>
  baseField(1, field_key, field_type_id, field_choice);

const state = (state_field: StateDefinition['state_field']): StateDefinition =>
  baseState(1, 'start', 1, { participant_type_id: 5, participant: 'creator', state_field });

const leaveTypes = { '1': '年假', '2': '调休', '3': '病假' };

const workflow = (custom_fields: CustomFieldDefinition[]): WorkflowDefinition => baseWorkflow(1, 'leave', { custom_fields });

const person = (username: string, is_active = true): User => ({
  username,
  alias: username,
  email: '',
  phone: '',
  type_id: 0,
  dept_ids: [],
  is_active,
});
/** lilei and guiji are active, gone has left. */
const directory: UserDirectory = { users: new Map([person('lilei'), person('guiji'), person('gone', false)].map((u) => [u.username, u])) };

type Asserts = Pick<typeof t, 'strictSame' | 'equal' | 'match'>;

/** Asserts each raw value normalises to the expected stored value. */
const accepts = (t: Asserts, f: CustomFieldDefinition, cases: [unknown, unknown][]) => {
  for (const [raw, value] of cases) {
    t.strictSame(normalizeFieldValue(f, raw), { ok: true, value }, `accepts ${JSON.stringify(raw)}`);
  }
};

/** Asserts each raw value is rejected with an error naming the field. */
const rejects = (t: Asserts, f: CustomFieldDefinition, raws: unknown[]) => {
  for (const raw of raws) {
    const r = normalizeFieldValue(f, raw);
    t.equal(r.ok, false, `rejects ${JSON.stringify(raw)}`);
    if (!r.ok) t.match(r.error, `Field "${f.field_key}"`);
  }
};

t.test('given any field type, when the value is null or absent, then it is unset', async (t) => {
  for (const type of Object.values(FieldType)) {
    t.strictSame(normalizeFieldValue(field('f', type), null), { ok: true, value: null });
    t.strictSame(normalizeFieldValue(field('f', type), undefined), { ok: true, value: null });
  }
});

t.test('given a string field (5)', async (t) => {
  const f = field('reason', FieldType.string);
  t.test('when given strings up to 1000 chars, then they are kept as-is', async (t) => {
    accepts(t, f, [
      ['', ''],
      [' vpn ', ' vpn '],
      ['x'.repeat(1000), 'x'.repeat(1000)],
      ['😀'.repeat(1000), '😀'.repeat(1000)],
    ]);
  });
  t.test('when given a number, boolean, array or too long string, then it is rejected', async (t) => {
    rejects(t, f, [3, true, ['a'], { a: 1 }, 'x'.repeat(1001)]);
    t.strictSame(normalizeFieldValue(f, 3), { ok: false, error: 'Field "reason" must be a string, got 3' });
    t.strictSame(normalizeFieldValue(f, 'x'.repeat(1001)), {
      ok: false,
      error: 'Field "reason" must be at most 1000 characters, got 1001',
    });
  });
});

t.test('given an int field (10)', async (t) => {
  const f = field('leave_days', FieldType.int);
  t.test('when given integers or integer strings, then it stores a number', async (t) => {
    accepts(t, f, [
      [3, 3],
      [-2, -2],
      [0, 0],
      ['3', 3],
      [' 12 ', 12],
      ['-7', -7],
    ]);
  });
  t.test('when given fractions, words, booleans or empty strings, then it is rejected', async (t) => {
    rejects(t, f, [3.5, '3.5', 'abc', '', true, false, NaN, Infinity, 2 ** 60, '1e3', ['3']]);
    t.strictSame(normalizeFieldValue(f, 'abc'), { ok: false, error: 'Field "leave_days" must be an integer, got "abc"' });
  });
});

t.test('given a float field (15)', async (t) => {
  const f = field('amount', FieldType.float);
  t.test('when given finite numbers or numeric strings, then it stores a number', async (t) => {
    accepts(t, f, [
      [3.5, 3.5],
      [2, 2],
      ['3.25', 3.25],
      ['-0.5', -0.5],
      ['.5', 0.5],
      ['1e3', 1000],
    ]);
  });
  t.test('when given non-numeric input, then it is rejected', async (t) => {
    rejects(t, f, ['', ' ', 'abc', '0x10', '1,5', NaN, Infinity, true, {}]);
  });
});

t.test('given a bool field (20)', async (t) => {
  const f = field('urgent', FieldType.bool);
  t.test('when given true/false, 1/0, "1"/"0" or "true"/"false", then it stores a boolean', async (t) => {
    accepts(t, f, [
      [true, true],
      [false, false],
      [1, true],
      [0, false],
      ['1', true],
      ['0', false],
      ['true', true],
      ['false', false],
    ]);
  });
  t.test('when given anything else, then it is rejected', async (t) => {
    rejects(t, f, ['yes', 'True', 2, '', [], 'on']);
  });
});

t.test('given a date field (25)', async (t) => {
  const f = field('start_date', FieldType.date);
  t.test('when given a real calendar date, then it stores the string', async (t) => {
    accepts(t, f, [
      ['2024-03-05', '2024-03-05'],
      ['2024-02-29', '2024-02-29'],
      ['2000-02-29', '2000-02-29'],
      ['0001-01-01', '0001-01-01'],
    ]);
  });
  t.test('when given an impossible date or another format, then it is rejected', async (t) => {
    rejects(t, f, [
      '2023-02-29',
      '1900-02-29',
      '2024-04-31',
      '2024-13-01',
      '2024-00-10',
      '0000-01-01',
      '2024-3-5',
      '2024-03-05 10:00:00',
      20240305,
    ]);
  });
});

t.test('given a datetime field (30)', async (t) => {
  const f = field('start_at', FieldType.datetime);
  t.test('when given the space or T form, then it stores the space form', async (t) => {
    accepts(t, f, [
      ['2024-03-05 09:30:00', '2024-03-05 09:30:00'],
      ['2024-03-05T23:59:59', '2024-03-05 23:59:59'],
      ['2024-02-29 00:00:00', '2024-02-29 00:00:00'],
    ]);
  });
  t.test('when a part is out of range or a zone is given, then it is rejected', async (t) => {
    rejects(t, f, [
      '2024-03-05 24:00:00',
      '2024-03-05 10:60:00',
      '2024-03-05 10:00:60',
      '2023-02-29 10:00:00',
      '2024-03-05T10:00:00Z',
      '2024-03-05 10:00',
      '2024-03-05',
      1709600000,
    ]);
  });
});

for (const [name, type] of [
  ['radio (35)', FieldType.radio],
  ['select (45)', FieldType.select],
] as const) {
  t.test(`given a ${name} field`, async (t) => {
    const f = field('leave_type', type, leaveTypes);
    t.test('when given a key as a string or number, then it stores the string key', async (t) => {
      accepts(t, f, [
        ['1', '1'],
        [3, '3'],
      ]);
    });
    t.test('when given an unknown key, then the error lists the choices', async (t) => {
      rejects(t, f, ['4', 4, '年假', '', true, ['1'], 'constructor', '1,2']);
      t.strictSame(normalizeFieldValue(f, '4'), {
        ok: false,
        error: 'Field "leave_type" must be one of 1 (年假), 2 (调休), 3 (病假)',
      });
    });
  });
}

for (const [name, type] of [
  ['checkbox (40)', FieldType.checkbox],
  ['multi-select (50)', FieldType.multiSelect],
] as const) {
  t.test(`given a ${name} field`, async (t) => {
    const f = field('tags', type, leaveTypes);
    t.test('when given a comma string, an array or a single number, then it stores comma-joined keys', async (t) => {
      accepts(t, f, [
        ['1,3', '1,3'],
        ['2', '2'],
        [['1', 2], '1,2'],
        [2, '2'],
        ['3, 1', '3,1'],
        ['1,1', '1'],
      ]);
    });
    t.test('when given an empty string or array, then it stores none', async (t) => {
      accepts(t, f, [
        ['', ''],
        [[], ''],
      ]);
    });
    t.test('when a key is unknown or empty, then it is rejected', async (t) => {
      rejects(t, f, ['1,4', '1,,2', ',', [1, 9], ['1,2'], [true], true, { 1: true }]);
      t.strictSame(normalizeFieldValue(f, '1,4'), {
        ok: false,
        error: 'Field "tags" must be a comma-joined list or array of 1 (年假), 2 (调休), 3 (病假)',
      });
    });
  });
}

for (const [name, type] of [
  ['textarea (55)', FieldType.textarea],
  ['rich text (58)', FieldType.richText],
] as const) {
  t.test(`given a ${name} field`, async (t) => {
    const f = field('detail', type);
    t.test('when given a string up to 100000 chars, then it is kept', async (t) => {
      accepts(t, f, [
        ['line1\nline2', 'line1\nline2'],
        ['x'.repeat(100_000), 'x'.repeat(100_000)],
      ]);
    });
    t.test('when given a non-string or a longer string, then it is rejected', async (t) => {
      rejects(t, f, [1, false, 'x'.repeat(100_001)]);
    });
  });
}

t.test('given a username field (60)', async (t) => {
  const f = field('approver', FieldType.username);
  t.test('when given a plain name, then it is stored trimmed', async (t) => {
    accepts(t, f, [
      ['lilei', 'lilei'],
      [' guiji ', 'guiji'],
      ['u'.repeat(50), 'u'.repeat(50)],
    ]);
  });
  t.test('when empty, with a comma, too long or not a string, then it is rejected', async (t) => {
    rejects(t, f, ['', '  ', 'a,b', 'u'.repeat(51), 7, ['lilei']]);
  });
});

t.test('given a multi-username field (70)', async (t) => {
  const f = field('cc', FieldType.multiUsername);
  t.test('when given a comma string or array, then it stores comma-joined names', async (t) => {
    accepts(t, f, [
      ['lilei,guiji', 'lilei,guiji'],
      [['lilei', ' guiji'], 'lilei,guiji'],
      ['lilei', 'lilei'],
      ['', ''],
      [[], ''],
    ]);
  });
  t.test('when a name is empty, too long or not a string, then it is rejected', async (t) => {
    rejects(t, f, ['lilei,,guiji', 'lilei,', ['lilei', ''], ['a,b'], [1], 'u'.repeat(51), 5]);
  });
  t.test('when the joined list exceeds 1000 chars, then it is rejected', async (t) => {
    const names = Array.from({ length: 30 }, (_, i) => `user${i}`.padEnd(40, 'x'));
    rejects(t, f, [names]);
    t.strictSame(normalizeFieldValue(f, names), {
      ok: false,
      error: 'Field "cc" must be at most 1000 characters joined with commas, got 1229',
    });
  });
  t.test('when a name is longer than 50 characters, then the error names the bound', async (t) => {
    t.strictSame(normalizeFieldValue(f, ['lilei', 'u'.repeat(51)]), {
      ok: false,
      error: 'Field "cc": each username must be at most 50 characters, got 51',
    });
  });
  t.test('when given 100 names, then they are kept; 101 are refused before they are looked at', async (t) => {
    const hundred = Array.from({ length: 100 }, (_, i) => `u${i}`);
    accepts(t, f, [[hundred, hundred.join(',')]]);
    t.strictSame(normalizeFieldValue(f, [...hundred, 'u100']), { ok: false, error: 'Field "cc" must have at most 100 items, got 101' });
    t.strictSame(normalizeFieldValue(f, ','.repeat(1_000_000)), {
      ok: false,
      error: 'Field "cc" must have at most 100 items, got 1000001',
    });
  });
  t.test('when a name is 50 astral characters, then it counts as 50 (code points, not UTF-16 units)', async (t) => {
    accepts(t, f, [['😀'.repeat(50), '😀'.repeat(50)]]);
    rejects(t, f, ['😀'.repeat(51)]);
  });
});

t.test('given an attachment field (80)', async (t) => {
  const f = field('files', FieldType.attachment);
  t.test('when given a comma string or array of paths, then it stores them comma-joined', async (t) => {
    accepts(t, f, [
      ['/upload/a.pdf,/upload/b.png', '/upload/a.pdf,/upload/b.png'],
      [['/upload/a.pdf', '/upload/b.png'], '/upload/a.pdf,/upload/b.png'],
      ['', ''],
    ]);
  });
  t.test('when a path is empty or not a string, then it is rejected', async (t) => {
    rejects(t, f, ['/a,,/b', [''], [42], 42, { path: '/a' }]);
  });
  t.test('when a path is 1000 characters, then it is kept; 1001 is refused, as is 1001 joined', async (t) => {
    accepts(t, f, [['/' + 'p'.repeat(999), '/' + 'p'.repeat(999)]]);
    t.strictSame(normalizeFieldValue(f, '/' + 'p'.repeat(1000)), {
      ok: false,
      error: 'Field "files": each file path must be at most 1000 characters, got 1001',
    });
    t.match(normalizeFieldValue(f, ['/' + 'p'.repeat(600), '/' + 'q'.repeat(600)]), { ok: false, error: /at most 1000 characters joined/ });
  });
  t.test('when given more than 100 paths, then it is refused', async (t) => {
    t.strictSame(
      normalizeFieldValue(
        f,
        Array.from({ length: 101 }, (_, i) => `/${i}`),
      ),
      { ok: false, error: 'Field "files" must have at most 100 items, got 101' },
    );
  });
});

t.test('given a checkbox field, when given more than 100 keys, then it is refused before they are de-duplicated', async (t) => {
  const f = field('tags', FieldType.checkbox, leaveTypes);
  t.strictSame(normalizeFieldValue(f, Array(101).fill('1')), { ok: false, error: 'Field "tags" must have at most 100 items, got 101' });
  accepts(t, f, [[Array(100).fill('1'), '1']]);
});

t.test('given a field with an unsupported type, when a value is given, then it is rejected', async (t) => {
  t.strictSame(normalizeFieldValue(field('odd', 65), 'x'), {
    ok: false,
    error: 'Field "odd" has unsupported field_type_id 65',
  });
});

t.test('given the built-in title', async (t) => {
  t.test('when up to 500 chars, then it is kept', async (t) => {
    t.strictSame(normalizeTitle('VPN for lilei'), { ok: true, value: 'VPN for lilei' });
    t.strictSame(normalizeTitle('标'.repeat(500)), { ok: true, value: '标'.repeat(500) });
    t.strictSame(normalizeTitle(null), { ok: true, value: null });
  });
  t.test('when longer than 500 chars or not a string, then it is rejected', async (t) => {
    t.strictSame(normalizeTitle('x'.repeat(501)), {
      ok: false,
      error: 'Field "title" must be at most 500 characters, got 501',
    });
    t.strictSame(normalizeTitle(12), { ok: false, error: 'Field "title" must be a string, got 12' });
  });
});

t.test(
  "given a state config, when reading its field rules, then required is 2 and writable 2 or 3, in the workflow's field order",
  async (t) => {
    // cc comes first by order_id although the state lists it last; the title leads.
    const wf = workflow([
      { ...field('leave_days', FieldType.int), order_id: 20 },
      { ...field('leave_type', FieldType.radio, leaveTypes), order_id: 30 },
      { ...field('cc', FieldType.multiUsername), order_id: 10 },
    ]);
    const rules = stateFieldRules(state({ sn: 1, leave_type: 2, leave_days: 3, title: 2, creator: 1, cc: 2 }), wf);
    t.strictSame(rules, { required: ['title', 'cc', 'leave_type'], writable: ['title', 'cc', 'leave_days', 'leave_type'] });
  },
);

t.test('given required fields', async (t) => {
  const required = ['title', 'leave_days', 'leave_type'];
  t.test('when all are filled, then nothing is missing', async (t) => {
    t.strictSame(checkRequiredFields(required, { title: 't', leave_days: 0, leave_type: false }), []);
  });
  t.test('when keys are absent, null, blank or an empty list, then they are missing in order', async (t) => {
    t.strictSame(checkRequiredFields(required, { leave_days: null, leave_type: '  ' }), required);
    t.strictSame(checkRequiredFields(['cc'], { cc: [] }), ['cc']);
    t.strictSame(checkRequiredFields(required, { title: '', leave_days: 2 }), ['title', 'leave_type']);
  });
  t.test('when a command key is listed as required, then it is never reported', async (t) => {
    t.strictSame(checkRequiredFields(['workflow_id', 'transition_id', 'suggestion', 'username'], {}), []);
  });
});

t.test('given a workflow with custom fields', async (t) => {
  const wf = workflow([
    field('leave_days', FieldType.int),
    field('leave_type', FieldType.radio, leaveTypes),
    field('start_at', FieldType.datetime),
    field('note', FieldType.string),
  ]);
  const writable = ['title', 'leave_days', 'leave_type', 'start_at', 'state_id', 'suggestion'];

  t.test('when the body is valid, then writable fields are normalised and the rest ignored', async (t) => {
    const r = collectFieldValues(wf, writable, directory, {
      workflow_id: 1,
      transition_id: 2,
      suggestion: 'ok',
      title: 'Leave',
      leave_days: '3',
      leave_type: 2,
      start_at: '2024-03-05T09:00:00',
      note: 'read-only here',
      state_id: 99,
      unknown: 'x',
    });
    t.strictSame(r, {
      ok: true,
      values: { title: 'Leave', leave_days: 3, leave_type: '2', start_at: '2024-03-05 09:00:00' },
    });
  });

  t.test('when several values are bad, then every error is reported with its field', async (t) => {
    const r = collectFieldValues(wf, writable, directory, {
      title: 'x'.repeat(501),
      leave_days: 'abc',
      leave_type: '9',
      start_at: '2024-02-30 10:00:00',
    });
    t.strictSame(r, {
      ok: false,
      errors: [
        { field: 'title', message: 'Field "title" must be at most 500 characters, got 501' },
        { field: 'leave_days', message: 'Field "leave_days" must be an integer, got "abc"' },
        { field: 'leave_type', message: 'Field "leave_type" must be one of 1 (年假), 2 (调休), 3 (病假)' },
        { field: 'start_at', message: 'Field "start_at" must be a datetime "YYYY-MM-DD HH:MM:SS", got "2024-02-30 10:00:00"' },
      ],
    });
  });

  t.test('when a read-only or unknown key holds a bad value, then it is ignored', async (t) => {
    const r = collectFieldValues(wf, writable, directory, { note: 42, unknown: {}, leave_days: 1 });
    t.strictSame(r, { ok: true, values: { leave_days: 1 } });
  });

  t.test('when several values are bad, then the errors are separated by "; " in the workflow\'s field order', async (t) => {
    const r = collectFieldValues(wf, ['start_at', 'leave_days', 'title'], directory, { start_at: 'x', leave_days: 'y', title: 5 });
    t.strictSame(r.ok ? [] : r.errors.map((e) => e.field), ['title', 'leave_days', 'start_at']);
    t.equal(
      joinFieldErrors(r.ok ? [] : r.errors),
      'Field "title" must be a string, got 5; Field "leave_days" must be an integer, got "y"; Field "start_at" must be a datetime "YYYY-MM-DD HH:MM:SS", got "x"',
    );
  });

  t.test('when a writable field is null, then it is collected as unset', async (t) => {
    t.strictSame(collectFieldValues(wf, writable, directory, { leave_type: null }), { ok: true, values: { leave_type: null } });
  });
});

t.test('given username fields, only active users of the directory may be named', async (t) => {
  const wf = workflow([field('proxy', FieldType.username), field('cc', FieldType.multiUsername)]);
  const writable = ['proxy', 'cc'];
  t.test('when every name is an active user, then the values are collected', async (t) => {
    t.strictSame(collectFieldValues(wf, writable, directory, { proxy: 'lilei', cc: 'guiji,lilei' }), {
      ok: true,
      values: { proxy: 'lilei', cc: 'guiji,lilei' },
    });
    t.strictSame(collectFieldValues(wf, writable, directory, { proxy: null, cc: '' }), { ok: true, values: { proxy: null, cc: '' } });
  });
  t.test('when a name is unknown or inactive, then the field error names the user', async (t) => {
    t.strictSame(collectFieldValues(wf, writable, directory, { proxy: 'nosuchuser', cc: ['lilei', 'gone'] }), {
      ok: false,
      errors: [
        { field: 'proxy', message: 'Field "proxy": "nosuchuser" is not a user of the directory; name active users of the directory' },
        { field: 'cc', message: 'Field "cc": "gone" is not an active user; name active users of the directory' },
      ],
    });
  });
});
