// Load over loopback with autocannon: each operation for a warm-up (discarded), then for the
// measured duration, every request built by setupRequest (signed now, for a ticket and a user
// that make sense for the operation).
import autocannon from 'autocannon';
import { ASSIGNEES, CREATORS, handleBody, leaveBody, signedHeaders, vpnBody } from './client.ts';
import type { Operation } from './options.ts';
import type { Seeded } from './seed.ts';
import { figureOf, type Figure } from './stats.ts';

export interface LoadFigure extends Figure {
  operation: Operation;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** The handle pool ran out before the duration was over. */
  exhausted?: boolean;
}

interface Built {
  method: 'GET' | 'POST' | 'PATCH';
  path: string;
  username: string;
  body?: string;
}

const anyOf = <T>(list: T[]): T => list[Math.floor(Math.random() * list.length)];
const anyTicket = (seeded: Seeded) => {
  const i = Math.floor(Math.random() * seeded.ids.length);
  return { id: seeded.ids[i], creator: seeded.creators[i] };
};

let created = 0;

/** The request generator of an operation; `onEmpty` is called when the handle pool runs out. */
function generator(operation: Operation, seeded: Seeded, onEmpty: () => void): () => Built {
  switch (operation) {
    case 'detail':
      return () => {
        // The creator reads their own ticket: what a detail page mostly is.
        const t = anyTicket(seeded);
        return { method: 'GET', path: `/api/v1.0/tickets/${t.id}`, username: t.creator };
      };
    case 'flowlogs':
      return () => {
        const t = anyTicket(seeded);
        return { method: 'GET', path: `/api/v1.0/tickets/${t.id}/flowlogs`, username: t.creator };
      };
    case 'list-all':
      return () => ({ method: 'GET', path: '/api/v1.0/tickets?category=all&per_page=20', username: anyOf(CREATORS) });
    case 'list-duty':
      return () => ({ method: 'GET', path: '/api/v1.0/tickets?category=duty&per_page=20', username: anyOf(ASSIGNEES) });
    case 'create':
      return () => {
        const i = created++;
        return { method: 'POST', path: '/api/v1.0/tickets', username: anyOf(CREATORS), body: i % 5 < 3 ? vpnBody(i) : leaveBody(i) };
      };
    case 'handle': {
      let last = 0;
      return () => {
        // Each ticket waits for admin's agreement; it moves to state 8 (the ops role).
        const id = seeded.handlePool.shift();
        if (id === undefined) onEmpty();
        else last = id;
        return { method: 'PATCH', path: `/api/v1.0/tickets/${id ?? last}`, username: 'admin', body: handleBody(8) };
      };
    }
  }
}

function run(url: string, connections: number, seconds: number, next: () => Built, onInstance: (i: autocannon.Instance) => void) {
  // autocannon's own histogram keeps whole milliseconds; its response event has the hrtime duration.
  const latencies: number[] = [];
  return new Promise<{ result: autocannon.Result; latencies: number[] }>((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections,
        duration: seconds,
        // One request per connection at a time, as browsers and API clients send them.
        pipelining: 1,
        requests: [
          {
            setupRequest(request) {
              const built = next();
              request.method = built.method;
              request.path = built.path;
              request.headers = signedHeaders(built.username);
              request.body = built.body;
              return request;
            },
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve({ result, latencies })),
    );
    instance.on('response', (_client, _status, _bytes, ms) => latencies.push(ms));
    onInstance(instance);
  });
}

export async function measure(
  url: string,
  operation: Operation,
  seeded: Seeded,
  options: { connections: number; duration: number; warmup: number },
): Promise<LoadFigure> {
  let exhausted = false;
  let current: autocannon.Instance | undefined;
  const next = generator(operation, seeded, () => {
    if (!exhausted) setImmediate(() => current?.stop());
    exhausted = true;
  });
  if (options.warmup > 0) await run(url, options.connections, options.warmup, next, (i) => (current = i));
  // A pool exhausted during the warm-up leaves nothing to measure.
  const measured = exhausted ? undefined : await run(url, options.connections, options.duration, next, (i) => (current = i));
  if (!measured) throw new Error(`the handle pool ran out during the warm-up`);
  const { result, latencies } = measured;
  const statusCodes = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, v]) => [code, (v as { count: number }).count]),
  );
  return {
    operation,
    ...figureOf(latencies, result.duration),
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    ...(exhausted ? { exhausted } : {}),
  };
}
