import { randomUUID } from 'node:crypto';
import t from 'tap';
import { EventStoreDBClient, UnavailableError, jsonEvent } from '@eventstore/db-client';
import { AppendTooLargeError, DeletedStreamError, type RecordedEvent } from '../../src/eventstore/event-store.ts';
import { EventStoreDbEventStore } from '../../src/eventstore/esdb/esdb-event-store.ts';
import { eventStoreContract } from './contract.ts';

const url = process.env.EVENTSTORE_URL;
const skip = url ? false : 'set EVENTSTORE_URL to run against an EventStoreDB server';

/** The client with one method replaced; the others bound to it (it keeps private fields). */
function replacing<K extends keyof EventStoreDBClient>(
  client: EventStoreDBClient,
  key: K,
  replacement: EventStoreDBClient[K],
): EventStoreDBClient {
  return new Proxy(client, {
    get(target, name) {
      if (name === key) return replacement;
      const value = Reflect.get(target, name);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

const ticket = () => `ticket-${BigInt(`0x${randomUUID().replace(/-/g, '').slice(0, 15)}`)}`;
const event = (type: string, data: Record<string, unknown> = {}) => ({ type, data, metadata: { actor: 'tester' } });

t.test('EventStoreDB event store', { skip }, async (t) => {
  eventStoreContract(
    t,
    async () => {
      const store = EventStoreDbEventStore.connect(url!);
      return { store, close: () => store.close() };
    },
    { lateCommitSkip: 'EventStoreDB orders appends as they commit; there is no open transaction to hold' },
  );
});

t.test('EventStoreDB server behaviour the adapter relies on', { skip }, async (t) => {
  const client = EventStoreDBClient.connectionString(url!);
  const store = new EventStoreDbEventStore(client);
  t.teardown(() => client.dispose());

  t.test('the server stores a repeated append with the same ids once and answers it as a success', async (t) => {
    for (const expectedRevision of ['no_stream', 'any'] as const) {
      const id = ticket();
      const events = [jsonEvent({ id: randomUUID(), type: 'A', data: {} }), jsonEvent({ id: randomUUID(), type: 'B', data: {} })];
      const first = await client.appendToStream(id, events, { expectedRevision });
      const repeat = await client.appendToStream(id, events, { expectedRevision });
      t.equal(repeat.nextExpectedRevision, first.nextExpectedRevision, `${expectedRevision}: the first write's revision`);
      t.equal((await store.readStream(id)).length, 2, `${expectedRevision}: stored once`);
    }
  });

  t.test('an append stored but reported unavailable is retried without a second copy', async (t) => {
    let failed = false;
    const flaky = replacing(client, 'appendToStream', async (...args: Parameters<EventStoreDBClient['appendToStream']>) => {
      const result = await client.appendToStream(...args);
      if (failed) return result;
      failed = true;
      throw new UnavailableError();
    });
    const flakyStore = new EventStoreDbEventStore(flaky);
    for (const expectedRevision of ['any', 'no_stream'] as const) {
      failed = false;
      const id = ticket();
      const result = await flakyStore.appendToStream(id, [event('Reserved')], { expectedRevision });
      const stored = await store.readStream(id);
      t.equal(stored.length, 1, `${expectedRevision}: one copy`);
      t.equal(result.nextExpectedRevision, 0n);
      t.same(result.position, stored[0].position);
    }
  });

  t.test('appends over the maximum size are refused whole with a clear error', async (t) => {
    const id = ticket();
    const half = event('Big', { text: 'x'.repeat(700 * 1024) });
    await t.rejects(store.appendToStream(id, [half, half]), AppendTooLargeError, 'refused before sending');
    // Past the adapter's own check, the server's refusal (default MaxAppendSize 1 MiB) is the same error.
    const unchecked = new EventStoreDbEventStore(client, { maxAppendSize: 64 * 1024 * 1024 });
    const refused = await unchecked.appendToStream(id, [half, half]).catch((error: unknown) => error);
    t.type(refused, AppendTooLargeError, "the server's refusal");
    t.equal((refused as AppendTooLargeError).limit, 1024 * 1024, "with the server's limit");
    t.same(await store.readStream(id), [], 'neither half was stored');
  });

  t.test('a deleted stream is reported as deleted, not as a server failure', async (t) => {
    const id = ticket();
    await store.appendToStream(id, [event('A')]);
    await client.tombstoneStream(id);
    await t.rejects(store.readStream(id), DeletedStreamError);
    await t.rejects(store.appendToStream(id, [event('B')]), DeletedStreamError);
  });

  t.test("other products' streams on the same server are neither read nor delivered", async (t) => {
    const before = await store.appendToStream(ticket(), [event('Before')]);
    const suffix = BigInt(`0x${randomUUID().replace(/-/g, '').slice(0, 12)}`);
    for (const foreign of [`configuration-${suffix}`, `tickets-${suffix}`, `ticket-${suffix}-evil`, `other_ticket-${suffix}`]) {
      await client.appendToStream(foreign, jsonEvent({ type: 'Foreign', data: {} }));
    }
    const mine = ticket();
    await store.appendToStream(mine, [event('Mine')]);
    const read = await store.readAll({ after: before.position });
    t.same(
      read.filter((e) => e.type === 'Foreign'),
      [],
      'readAll',
    );
    t.ok(read.some((e) => e.streamId === mine));
    const delivered: RecordedEvent[] = [];
    const subscription = store.subscribe({ after: before.position }, async (batch) => void delivered.push(...batch));
    for (let i = 0; i < 200 && !delivered.some((e) => e.streamId === mine); i++) await new Promise((r) => setTimeout(r, 25));
    await subscription.close();
    t.ok(
      delivered.some((e) => e.streamId === mine),
      'the product stream is delivered',
    );
    t.same(
      delivered.filter((e) => e.type === 'Foreign'),
      [],
      'the look-alikes are not',
    );
  });

  t.test('a subscription whose connection drops goes on from where it was', async (t) => {
    let drops = 0;
    const dropping = replacing(client, 'subscribeToAll', (...args: Parameters<EventStoreDBClient['subscribeToAll']>) => {
      const sub = client.subscribeToAll(...args);
      // The first subscription fails after it delivered the history, as on a node restart.
      if (drops++ === 0) setTimeout(() => sub.destroy(new UnavailableError()), 150);
      return sub;
    });
    const dropStore = new EventStoreDbEventStore(dropping, { backoff: { firstDelayMs: 10, maxDelayMs: 100, attempts: 3 } });
    const id = ticket();
    const start = await store.appendToStream(ticket(), [event('Before')]);
    await store.appendToStream(id, [event('One')]);
    const seen: RecordedEvent[] = [];
    const subscription = dropStore.subscribe(
      { after: start.position },
      async (batch) => void seen.push(...batch.filter((e) => e.streamId === id)),
    );
    await new Promise((r) => setTimeout(r, 300));
    await store.appendToStream(id, [event('Two')]);
    for (let i = 0; i < 200 && seen.length < 2; i++) await new Promise((r) => setTimeout(r, 25));
    await subscription.close();
    await subscription.done;
    t.ok(drops >= 2, 'it subscribed again');
    t.same(
      seen.map((e) => e.type),
      ['One', 'Two'],
      'each event once, in order, and done never rejected',
    );
  });
});
