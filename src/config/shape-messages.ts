// Zod's defaults ("Invalid input: expected string, received number") read like a stack
// trace; a config author needs the rule in plain words and where it was broken.
import type { z } from 'zod';
import { problemAt, type ProblemPath } from '../domain/catalog/problem-path.ts';

const describe = (v: unknown): string => {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return `the text ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'number') return `the number ${v}`;
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${String(v)}`;
};

const EXPECTED: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
};

export const shapeErrorMap: z.core.$ZodErrorMap = (iss) => {
  switch (iss.code) {
    case 'invalid_type': {
      if (iss.input === undefined) return 'is required';
      const hint = iss.expected === 'string' && typeof iss.input === 'number' ? ' (quote it in YAML)' : '';
      return `must be ${EXPECTED[iss.expected] ?? iss.expected}, not ${describe(iss.input)}${hint}`;
    }
    case 'invalid_value':
      return `must be ${iss.values.map((v) => JSON.stringify(v)).join(' or ')}`;
    case 'too_small':
      if (iss.origin === 'string') return 'must not be empty';
      if (iss.origin === 'array') return `must have at least ${iss.minimum} item(s)`;
      return iss.inclusive ? `must be ${iss.minimum} or more` : `must be greater than ${iss.minimum}`;
    case 'too_big':
      if (iss.origin === 'string') return `must be at most ${iss.maximum} characters`;
      if (iss.origin === 'array') return `must have at most ${iss.maximum} items`;
      return `must be at most ${iss.maximum}`;
    // These carry the schema's own message (a refinement, a regex, a union's list of codes).
    case 'custom':
    case 'invalid_format':
    case 'invalid_union':
    case 'invalid_element':
    case 'invalid_key':
    case 'not_multiple_of':
    case 'unrecognized_keys':
      return undefined;
  }
};

export const unknownKey = (path: ProblemPath): string => problemAt(path, 'unknown key (check the spelling)');

/** Each issue as "path: message", the path starting at `prefix`. */
export const issuesToProblems = (issues: readonly z.core.$ZodIssue[], prefix: ProblemPath): string[] =>
  issues.flatMap((iss) =>
    iss.code === 'unrecognized_keys'
      ? iss.keys.map((k) => unknownKey([...prefix, ...iss.path, k]))
      : [problemAt([...prefix, ...iss.path], iss.message)],
  );
