// Which event store this is. Checkpoints record it: a read-model database projected from one
// store and then pointed at another would otherwise resume from a position that means
// nothing there.
import { WrongExpectedRevisionError, type EventStore } from './event-store.ts';

/** Outside the product's stream pattern, so that no projection ever sees it. */
export const STORE_IDENTITY_STREAM = 'flowledger-store-identity';

/** The id named by the first event of the identity stream, written with `candidate` when there is none. */
export async function identityFromStream(store: Pick<EventStore, 'readStream' | 'appendToStream'>, candidate: string): Promise<string> {
  const read = async () => ((await store.readStream(STORE_IDENTITY_STREAM))[0]?.data as { storeId?: string } | undefined)?.storeId;
  const known = await read();
  if (known) return known;
  try {
    await store.appendToStream(STORE_IDENTITY_STREAM, [{ type: 'StoreIdentified', data: { storeId: candidate } }], {
      expectedRevision: 'no_stream',
    });
    return candidate;
  } catch (error) {
    // Another process named it first.
    if (!(error instanceof WrongExpectedRevisionError)) throw error;
    return (await read()) ?? candidate;
  }
}
