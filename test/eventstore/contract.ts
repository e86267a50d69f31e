// The behaviour every EventStore adapter promises, run against each of them.
import { randomUUID } from 'node:crypto';
import type { Test } from 'tap';
import {
  comparePositions,
  WrongExpectedRevisionError,
  type EventStore,
  type LogPosition,
  type RecordedEvent,
} from '../../src/eventstore/event-store.ts';

export interface ContractSubject {
  store: EventStore;
  /** Appends in a transaction left open until commit() is called; absent where that cannot happen. */
  appendInOpenTransaction?: (streamId: string, type: string) => Promise<{ commit(): Promise<void> }>;
  close(): Promise<void>;
}

// Shaped like a ticket's stream: the EventStoreDB adapter delivers only this product's names.
const stream = () => `ticket-${BigInt(`0x${randomUUID().replace(/-/g, '').slice(0, 15)}`)}`;
const event = (type: string, data: Record<string, unknown> = {}) => ({ type, data, metadata: { actor: 'tester' } });

async function rejectsWrongRevision(t: Test, promise: Promise<unknown>, actual: bigint | 'no_stream') {
  try {
    await promise;
    t.fail('append should have been refused');
  } catch (error) {
    t.type(error, WrongExpectedRevisionError);
    t.equal((error as WrongExpectedRevisionError).actual, actual, 'reports the actual revision');
  }
}

/** Collects what a subscription delivers until `until` holds or the time runs out. */
async function collect(store: EventStore, after: LogPosition | undefined, until: (seen: RecordedEvent[]) => boolean, ms = 5000) {
  const seen: RecordedEvent[] = [];
  let resolve!: () => void;
  const reached = new Promise<void>((r) => (resolve = r));
  const subscription = store.subscribe({ after }, async (batch) => {
    seen.push(...batch);
    if (until(seen)) resolve();
  });
  const timer = setTimeout(resolve, ms);
  await reached;
  clearTimeout(timer);
  await subscription.close();
  return seen;
}

