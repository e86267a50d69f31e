// Event ids for EventStoreDB appends. The server stores an append whose ids it already holds at
// that place only once and answers it as a success: that is what makes a retried append safe.
// The ids must therefore be the same on the retry of one call and differ between calls. They
// are derived from a key drawn once per call, not from the stream and revision alone: two
// calls expecting the same revision (concurrent commands) would otherwise share ids, and the
// loser would get the winner's success instead of a conflict; with `any` every number
// reservation on `ticket_ids` would be the same append, handing out one number twice.
import { createHash } from 'node:crypto';
import type { ExpectedRevision } from '../event-store.ts';

// Fixed namespace of name-based (v5) ids made by flowledger.
const NAMESPACE = Buffer.from('6f1c2a4e9b0d4c3e8a7f5d2b1e0c9a8f', 'hex');

/** RFC 9562 version 5: SHA-1 of namespace and name, with the version and variant bits set. */
function uuidV5(name: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(name, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** One id per event of an append: a pure function of the call's key, the stream, the expected revision and the index. */
export const eventIds = (appendKey: string, streamId: string, expected: ExpectedRevision, count: number): string[] =>
  Array.from({ length: count }, (_, index) => uuidV5(JSON.stringify([appendKey, streamId, String(expected), index])));
