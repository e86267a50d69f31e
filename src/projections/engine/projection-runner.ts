// Runs projections: one leader per projection across processes (an advisory-lock lease),
// each batch applied in one transaction together with its checkpoint.
import { EventEmitter, once } from 'node:events';
import { sql, type Kysely } from 'kysely';
import type { Database, Lease } from '../../db/database.ts';
import { DomainError } from '../../domain/errors.ts';
import { comparePositions, type EventStore, type LogPosition, type RecordedEvent, type Subscription } from '../../eventstore/event-store.ts';
import type { Projection } from '../projection.ts';
import type { ReadModels } from '../read-models.ts';
import { applyBatch } from './apply-batch.ts';
import { checkpointPosition, createCheckpointTable } from './checkpoints.ts';

export interface RunnerOptions {
  batchSize?: number;
  /** How often a standby instance tries to take over a projection. */
  leaseRetryMs?: number;
  onError?: (projection: string, error: unknown) => void;
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
    await Promise.all(this.projections.map((p) => this.tryLead(p)));
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

  /** Creates the tables, or rebuilds them from the start when the projection's version changed. */
  private async prepare(projection: Projection): Promise<LogPosition> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('projection_checkpoints').selectAll().where('name', '=', projection.name).executeTakeFirst();
      if (row && row.version === projection.version) {
        await projection.createTables(trx);
        return checkpointPosition(row);
      }
      for (const table of projection.tables) await sql`drop table if exists ${sql.table(table)} cascade`.execute(trx);
      await projection.createTables(trx);
      await trx
        .insertInto('projection_checkpoints')
        .values({ name: projection.name, version: projection.version, position_commit: '0', position_prepare: '0', updated_at: new Date() })
        .onConflict((oc) =>
          oc.column('name').doUpdateSet({ version: projection.version, position_commit: '0', position_prepare: '0', updated_at: new Date() }),
        )
        .execute();
      return { commit: 0n, prepare: 0n };
    });
  }

  private async project(projection: Projection, batch: RecordedEvent[]): Promise<void> {
    const at = await this.db.transaction().execute((trx) => applyBatch(trx, projection, batch));
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
      if (left <= 0) {
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
      .where('name', 'in', remote.map((p) => p.name))
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
    await Promise.all([...this.running.keys()].map((name) => this.release(name)));
  }
}
