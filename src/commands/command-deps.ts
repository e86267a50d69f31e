// What every command needs from the outside world: the store, the catalog, time and chance.
import type { EventStore } from '../eventstore/event-store.ts';
import type { CatalogStore } from './catalog-store.ts';

export interface CommandDeps {
  store: EventStore;
  catalog: CatalogStore;
  clock: () => Date;
  random: () => number;
  /** Tickets of a workflow created since a moment (by one creator), for limit_expression. */
  countTickets: (query: { workflowId: number; since: Date; creator?: string }) => Promise<number>;
}
