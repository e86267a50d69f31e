// Ticket ids and the daily sn counter come from the log itself, so that they are unique on
// every event store: each reservation is one appended event and its revision is the number.
import type { EventStore } from '../eventstore/event-store.ts';

const reserve = async (store: EventStore, streamId: string, data: Record<string, unknown>): Promise<number> => {
  const result = await store.appendToStream(streamId, [{ type: 'NumberReserved', data }], { expectedRevision: 'any' });
  return Number(result.nextExpectedRevision) + 1;
};

export const reserveTicketId = (store: EventStore): Promise<number> => reserve(store, 'ticket_ids', {});

/** Local calendar day in the zone timestamps are rendered in (TZ). */
export const dayStamp = (now: Date): string =>
  `${now.getFullYear()}${String(now.getMonth() + 1).padStart(2, '0')}${String(now.getDate()).padStart(2, '0')}`;

/** `<prefix>_YYYYMMDDNNNN`, the counter restarting every day (Q25: unique). */
export async function reserveSn(store: EventStore, prefix: string, now: Date, ticketId: number): Promise<string> {
  const day = dayStamp(now);
  const n = await reserve(store, `ticket_sn-${day}`, { ticketId });
  return `${prefix}_${day}${String(n).padStart(4, '0')}`;
}
