// The catalog is re-read when it is older than its max age by the injected clock, not the wall clock.
import t from 'tap';
import { CatalogStore } from '../../src/commands/catalog-store.ts';
import type { RecordedEvent } from '../../src/eventstore/event-store.ts';

t.test('given a catalog read at t0, when the clock moves past the max age, then the next read looks at the stream again', async (t) => {
  let now = new Date('2024-03-05T08:30:00.000Z');
  const reads: (bigint | undefined)[] = [];
  const stream: RecordedEvent[] = [];
  const store = {
    readStream: async (_id: string, options?: { fromRevision?: bigint }) => {
      reads.push(options?.fromRevision);
      return stream.filter((e) => e.revision >= (options?.fromRevision ?? 0n));
    },
  };
  const catalog = new CatalogStore(store, () => now, 1000);

  await catalog.current();
  t.same(reads, [0n], 'the first read looks');
  stream.push({
    streamId: 'config',
    revision: 0n,
    position: { commit: 1n, prepare: 1n },
    type: 'RoleDefined',
    data: { role: { id: 1, name: 'r', description: '', members: [] } },
    metadata: {},
    recordedAt: now,
  });
  t.equal((await catalog.current()).catalog.roles.size, 0, 'within the max age, the catalog is not re-read');
  t.same(reads, [0n]);

  now = new Date(now.getTime() + 1001);
  const later = await catalog.current();
  t.same(reads, [0n, 0n], 'past the max age by the injected clock, it is');
  t.equal(later.catalog.roles.get(1)?.name, 'r');
  t.equal(later.revision, 0n);

  t.same((await catalog.current({ fresh: true })).revision, 0n, 'a fresh read always looks, from the next revision');
  t.same(reads, [0n, 0n, 1n]);
});
