// One outbound call of a hook, notice or external participant: a JSON POST signed the way
// loonflow signs it (`timestamp`, `signature` = md5(timestamp + token)), with the delivery's
// id as Idempotency-Key (the same on every retry, so a receiver can tell a re-delivery),
// through one undici agent that reuses connections, with a time limit per attempt.
import { Agent, request } from 'undici';
import { SUGGESTION_MAX, UNSTORABLE } from '../../domain/bounds.ts';
import { signatureFor } from '../../loonflow-signature.ts';
import { hostRefusal, type HostAllowList } from './host-allow-list.ts';

export interface SignedPost {
  url: string;
  token: string;
  body: unknown;
  deliveryId: string;
}

export type PostOutcome =
  /** The receiver answered JSON with `code: 0`. */
  /** `message` is the answer's `msg`, made storable (it becomes a suggestion on the ticket). */
  | { kind: 'succeeded'; status: number; response: Record<string, unknown>; message: string; durationMs: number }
  /** Anything else: what a person reading the audit trail needs to know. */
  | { kind: 'failed'; reason: string; status?: number; durationMs: number }
  /** Not sent: HOOK_HOST_ALLOWED or the URL forbids it. Retrying will not help. */
  | { kind: 'refused'; reason: string };

/** At most this much of an answer is read; a receiver's answer is a short JSON document. */
const MAX_RESPONSE_BYTES = 64 * 1024;

export class DeliveryClient {
  private readonly agent: Agent;

  constructor(
    private readonly allowList: HostAllowList,
    private readonly options: { timeoutMs: number; clock: () => Date },
  ) {
    this.agent = new Agent({ keepAliveTimeout: 10_000, connections: 64 });
  }

  async post(call: SignedPost): Promise<PostOutcome> {
    const refused = hostRefusal(this.allowList, call.url);
    if (refused) return { kind: 'refused', reason: refused };
    const timestamp = String(Math.floor(this.options.clock().getTime() / 1000));
    const started = performance.now();
    const took = () => Math.round(performance.now() - started);
    try {
      const response = await request(call.url, {
        method: 'POST',
        dispatcher: this.agent,
        headers: {
          'content-type': 'application/json',
          timestamp,
          signature: signatureFor(timestamp, call.token),
          'idempotency-key': call.deliveryId,
        },
        body: JSON.stringify(call.body),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      const text = await readLimited(response.body);
      const status = response.statusCode;
      const answer = parseObject(text);
      const msg = storable(typeof answer?.msg === 'string' ? answer.msg : '', SUGGESTION_MAX);
      if (status >= 200 && status < 300 && answer?.code === 0)
        return { kind: 'succeeded', status, response: answer, message: msg, durationMs: took() };
      const said = msg !== '' ? `: ${storable(msg, 500)}` : '';
      const reason = answer
        ? `answered code ${storable(JSON.stringify(answer.code) ?? 'none', 100)}${said}`
        : `answered HTTP ${status} without a JSON object`;
      return { kind: 'failed', reason, status, durationMs: took() };
    } catch (error) {
      const e = error as Error & { code?: string };
      const reason =
        e.name === 'TimeoutError' || e.name === 'AbortError'
          ? `no answer within ${this.options.timeoutMs} ms`
          : `could not be reached (${e.code ?? e.message})`;
      return { kind: 'failed', reason, durationMs: took() };
    }
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

async function readLimited(body: AsyncIterable<Buffer | Uint8Array> & { destroy?(): void }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > MAX_RESPONSE_BYTES) {
      body.destroy?.();
      break;
    }
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * What a receiver says goes onto the ticket's events: at most `max` characters, without the
 * NUL characters and lone surrogates PostgreSQL cannot store.
 */
function storable(text: string, max: number): string {
  const clean = text.replace(new RegExp(UNSTORABLE.source, 'g'), '');
  return Array.from(clean).slice(0, max).join('');
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
