// Runs projections: one leader per projection across processes (an advisory-lock lease),
// each batch applied in one transaction together with its checkpoint. An event that keeps
// failing parks its stream (the ticket) instead of stopping the projection for everyone.
import { EventEmitter, once } from 'node:events';
import { sql, type Kysely } from 'kysely';
import type { Database, Lease } from '../../db/database.ts';
import { DomainError } from '../../domain/errors.ts';
import {
  comparePositions,
  type EventStore,
  type LogPosition,
  type RecordedEvent,
  type Subscription,
} from '../../eventstore/event-store.ts';
import type { Projection } from '../projection.ts';
import type { ReadModels } from '../read-models.ts';
import { applyBatch, applyWithRetries, type ProjectionEventFailed } from './apply-batch.ts';
import { checkpointPosition, createCheckpointTable } from './checkpoints.ts';
import { createParkedEventsTable } from './parked-events-table.ts';
import { clearParkedEvents, listParkedStreams, type ParkedStream } from './parked-events.ts';

export interface RunnerOptions {
  batchSize?: number;
  /** How often a standby instance tries to take over a projection. */
  leaseRetryMs?: number;
  /** Tries of a failing event before its stream is parked (default 3), with backoff from `retryBaseMs` (default 100). */
  maxTries?: number;
  retryBaseMs?: number;
  /** How often the parked streams are read again, for streams parked by other processes (default 1000). */
  parkedRefreshMs?: number;
  /** A failure: of one event (`attempt` says which try and whether it was parked), or of the projection, which then restarts. */
  onError?: (projection: string, error: unknown, attempt?: { tries: number; parked: boolean }) => void;
}

interface Running {
  lease?: Lease;
  subscription?: Subscription;
  retry?: NodeJS.Timeout;
}

export class ProjectionRunner {
  private readonly local = new Map<string, LogPosition>();
  private readonly running = new Map<string, Running>();
  private readonly advanced = new EventEmitter();
  private stopped = false;
  /** Parked streams by stream id, as of the last refresh. */
  private parked = new Map<string, ParkedStream>();
  private parkedRefresh?: NodeJS.Timeout;

  constructor(
    private readonly database: Database,
    private readonly store: EventStore,
    readonly projections: readonly Projection[],
    private readonly options: RunnerOptions = {},
  ) {
    this.advanced.setMaxListeners(0);
  }

  private get db(): Kysely<ReadModels> {
    return this.database.db;
  }

  /** Takes every lease it can and starts projecting; resolves once each projection has had its first try. */
  async start(): Promise<void> {
    await createCheckpointTable(this.db);
    await createParkedEventsTable(this.db);
    await this.refreshParked();
    this.parkedRefresh = setInterval(() => void this.refreshParked().catch(() => undefined), this.options.parkedRefreshMs ?? 1000);
    this.parkedRefresh.unref();
    await Promise.all(this.projections.map((p) => this.tryLead(p)));
  }

  /** Reads the parked streams again (a retry elsewhere may have cleared some). */
  async refreshParked(): Promise<void> {
    const streams = await listParkedStreams(this.db);
    const names = new Set(this.projections.map((p) => p.name));
    this.parked = new Map(streams.filter((s) => names.has(s.projection)).map((s) => [s.streamId, s]));
  }

  /** Why a stream's read models are stale, when one of the projections has parked it. */
  parkedStream(streamId: string): ParkedStream | undefined {
    return this.parked.get(streamId);
  }

  private async tryLead(projection: Projection): Promise<void> {
    if (this.stopped) return;
    const entry: Running = {};
    this.running.set(projection.name, entry);
    const lease = await this.database.tryLease(`projection:${projection.name}`);
    if (!lease) {
      this.retryLater(projection, entry);
      return;
    }
    entry.lease = lease;
    const from = await this.prepare(projection);
    this.local.set(projection.name, from);
    entry.subscription = this.store.subscribe({ after: from, maxBatch: this.options.batchSize ?? 500 }, (batch) =>
      this.project(projection, batch),
    );
    entry.subscription.done.catch((error) => {
      this.options.onError?.(projection.name, error);
      // Give the lease up so that this or another instance starts again from the checkpoint.
      void this.release(projection.name).then(() => this.retryLater(projection, entry));
    });
  }

  /** Tries to lead again after a while; a failed try (the database away, say) is reported and retried. */
  private retryLater(projection: Projection, entry: Running): void {
    if (this.stopped) return;
    entry.retry = setTimeout(() => {
      this.tryLead(projection).catch((error) => {
        this.options.onError?.(projection.name, error);
        this.retryLater(projection, this.running.get(projection.name) ?? entry);
      });
    }, this.options.leaseRetryMs ?? 2000);
  }