export function eventStoreContract(t: Test, open: () => Promise<ContractSubject>, options: { lateCommitSkip?: string } = {}) {
  let subject: ContractSubject;
  t.before(async () => {
    subject = await open();
  });
  t.teardown(() => subject.close());

  t.test('given no stream, when appending with no_stream, then revisions start at 0', async (t) => {
    const id = stream();
    const result = await subject.store.appendToStream(id, [event('A'), event('B', { n: 2 })], { expectedRevision: 'no_stream' });
    t.equal(result.nextExpectedRevision, 1n);
    const read = await subject.store.readStream(id);
    t.same(
      read.map((e) => [e.revision, e.type, e.data]),
      [
        [0n, 'A', {}],
        [1n, 'B', { n: 2 }],
      ],
    );
    t.same(read[0].metadata, { actor: 'tester' });
    t.ok(read[0].recordedAt instanceof Date);
    t.equal(comparePositions(read[1].position, result.position), 0, 'append reports the position of its last event');
  });

  t.test('no_stream is refused once the stream exists', async (t) => {
    const id = stream();
    await subject.store.appendToStream(id, [event('A')], { expectedRevision: 'no_stream' });
    await rejectsWrongRevision(t, subject.store.appendToStream(id, [event('B')], { expectedRevision: 'no_stream' }), 0n);
    t.equal((await subject.store.readStream(id)).length, 1, 'nothing was appended');
  });

  t.test('an exact revision must match the last revision', async (t) => {
    const id = stream();
    await rejectsWrongRevision(t, subject.store.appendToStream(id, [event('A')], { expectedRevision: 0n }), 'no_stream');
    await subject.store.appendToStream(id, [event('A')], { expectedRevision: 'no_stream' });
    await rejectsWrongRevision(t, subject.store.appendToStream(id, [event('B')], { expectedRevision: 5n }), 0n);
    const ok = await subject.store.appendToStream(id, [event('B')], { expectedRevision: 0n });
    t.equal(ok.nextExpectedRevision, 1n);
  });

  t.test('stream_exists needs the stream, any never checks', async (t) => {
    const id = stream();
    await rejectsWrongRevision(t, subject.store.appendToStream(id, [event('A')], { expectedRevision: 'stream_exists' }), 'no_stream');
    t.equal((await subject.store.appendToStream(id, [event('A')], { expectedRevision: 'any' })).nextExpectedRevision, 0n);
    t.equal((await subject.store.appendToStream(id, [event('B')], { expectedRevision: 'stream_exists' })).nextExpectedRevision, 1n);
    t.equal((await subject.store.appendToStream(id, [event('C')], { expectedRevision: 'any' })).nextExpectedRevision, 2n);
  });

  t.test('the store has one identity, the same on every call', async (t) => {
    const [a, b] = await Promise.all([subject.store.identity(), subject.store.identity()]);
    t.match(a, /^[0-9a-f-]{36}$/);
    t.equal(b, a, 'concurrent first calls agree');
    t.equal(await subject.store.identity(), a, 'and later ones');
  });

  t.test('the head is where new events come after', async (t) => {
    const id = stream();
    const appended = await subject.store.appendToStream(id, [event('Before')]);
    const head = await subject.store.headPosition();
    t.ok(comparePositions(head, appended.position) >= 0, 'at or past everything appended so far');
    await subject.store.appendToStream(id, [event('After')]);
    const later = (await subject.store.readAll({ after: head, maxCount: 10_000 })).filter((e) => e.streamId === id).map((e) => e.type);
    t.same(later, ['After'], 'reading after it gives only what came since');
  });

  t.test('reading a stream that does not exist gives no events', async (t) => {
    t.same(await subject.store.readStream(stream()), []);
  });

  t.test('reading a stream from a revision', async (t) => {
    const id = stream();
    await subject.store.appendToStream(id, [event('A'), event('B'), event('C')]);
    t.same(
      (await subject.store.readStream(id, { fromRevision: 1n })).map((e) => e.type),
      ['B', 'C'],
    );
  });

  t.test('concurrent appends expecting the same revision: exactly one wins', async (t) => {
    const id = stream();
    await subject.store.appendToStream(id, [event('Created')], { expectedRevision: 'no_stream' });
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => subject.store.appendToStream(id, [event('Handled', { by: i })], { expectedRevision: 0n })),
    );
    t.equal(results.filter((r) => r.status === 'fulfilled').length, 1, 'one append succeeded');
    const refused = results.filter((r) => r.status === 'rejected');
    t.equal(refused.length, 7);
    t.ok(
      refused.every((r) => (r as PromiseRejectedResult).reason instanceof WrongExpectedRevisionError),
      'the others are conflicts',
    );
    t.equal((await subject.store.readStream(id)).length, 2);
  });

  t.test('concurrent creations of one new stream: exactly one wins', async (t) => {
    const id = stream();
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, () => subject.store.appendToStream(id, [event('Created')], { expectedRevision: 'no_stream' })),
    );
    t.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    t.equal((await subject.store.readStream(id)).length, 1);
  });

  t.test('the global log is read strictly after a position, in append order', async (t) => {
    const id = stream();
    const first = await subject.store.appendToStream(id, [event('A')]);
    await subject.store.appendToStream(id, [event('B')]);
    await subject.store.appendToStream(stream(), [event('C')]);
    const after = await subject.store.readAll({ after: first.position });
    const mine = after.filter((e) => ['A', 'B', 'C'].includes(e.type) && e.metadata.actor === 'tester');
    t.same(
      mine.slice(-2).map((e) => e.type),
      ['B', 'C'],
    );
    t.notOk(
      after.some((e) => comparePositions(e.position, first.position) <= 0),
      'nothing at or before the position',
    );
    for (let i = 1; i < after.length; i++) t.ok(comparePositions(after[i - 1].position, after[i].position) < 0, 'ordered');
  });

  t.test('a subscriber gets old and new events in order, and resumes from a checkpoint', async (t) => {
    const id = stream();
    const start = await subject.store.appendToStream(id, [event('One')]);
    const seen = await collect(subject.store, undefined, (s) => s.some((e) => e.streamId === id));
    t.ok(
      seen.some((e) => e.streamId === id && e.type === 'One'),
      'history delivered',
    );

    const live = collect(subject.store, start.position, (s) => s.filter((e) => e.streamId === id).length >= 2);
    await new Promise((r) => setTimeout(r, 50));
    await subject.store.appendToStream(id, [event('Two')]);
    await subject.store.appendToStream(id, [event('Three')]);
    const resumed = (await live).filter((e) => e.streamId === id);
    t.same(
      resumed.map((e) => e.type),
      ['Two', 'Three'],
      'only what came after the checkpoint, in order',
    );
  });

  t.test('a transaction that commits late is still delivered, in order', { skip: options.lateCommitSkip ?? false }, async (t) => {
    const id = stream();
    const before = await subject.store.appendToStream(stream(), [event('Before')]);
    const slow = await subject.appendInOpenTransaction!(id, 'Slow');
    await subject.store.appendToStream(stream(), [event('Fast')]);

    const early = await subject.store.readAll({ after: before.position });
    t.notOk(
      early.some((e) => e.type === 'Fast'),
      'the later event is held back while an earlier transaction is open',
    );

    const seen = collect(subject.store, before.position, (s) => s.some((e) => e.type === 'Fast'));
    await new Promise((r) => setTimeout(r, 100));
    await slow.commit();
    const delivered = (await seen).map((e) => e.type).filter((type) => type === 'Slow' || type === 'Fast');
    t.same(delivered, ['Slow', 'Fast'], 'the late commit is not skipped and comes first');
  });

  t.test('a subscriber gets batches as large as it asks for, not a fixed buffer', async (t) => {
    const id = stream();
    const before = await subject.store.appendToStream(stream(), [event('Before')]);
    await subject.store.appendToStream(
      id,
      Array.from({ length: 250 }, (_, n) => event('Many', { n })),
    );
    const sizes: number[] = [];
    const seen: number[] = [];
    let resolve!: () => void;
    const all = new Promise<void>((r) => (resolve = r));
    const subscription = subject.store.subscribe({ after: before.position, maxBatch: 100 }, async (batch) => {
      const mine = batch.filter((e) => e.streamId === id);
      sizes.push(batch.length);
      seen.push(...mine.map((e) => (e.data as { n: number }).n));
      await new Promise((r) => setTimeout(r, 50)); // lets the next batch fill up
      if (seen.length >= 250) resolve();
    });
    const timer = setTimeout(resolve, 10_000);
    await all;
    clearTimeout(timer);
    await subscription.close();
    t.same(
      seen,
      Array.from({ length: 250 }, (_, n) => n),
      'every event once, in order',
    );
    t.ok(
      sizes.every((n) => n <= 100),
      `no batch above maxBatch (${sizes.join(', ')})`,
    );
    t.ok(Math.max(...sizes) > 20, `batches grow past a stream buffer's default of 16 (${sizes.join(', ')})`);
  });

  t.test("a handler's failure rejects done, and close() still resolves", async (t) => {
    const before = await subject.store.appendToStream(stream(), [event('Before')]);
    await subject.store.appendToStream(stream(), [event('Fails')]);
    const subscription = subject.store.subscribe({ after: before.position }, async () => {
      throw new Error('projection bug');
    });
    await t.rejects(subscription.done, { message: 'projection bug' });
    await subscription.close();
    await subscription.close();
    t.pass('close() resolved twice after the failure');
  });
}
