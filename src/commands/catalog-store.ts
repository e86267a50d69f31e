// The catalog as of the end of the `config` stream, kept in memory and caught up by
// reading only the events appended since the last look.
import { emptyCatalog, evolveCatalog, type Catalog } from '../domain/catalog/catalog.ts';
import { decodeCatalogEvent } from '../domain/catalog/decode-event.ts';
import { CONFIG_STREAM } from '../domain/catalog/events.ts';
import type { EventStore } from '../eventstore/event-store.ts';

export class CatalogStore {
  private catalog: Catalog = emptyCatalog();
  private revision: bigint | 'no_stream' = 'no_stream';
  private checkedAt = 0;
  private latest: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Pick<EventStore, 'readStream'>,
    /** The commands' clock, so that tests decide when the catalog is old. */
    private readonly clock: () => Date,
    /** Reads older than this re-check the stream; commands always re-check. */
    private readonly maxAgeMs = 1000,
  ) {}

  async current(options: { fresh?: boolean } = {}): Promise<{ catalog: Catalog; revision: bigint | 'no_stream' }> {
    // A fresh read must start after the caller arrived, so it never joins a look already under way.
    if (options.fresh || this.clock().getTime() - this.checkedAt > this.maxAgeMs) {
      this.latest = this.latest.then(
        () => this.catchUp(),
        () => this.catchUp(),
      );
      await this.latest;
    }
    return { catalog: this.catalog, revision: this.revision };
  }

  private async catchUp(): Promise<void> {
    const started = this.clock().getTime();
    const from = this.revision === 'no_stream' ? 0n : this.revision + 1n;
    const events = await this.store.readStream(CONFIG_STREAM, { fromRevision: from });
    for (const e of events) {
      const event = decodeCatalogEvent(e.type, e.data);
      // A type this version does not know (written by a newer one) changes nothing it can read.
      if (event) this.catalog = evolveCatalog(this.catalog, event);
      this.revision = e.revision;
    }
    this.checkedAt = started;
  }
}
