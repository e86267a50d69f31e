// Script states (participant type 6, contract §5): a JavaScript module from the scripts folder
// runs in a worker thread with a time and a memory limit, gets the ticket, and its result (or
// what it printed) goes to the flow log. Loonflow exec'd Python inside its worker; hooks are
// the recommended mechanism, scripts remain for configurations that use them.
import { resolve, sep } from 'node:path';
import { Worker } from 'node:worker_threads';

export interface ScriptLimits {
  timeoutMs: number;
  memoryMb: number;
}

export const DEFAULT_SCRIPT_LIMITS: ScriptLimits = { timeoutMs: 30_000, memoryMb: 64 };

export type ScriptOutcome = { kind: 'succeeded'; output: string } | { kind: 'failed'; reason: string };

/** What a script may say in the flow log. */
const OUTPUT_MAX = 10_000;

// The worker's own code, evaluated as a script so that it runs the same under tsx and compiled:
// load the module, call it with the ticket, answer with its result and what it printed (the
// flow log shows them, as loonflow showed stdout).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { format } = require('node:util');
const { pathToFileURL } = require('node:url');
let printed = '';
const print = (...args) => { if (printed.length < ${OUTPUT_MAX}) printed += format(...args) + '\\n'; };
Object.assign(console, { log: print, info: print, warn: print, error: print, debug: print });
(async () => {
  try {
    const module = await import(pathToFileURL(workerData.file).href);
    if (typeof module.default !== 'function') throw new Error('the module has no default export function');
    const result = await module.default(workerData.ticket);
    parentPort.postMessage({ ok: true, result: result === undefined ? '' : typeof result === 'string' ? result : JSON.stringify(result), printed });
  } catch (error) {
    parentPort.postMessage({ ok: false, error: error instanceof Error ? error.message : String(error), printed });
  }
})();
`;

/** A module name as a state's participant names it: a file of the folder, never a path out of it. */
export function scriptPath(scriptsDir: string, name: string): string | undefined {
  if (!/^[\w.-]+\.(m?js)$/.test(name)) return undefined;
  const dir = resolve(scriptsDir);
  const file = resolve(dir, name);
  return file.startsWith(dir + sep) ? file : undefined;
}

export async function runScript(
  scriptsDir: string,
  name: string,
  ticket: unknown,
  limits: ScriptLimits = DEFAULT_SCRIPT_LIMITS,
): Promise<ScriptOutcome> {
  const file = scriptPath(scriptsDir, name);
  if (!file) return { kind: 'failed', reason: `"${name}" is not a script file name (letters, digits, . _ - ending in .js or .mjs).` };
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { file, ticket },
    resourceLimits: { maxOldGenerationSizeMb: limits.memoryMb },
  });
  let printed = '';
  const outcome = await new Promise<ScriptOutcome>((settle) => {
    const timer = setTimeout(() => {
      settle({ kind: 'failed', reason: `the script did not finish within ${limits.timeoutMs} ms` });
      void worker.terminate();
    }, limits.timeoutMs);
    worker.once('message', (message: ({ ok: true; result: string } | { ok: false; error: string }) & { printed: string }) => {
      clearTimeout(timer);
      printed = message.printed;
      settle(message.ok ? { kind: 'succeeded', output: message.result } : { kind: 'failed', reason: message.error });
    });
    worker.once('error', (error) => {
      clearTimeout(timer);
      const e = error as Error & { code?: string };
      settle({
        kind: 'failed',
        reason: e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `the script used more than ${limits.memoryMb} MB` : e.message,
      });
    });
    worker.once('exit', (code) => {
      clearTimeout(timer);
      settle({ kind: 'failed', reason: `the script's worker stopped (exit code ${code}) before it answered` });
    });
  });
  await worker.terminate();
  const shown = (
    outcome.kind === 'succeeded'
      ? outcome.output || printed.trimEnd()
      : printed
        ? `${outcome.reason}\n${printed.trimEnd()}`
        : outcome.reason
  ).slice(0, OUTPUT_MAX);
  return outcome.kind === 'succeeded' ? { kind: 'succeeded', output: shown } : { kind: 'failed', reason: shown };
}
