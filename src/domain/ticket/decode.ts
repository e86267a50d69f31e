// The one place stored ticket events become typed domain events.
import { isTicketActionEvent, type TicketEvent } from './ticket-actions.ts';

/**
 * Every event is still at its first version. When an event's shape changes, convert the old
 * shape here (by type, from what it lacks), so the deciders and the read side only ever see
 * the current one.
 */
const upcast = (_type: TicketEvent['type'], data: unknown): unknown => data;

/** The typed event, or undefined when the type is no ticket event (another stream's, in the global log). */
export function decodeTicketEvent(type: string, data: unknown): TicketEvent | undefined {
  if (type !== 'TicketCreated' && !isTicketActionEvent(type)) return undefined;
  // The store holds what these deciders appended, so the type names the shape.
  return { type, data: upcast(type, data) } as TicketEvent;
}
