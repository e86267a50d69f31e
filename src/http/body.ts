// Request bodies: JSON only. Another media type is a 415 naming application/json (a JSON
// object sent as text/plain is still the wrong media type); an empty JSON body is "no
// body", which actions without a required key accept; nesting is bounded so that no
// check that walks the body can run out of stack.
import type { FastifyInstance } from 'fastify';
import { DomainError } from '../domain/errors.ts';

/** Deeper than any request or config document needs; far below the stack a walk can use. */
export const MAX_JSON_DEPTH = 64;

export function registerBodyParsing(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'ignore');
  // text/plain has a built-in parser that would hand routes a string.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    if (nestingDepth(text) > MAX_JSON_DEPTH) {
      return done(new DomainError('invalid_request', `The request body is nested more than ${MAX_JSON_DEPTH} levels deep.`), undefined);
    }
    parseJson(request, text, done);
  });
}

/** The deepest nesting of objects and arrays in JSON text (strings skipped); linear. */
export function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) max = Math.max(max, ++depth);
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}
