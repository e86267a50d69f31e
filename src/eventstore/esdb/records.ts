// Client records as RecordedEvents, with the checks the client leaves to us.
import type { Position } from '@eventstore/db-client';
import { PRODUCT_STREAM, type EventMetadata, type LogPosition, type RecordedEvent } from '../event-store.ts';

/** The fields of the client's RecordedEvent this adapter uses. */
export interface EsdbRecord {
  streamId: string;
  id: string;
  revision: bigint;
  position?: Position;
  type: string;
  data: unknown;
  metadata: unknown;
  created: Date;
}

// The server writes the log's own records first, so no event sits at 0/0.
const NO_POSITION = 2n ** 64n - 1n;

/**
 * The record's position, or undefined when the server sent none: the client turns an absent
 * position into 0/0 (stream reads before server 22.6) and some servers send 2^64-1 instead.
 */
export function realPosition(p: Position | undefined): LogPosition | undefined {
  if (!p || (p.commit === 0n && p.prepare === 0n) || p.commit === NO_POSITION || p.prepare === NO_POSITION) return undefined;
  return { commit: p.commit, prepare: p.prepare };
}

/** Checked again after the server's filter: .NET's `$` also matches before a trailing newline. */
export const isProductStream = (streamId: string): boolean => PRODUCT_STREAM.test(streamId);

const toMetadata = (m: unknown): EventMetadata =>
  m !== null && typeof m === 'object' && !Array.isArray(m) && !(m instanceof Uint8Array) ? (m as EventMetadata) : {};

export function toRecorded(e: EsdbRecord): RecordedEvent {
  const position = realPosition(e.position);
  // Read-your-writes and checkpoints need every event's position.
  if (!position) throw new Error(`EventStoreDB returned no position for ${e.streamId}@${e.revision}; server >= 22.6 required`);
  return {
    streamId: e.streamId,
    revision: e.revision,
    position,
    type: e.type,
    data: e.data,
    metadata: toMetadata(e.metadata),
    recordedAt: e.created,
  };
}
