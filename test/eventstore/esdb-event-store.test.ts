import t from 'tap';
import { EventStoreDbEventStore } from '../../src/eventstore/esdb/esdb-event-store.ts';
import { eventStoreContract } from './contract.ts';

const url = process.env.EVENTSTORE_URL;

t.test('EventStoreDB event store', { skip: url ? false : 'set EVENTSTORE_URL to run the contract against an EventStoreDB server' }, async (t) => {
  eventStoreContract(t, async () => {
    const store = EventStoreDbEventStore.connect(url!);
    return { store, close: () => store.close() };
  }, { lateCommitSkip: 'EventStoreDB orders appends as they commit; there is no open transaction to hold' });
});
