// The EventStoreDB adapter's append path against a small in-memory stand-in for the client:
// the retry after a transient failure, the size limit and the position read-back. What the
// real server does with repeated ids is in the contract run (esdb-event-store.test.ts).
import t from 'tap';
import {
  DeadlineExceededError,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
  type AppendExpectedRevision,
  type EventStoreDBClient,
  type JSONEventData,
} from '@eventstore/db-client';
import {
  AppendTooLargeError,
  EventStoreUnavailableError,
  WrongExpectedRevisionError,
  type ExpectedRevision,
} from '../../src/eventstore/event-store.ts';
import { EventStoreDbEventStore } from '../../src/eventstore/esdb/esdb-event-store.ts';
import type { EsdbRecord } from '../../src/eventstore/esdb/records.ts';

type Failure = 'stored, then unavailable' | 'deadline, not stored' | 'deadline, stored after the look-back';

/**
 * Keeps streams in memory with the server's rules for expected revisions and, for an exact
 * revision, for repeated ids (a success with the first write's revisions and no position).
 * For `any` it stores a repeat again, as a server that lost its id cache would.
 */
function fakeClient(options: { failures?: (Failure | undefined)[]; positions?: boolean } = {}) {
  const streams = new Map<string, EsdbRecord[]>();
  const sent: string[][] = [];
  let log = 100n;
  let late: (() => void) | undefined;
  let cancelled = 0;
  const failures = [...(options.failures ?? [])];
  /** What the server does with an append that reaches it. */
  const write = (streamId: string, events: JSONEventData[], expectedRevision: AppendExpectedRevision) => {
    const stream = streams.get(streamId) ?? [];
    const current = stream.length === 0 ? 'no_stream' : BigInt(stream.length - 1);
    const from = expectedRevision === 'no_stream' ? 0 : typeof expectedRevision === 'bigint' ? Number(expectedRevision) + 1 : -1;
    if (
      from >= 0 &&
      stream
        .slice(from, from + events.length)
        .map((e) => e.id)
        .join() === events.map((e) => e.id).join()
    ) {
      return { success: true, nextExpectedRevision: BigInt(from + events.length - 1), position: undefined };
    }
    const ok =
      expectedRevision === 'any' ||
      (expectedRevision === 'no_stream' && current === 'no_stream') ||
      (expectedRevision === 'stream_exists' && current !== 'no_stream') ||
      expectedRevision === current;
    if (!ok) throw new WrongExpectedVersionError(undefined, { streamName: streamId, expected: expectedRevision, current });
    for (const e of events) {
      log += 10n;
      stream.push({
        streamId,
        id: e.id,
        revision: BigInt(stream.length),
        position: { commit: log, prepare: log },
        type: e.type,
        data: e.data,
        metadata: e.metadata,
        created: new Date(),
      });
    }
    streams.set(streamId, stream);
    const position = options.positions === false ? { commit: 0n, prepare: 0n } : stream[stream.length - 1].position;
    return { success: true, nextExpectedRevision: BigInt(stream.length - 1), position };
  };
  const client = {
    async appendToStream(streamId: string, events: JSONEventData[], { expectedRevision }: { expectedRevision: AppendExpectedRevision }) {
      sent.push(events.map((e) => e.id));
      const failure = failures.shift();
      if (failure === 'deadline, not stored') throw new DeadlineExceededError();
      if (failure === 'deadline, stored after the look-back') {
        late = () => write(streamId, events, expectedRevision);
        throw new DeadlineExceededError();
      }
      const result = write(streamId, events, expectedRevision);
      if (failure === 'stored, then unavailable') throw new UnavailableError();
      return result;
    },
    readStream(
      streamId: string,
      {
        fromRevision,
        direction,
        maxCount,
      }: { fromRevision: bigint | 'start' | 'end'; direction: 'forwards' | 'backwards'; maxCount?: number },
    ) {
      const stream = streams.get(streamId);
      const read = (async function* () {
        try {
          if (!stream) throw new StreamNotFoundError(undefined, streamId);
          const ordered = direction === 'backwards' ? [...stream].reverse() : stream;
          const start = typeof fromRevision === 'bigint' ? ordered.findIndex((e) => e.revision === fromRevision) : 0;
          if (start < 0) return;
          for (const event of ordered.slice(start, maxCount === undefined ? undefined : start + maxCount)) yield { event };
        } finally {
          late?.(); // the first try commits just after the look-back missed it
          late = undefined;
        }
      })();
      return Object.assign(read, { cancel: async () => void (cancelled += 1) });
    },
  };
  return { store: new EventStoreDbEventStore(client as unknown as EventStoreDBClient), streams, sent, cancelled: () => cancelled };
}

const event = (n: number) => ({ type: 'Happened', data: { n }, metadata: { actor: 'tester' } });