  /**
   * Creates the tables, or rebuilds them from the start when the projection's version changed
   * or its checkpoint was read from another event store.
   */
  private async prepare(projection: Projection): Promise<LogPosition> {
    const storeId = await this.store.identity();
    // Read before the transaction: the embedded store has one connection.
    const start = projection.startsAtEnd ? await this.store.headPosition() : { commit: 0n, prepare: 0n };
    return this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('projection_checkpoints').selectAll().where('name', '=', projection.name).executeTakeFirst();
      if (row && row.version === projection.version && (row.store_id === storeId || row.store_id === null)) {
        await projection.createTables(trx);
        // Rows from before the store was recorded are taken to belong to this one.
        if (row.store_id === null)
          await trx.updateTable('projection_checkpoints').set({ store_id: storeId }).where('name', '=', projection.name).execute();
        return checkpointPosition(row);
      }
      for (const table of projection.tables) await sql`drop table if exists ${sql.table(table)} cascade`.execute(trx);
      await projection.createTables(trx);
      await clearParkedEvents(trx, projection.name);
      const fresh = {
        version: projection.version,
        position_commit: String(start.commit),
        position_prepare: String(start.prepare),
        store_id: storeId,
        updated_at: new Date(),
      };
      await trx
        .insertInto('projection_checkpoints')
        .values({ name: projection.name, ...fresh })
        .onConflict((oc) => oc.column('name').doUpdateSet(fresh))
        .execute();
      return start;
    });
  }

  private async project(projection: Projection, batch: RecordedEvent[]): Promise<void> {
    let parkedAny = false;
    const base = this.options.retryBaseMs ?? 100;
    const at = await applyWithRetries(
      (park) =>
        this.db.transaction().execute((trx) => {
          parkedAny = false;
          return applyBatch(trx, projection, batch, park, () => (parkedAny = true));
        }),
      {
        maxTries: this.options.maxTries ?? 3,
        // Exponential with jitter, so that several instances do not retry in step.
        backoffMs: (tries) => base * 2 ** (tries - 1) * (0.5 + Math.random() / 2),
        onFailure: (failure: ProjectionEventFailed, tries) =>
          this.options.onError?.(projection.name, failure, { tries, parked: tries >= (this.options.maxTries ?? 3) }),
        stopped: () => this.stopped,
      },
    );
    // Known before anyone waiting for this position is told that it passed.
    if (parkedAny) await this.refreshParked();
    this.local.set(projection.name, at);
    this.advanced.emit('advanced');
  }

  /** Resolves once every projection has passed `position`; a clear error after `timeoutMs`. */
  async waitFor(position: LogPosition, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const behind = await this.behind(position);
      if (behind.length === 0) return;
      const left = deadline - Date.now();
      if (left <= 0 || this.stopped) {
        throw new DomainError(
          'read_model_lagging',
          `The change was saved, but the read models (${behind.join(', ')}) have not caught up within ${timeoutMs} ms; read again shortly.`,
        );
      }
      const ac = new AbortController();
      const timer = setTimeout(() => ac.abort(), Math.min(left, 25));
      await once(this.advanced, 'advanced', { signal: ac.signal }).catch(() => undefined);
      clearTimeout(timer);
    }
  }

  private async behind(position: LogPosition): Promise<string[]> {
    const pending = this.projections.filter((p) => {
      const at = this.local.get(p.name);
      return !at || comparePositions(at, position) < 0;
    });
    const remote = pending.filter((p) => !this.running.get(p.name)?.lease);
    if (remote.length === 0) return pending.map((p) => p.name);
    // Led by another process: its checkpoint row is the truth.
    const rows = await this.db
      .selectFrom('projection_checkpoints')
      .select(['name', 'position_commit', 'position_prepare'])
      .where(
        'name',
        'in',
        remote.map((p) => p.name),
      )
      .execute();
    const caughtUp = new Set(rows.filter((r) => comparePositions(checkpointPosition(r), position) >= 0).map((r) => r.name));
    return pending.filter((p) => !caughtUp.has(p.name)).map((p) => p.name);
  }

  async status(): Promise<{ name: string; version: number; position: LogPosition; leader: boolean }[]> {
    const rows = await this.db.selectFrom('projection_checkpoints').selectAll().execute();
    return this.projections.map((p) => {
      const row = rows.find((r) => r.name === p.name);
      return {
        name: p.name,
        version: row?.version ?? p.version,
        position: row ? checkpointPosition(row) : { commit: 0n, prepare: 0n },
        leader: Boolean(this.running.get(p.name)?.lease),
      };
    });
  }

  private async release(name: string): Promise<void> {
    const entry = this.running.get(name);
    if (!entry) return;
    clearTimeout(entry.retry);
    await entry.subscription?.close();
    await entry.lease?.release().catch(() => undefined);
    entry.lease = undefined;
    entry.subscription = undefined;
  }

  /** Lets the batch in flight commit, then gives every lease back. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.parkedRefresh);
    await Promise.all([...this.running.keys()].map((name) => this.release(name)));
  }
}
