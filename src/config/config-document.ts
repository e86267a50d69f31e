// The config document (contract §4): apps, directory, notices and workflows in one JSON or
// YAML file. Loading fills loonflow's column defaults so the rest of the system only ever
// sees fully populated domain objects, and reports every problem at once, of shape and of
// the catalog's rules, because a document is applied whole or not at all.
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { documentOf, type CatalogDocument } from '../domain/catalog/catalog-document.ts';
import { catalogProblems } from '../domain/catalog/catalog-rules.ts';
import { NO_KNOWN_IDS, type KnownIds } from '../domain/catalog/known-ids.ts';
import { checkShape } from './shape-check.ts';

/** The document is the catalog's own shape: what the domain applies. */
export type ConfigDocument = CatalogDocument;

export type ConfigResult = { ok: true; document: ConfigDocument } | { ok: false; problems: string[] };

/** The configuration applied to an empty store when no CONFIG_FILE is given. */
export const DEMO_CONFIG_PATH = fileURLToPath(new URL('./demo-config.yaml', import.meta.url));

/** Validates an already-parsed document (e.g. the JSON body of `PUT /config`). Never throws. */
export function validateConfigDocument(input: unknown, known: KnownIds = NO_KNOWN_IDS): ConfigResult {
  const { draft, problems } = checkShape(input);
  if (draft) problems.push(...catalogProblems(draft, known));
  // Every malformed part was reported, so no problems means the draft has no holes.
  const document = draft && documentOf(draft);
  return problems.length === 0 && document ? { ok: true, document } : { ok: false, problems };
}

/** Parses JSON or YAML text; without `format`, text starting with `{` is JSON, anything else YAML. */
export function parseConfigDocument(text: string, format?: 'json' | 'yaml', known: KnownIds = NO_KNOWN_IDS): ConfigResult {
  const body = text.replace(/^\uFEFF/, '');
  const asJson = format === 'json' || (format === undefined && body.trimStart().startsWith('{'));
  let input: unknown;
  if (asJson) {
    try {
      input = JSON.parse(body);
    } catch (err) {
      return { ok: false, problems: [`document: JSON syntax error: ${(err as Error).message}`] };
    }
  } else {
    const doc = YAML.parseDocument(body);
    if (doc.errors.length > 0)
      return {
        ok: false,
        // The first line carries the message and position; the rest is a multi-line code frame.
        problems: doc.errors.map((e) => `document: YAML syntax error: ${e.message.split('\n')[0].replace(/:$/, '')}`),
      };
    try {
      input = doc.toJS();
    } catch (err) {
      // e.g. alias expansion beyond the limit that guards against "billion laughs" documents
      return { ok: false, problems: [`document: YAML could not be read: ${(err as Error).message}`] };
    }
  }
  if (input === null || input === undefined) return { ok: false, problems: ['document: the document is empty'] };
  return validateConfigDocument(input, known);
}

/** Reads and parses a config file; the format follows the extension (.json, .yaml/.yml) or the content. */
export async function loadConfigFile(path: string, known: KnownIds = NO_KNOWN_IDS): Promise<ConfigResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    return { ok: false, problems: [`cannot read config file ${path}: ${(err as Error).message}`] };
  }
  const ext = extname(path).toLowerCase();
  return parseConfigDocument(text, ext === '.json' ? 'json' : ext === '.yaml' || ext === '.yml' ? 'yaml' : undefined, known);
}
