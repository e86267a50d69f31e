// Does the due work of reactions: outside any read-model transaction and never inside an HTTP
// request. One process at a time per reaction (a lease), up to `concurrency` pieces of work at
// once across streams, one at a time and in log order within a stream, so that a slow or dead
// receiver delays only its own ticket. Work is done at least once: it stays in the table until
// the reaction's projection has seen the event that records its outcome.
import type { Database, Lease } from '../../db/database.ts';
import type { LogPosition } from '../../eventstore/event-store.ts';
import type { Projection } from '../../projections/projection.ts';
import { dueWork, nextDueAt, type DueWork } from './due-work.ts';

export interface Reaction {
  readonly name: string;
  /** Keeps `table` (see due-work.ts) from the log. */
  readonly projection: Projection;
  readonly table: string;
  /** Pieces of work at once, across streams. */
  readonly concurrency: number;
  /**
   * Does the work. Resolves to where the event that records its outcome is in the log (the
   * projection then drops or reschedules the work), or to `done` when nothing is left to
   * record (the work is dropped here). A throw leaves the work due; it is tried again after a
   * pause.
   */
  perform(work: DueWork): Promise<LogPosition | 'done' | undefined>;
}

export interface DispatcherDeps {
  database: Database;
  clock: () => Date;
  /** Resolves once the reactions' projections have passed the position. */
  waitForProjections(position: LogPosition): Promise<void>;
  onError?: (reaction: string, error: unknown) => void;
  /** How often to look for due work when nothing wakes the dispatcher (default 250 ms). */
  pollMs?: number;
  /** Pause before work whose `perform` threw is tried again (default 1 s). */
  pauseAfterErrorMs?: number;
}

interface Running {
  lease?: Lease;
  busy: Set<string>;
  wake?: () => void;
}

export class ReactionDispatcher {
  private stopped = false;
  private readonly running = new Map<string, Running>();
  private readonly loops: Promise<void>[] = [];

  constructor(
    private readonly deps: DispatcherDeps,
    readonly reactions: readonly Reaction[],
  ) {}

  start(): void {
    if (this.stopped) return;
    for (const reaction of this.reactions) {
      const entry: Running = { busy: new Set() };
      this.running.set(reaction.name, entry);
      this.loops.push(this.loop(reaction, entry));
    }
  }

  /** Looks for due work now (new work was scheduled). */
  wake(): void {
    for (const entry of this.running.values()) entry.wake?.();
  }

  private async loop(reaction: Reaction, entry: Running): Promise<void> {
    const pollMs = this.deps.pollMs ?? 250;
    while (!this.stopped) {
      try {
        entry.lease ??= (await this.deps.database.tryLease(`reaction:${reaction.name}`)) ?? undefined;
        if (entry.lease) await this.startDueWork(reaction, entry);
      } catch (error) {
        this.deps.onError?.(reaction.name, error);
      }
      const next = entry.lease ? await nextDueAt(this.deps.database.db, reaction.table).catch(() => undefined) : undefined;
      const untilDue = next ? next.getTime() - this.deps.clock().getTime() : pollMs;
      await this.sleep(entry, Math.max(0, Math.min(pollMs, untilDue)));
    }
  }

  private async startDueWork(reaction: Reaction, entry: Running): Promise<void> {
    const free = reaction.concurrency - entry.busy.size;
    if (free <= 0) return;
    const work = await dueWork(this.deps.database.db, reaction.table, this.deps.clock(), [...entry.busy], free);
    for (const item of work) {
      entry.busy.add(item.streamId);
      void this.perform(reaction, item).finally(() => {
        entry.busy.delete(item.streamId);
        entry.wake?.();
      });
    }
  }

  private async perform(reaction: Reaction, work: DueWork): Promise<void> {
    try {
      const recorded = await reaction.perform(work);
      if (recorded === 'done') await this.deps.database.db.deleteFrom(reaction.table).where('id', '=', work.id).execute();
      // The stream stays busy until the table shows the outcome, so the work is not done twice.
      else if (recorded) await this.deps.waitForProjections(recorded);
    } catch (error) {
      this.deps.onError?.(reaction.name, error);
      await new Promise((resolve) => setTimeout(resolve, this.deps.pauseAfterErrorMs ?? 1000));
    }
  }

  private sleep(entry: Running, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        entry.wake = undefined;
        resolve();
      }
      entry.wake = done;
    });
  }

  /** Lets the work in flight finish, then gives the leases back. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await Promise.all(this.loops);
    while ([...this.running.values()].some((e) => e.busy.size > 0)) await new Promise((resolve) => setTimeout(resolve, 10));
    for (const entry of this.running.values()) await entry.lease?.release().catch(() => undefined);
  }
}