for (const expected of [0n, 'no_stream', 'any', 'stream_exists'] as ExpectedRevision[]) {
  t.test(`expected ${String(expected)}: an append stored but reported unavailable is not stored again`, async (t) => {
    const setup = expected !== 'no_stream';
    const { store, streams, sent, cancelled } = fakeClient({ failures: [...(setup ? [undefined] : []), 'stored, then unavailable'] });
    if (setup) await store.appendToStream('ticket-1', [event(0)], { expectedRevision: 'no_stream' });
    const result = await store.appendToStream('ticket-1', [event(1), event(2)], { expectedRevision: expected });
    const stored = streams.get('ticket-1')!;
    t.same(
      stored.map((e) => (e.data as { n: number }).n),
      setup ? [0, 1, 2] : [1, 2],
      'the events are in the stream once',
    );
    t.equal(result.nextExpectedRevision, stored.at(-1)!.revision, 'the revision of the stored append');
    t.same(result.position, stored.at(-1)!.position, 'and the position of its last event');
    t.equal(sent.length, setup ? 2 : 1, 'found by reading, not sent again');
    t.equal(cancelled(), 1, 'the look-back, left once it found the append, is cancelled on the server');
  });
}

t.test('an append that timed out unstored is sent again with the same ids, once', async (t) => {
  const { store, streams, sent } = fakeClient({ failures: ['deadline, not stored'] });
  const result = await store.appendToStream('ticket_ids', [event(1)], { expectedRevision: 'any' });
  t.equal(streams.get('ticket_ids')!.length, 1);
  t.equal(result.nextExpectedRevision, 0n);
  t.same(result.position, streams.get('ticket_ids')![0].position);
  t.equal(sent.length, 2);
  t.same(sent[1], sent[0], 'the retry repeats the ids, so the server can recognise it');
});

t.test('a first try that lands after the look-back: the repeat is answered as a success, its position read back', async (t) => {
  const { store, streams, sent } = fakeClient({ failures: [undefined, 'deadline, stored after the look-back'] });
  await store.appendToStream('ticket-1', [event(0)], { expectedRevision: 'no_stream' });
  const result = await store.appendToStream('ticket-1', [event(1), event(2)], { expectedRevision: 0n });
  const stored = streams.get('ticket-1')!;
  t.equal(stored.length, 3, 'stored once');
  t.equal(result.nextExpectedRevision, 2n);
  t.same(result.position, stored[2].position, 'the position of the last event, which the answer lacked');
  t.equal(sent.length, 3);
  t.same(sent[2], sent[1], 'sent again with the same ids');
});

t.test("an answer without a position (a server before 22.6) gets the stored event's position", async (t) => {
  const { store, streams } = fakeClient({ positions: false });
  const result = await store.appendToStream('config', [event(1)], { expectedRevision: 'no_stream' });
  t.same(result.position, streams.get('config')![0].position, 'read back when the answer carries 0/0');
});

t.test('two calls never share ids, even with the same stream, revision and events', async (t) => {
  const { store, sent } = fakeClient();
  await store.appendToStream('ticket-1', [event(1)], { expectedRevision: 'no_stream' });
  await t.rejects(
    store.appendToStream('ticket-1', [event(1)], { expectedRevision: 'no_stream' }),
    WrongExpectedRevisionError,
    'the loser of a race is a conflict, not a repeat',
  );
  await store.appendToStream('ticket_ids', [event(1)], { expectedRevision: 'any' });
  await store.appendToStream('ticket_ids', [event(1)], { expectedRevision: 'any' });
  t.equal(new Set(sent.flat()).size, 4);
});

t.test('a conflict is not retried', async (t) => {
  const { store, sent } = fakeClient();
  await store.appendToStream('ticket-1', [event(0)], { expectedRevision: 'no_stream' });
  const conflict = await store.appendToStream('ticket-1', [event(1)], { expectedRevision: 5n }).catch((error: unknown) => error);
  t.type(conflict, WrongExpectedRevisionError);
  t.equal((conflict as WrongExpectedRevisionError).actual, 0n);
  t.equal(sent.length, 2);
});

t.test('two transient failures in a row: unavailable, and the change may have been saved', async (t) => {
  const { store, sent } = fakeClient({ failures: ['deadline, not stored', 'deadline, not stored'] });
  await t.rejects(store.appendToStream('ticket-1', [event(1)], { expectedRevision: 'no_stream' }), {
    constructor: EventStoreUnavailableError,
    message: /append to ticket-1.*may have been saved/,
  });
  t.equal(sent.length, 2, 'retried once only');
});

t.test('an append over the size limit is refused whole, before sending', async (t) => {
  const { store, sent, streams } = fakeClient();
  const big = { type: 'WorkflowDefined', data: { text: 'x'.repeat(600 * 1024) }, metadata: {} };
  await t.rejects(store.appendToStream('config', [big, big], { expectedRevision: 'any' }), {
    constructor: AppendTooLargeError,
    streamId: 'config',
    limit: 1024 * 1024,
    message: /Not saved: the events for config take \d+ bytes, over the 1048576 bytes/,
  });
  t.equal(sent.length, 0, 'nothing sent');
  t.equal(streams.size, 0, 'nothing stored, not even the first half');
  await store.appendToStream('config', [big], { expectedRevision: 'any' });
  t.equal(streams.get('config')!.length, 1, 'one of them alone fits');
});
