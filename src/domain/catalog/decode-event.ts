// The one place a recorded `config` stream event becomes a typed catalog event. The store
// hands back the type and the JSON data it was given; nothing else reads them untyped.
import type { CatalogEvent } from './events.ts';

type CatalogEventType = CatalogEvent['type'];
type DataOf<T extends CatalogEventType> = Extract<CatalogEvent, { type: T }>['data'];

// Every catalog event is still in its first version, so data is taken as written. When an
// event's data changes shape, this is where its old form is upcast to the current one.
const upcast = <T extends CatalogEventType>(_type: T, data: unknown): DataOf<T> => data as DataOf<T>;

/** The compiler proves only unknown types get here: a new event type needs its case above. */
const notACatalogEvent = (_type: never): undefined => undefined;

/** The typed event, or undefined for a type the catalog does not know. */
export function decodeCatalogEvent(type: string, data: unknown): CatalogEvent | undefined {
  const t = type as CatalogEventType;
  switch (t) {
    case 'AppDefined':
      return { type: t, data: upcast(t, data) };
    case 'UserDefined':
      return { type: t, data: upcast(t, data) };
    case 'DeptDefined':
      return { type: t, data: upcast(t, data) };
    case 'RoleDefined':
      return { type: t, data: upcast(t, data) };
    case 'NoticeDefined':
      return { type: t, data: upcast(t, data) };
    case 'WorkflowVersionPublished':
      return { type: t, data: upcast(t, data) };
    default:
      return notACatalogEvent(t);
  }
}
