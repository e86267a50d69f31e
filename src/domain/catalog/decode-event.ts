// The one place a recorded `config` stream event becomes a typed catalog event. The store
// hands back the type and the JSON data it was given; nothing else reads them untyped.
import type { CatalogEvent } from './events.ts';

type CatalogEventType = CatalogEvent['type'];
type DataOf<T extends CatalogEventType> = Extract<CatalogEvent, { type: T }>['data'];

/** Data still in the shape it is written in today. */
const asWritten = <T>(data: unknown) => data as T;

// One entry per event type (the compiler asks for a new type's entry). Every catalog event
// is still in its first version; when one's data changes shape, its entry here turns the old
// form into the current one.
const UPCAST: { [T in CatalogEventType]: (data: unknown) => DataOf<T> } = {
  AppDefined: asWritten,
  UserDefined: asWritten,
  DeptDefined: asWritten,
  RoleDefined: asWritten,
  NoticeDefined: asWritten,
  WorkflowVersionPublished: asWritten,
};

const isCatalogEventType = (type: string): type is CatalogEventType => Object.hasOwn(UPCAST, type);

/** The typed event, or undefined for a type the catalog does not know. */
export function decodeCatalogEvent(type: string, data: unknown): CatalogEvent | undefined {
  if (!isCatalogEventType(type)) return undefined;
  // The type and the data come from the same entry, which the compiler cannot pair by itself.
  return { type, data: UPCAST[type](data) } as CatalogEvent;
}
