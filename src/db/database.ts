// One handle on the PostgreSQL that holds the event log and the read models: either a
// server (node-pg pool) or the embedded PGlite. Everything above talks kysely; the two
// things kysely cannot express (LISTEN and a session-scoped advisory lock) live here.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PGliteDialect } from 'kysely-pglite-dialect';

export interface Lease {
  release(): Promise<void>;
}

export interface Database {
  readonly kind: 'postgres' | 'pglite';
  readonly db: Kysely<any>;
  /** Calls `onNotify` for every NOTIFY on `channel`; resolves to an unlisten function. */
  listen(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
  /** A session-level advisory lock held until released or the process dies; null when taken. */
  tryLease(key: string): Promise<Lease | null>;
  close(): Promise<void>;
}

const INT8_OID = 20;

// Ids and counts fit in a double; positions are read as text and turned into bigint explicitly.
const pgTypes = {
  getTypeParser(oid: number, format?: any) {
    if (oid === INT8_OID) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format);
  },
};

export function connectPostgres(connectionString: string, options: { schema?: string; max?: number } = {}): Database {
  const base = {
    connectionString,
    types: pgTypes,
    // A schema per test run or deployment keeps several instances apart in one database.
    options: options.schema ? `-c search_path=${options.schema}` : undefined,
  };
  const pool = new pg.Pool({ ...base, max: options.max ?? 10 });
  // An idle client dropped by the server must not take the process down; the pool replaces it.
  pool.on('error', () => undefined);
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
  // One dedicated session per process for LISTEN and for leases; its queries run one at a time.
  let control: Promise<pg.Client> | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  const listeners = new Map<string, Set<() => void>>();
  // A lost control session loses its LISTENs and leases: the next call opens a new one and
  // listens again. A second leader meanwhile is harmless: batches lock the checkpoint row.
  const controlClient = (): Promise<pg.Client> => {
    if (control) return control;
    const opening = (async () => {
      const client = new pg.Client(base);
      client.on('notification', (n) => listeners.get(n.channel)?.forEach((fn) => fn()));
      const lost = () => {
        if (control === opening) control = undefined;
      };
      client.on('error', lost);
      client.on('end', lost);
      await client.connect();
      for (const channel of listeners.keys()) await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      return client;
    })();
    control = opening;
    opening.catch(() => {
      if (control === opening) control = undefined;
    });
    return opening;
  };
  const onControl = (text: string, params: unknown[] = []): Promise<pg.QueryResult<any>> => {
    const next = queue.then(async () => (await controlClient()).query(text, params));
    queue = next.catch(() => undefined);
    return next;
  };
  const lockKey = `hashtext(current_schema() || ':' || $1)`;

  return {
    kind: 'postgres',
    db,
    async listen(channel, onNotify) {
      let set = listeners.get(channel);
      if (!set) {
        set = new Set();
        listeners.set(channel, set);
        await onControl(`LISTEN ${pg.escapeIdentifier(channel)}`);
      }
      set.add(onNotify);
      return async () => {
        set!.delete(onNotify);
      };
    },
    async tryLease(key) {
      const { rows } = await onControl(`select pg_try_advisory_lock(${lockKey}) as ok`, [key]);
      if (!rows[0]?.ok) return null;
      return {
        async release() {
          await onControl(`select pg_advisory_unlock(${lockKey})`, [key]);
        },
      };
    },
    async close() {
      await db.destroy();
      if (control) await (await control).end().catch(() => undefined);
    },
  };
}

/**
 * The embedded store in `dataDir`. Two processes on one folder would corrupt it, so the
 * folder is claimed with a pid file; a claim left by a dead process is taken over.
 */
export async function openPglite(dataDir: string): Promise<Database> {
  await mkdir(dataDir, { recursive: true });
  const pidFile = join(dataDir, 'flowledger.pid');
  const holder = Number(await readFile(pidFile, 'utf8').catch(() => '0'));
  if (holder && holder !== process.pid && isAlive(holder)) {
    throw new Error(`The embedded store in ${dataDir} is in use by process ${holder}; stop it first (or use DATABASE_URL).`);
  }
  await writeFile(pidFile, String(process.pid));
  const database = wrapPglite(await PGlite.create({ dataDir, extensions: PGLITE_EXTENSIONS }));
  return {
    ...database,
    async close() {
      await database.close();
      await rm(pidFile, { force: true });
    },
  };
}

/** Loaded into every embedded store: the title search index needs pg_trgm. */
export const PGLITE_EXTENSIONS = { pg_trgm };

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

export function wrapPglite(pglite: PGlite): Database {
  const db = new Kysely<any>({ dialect: new PGliteDialect(pglite) });
  return {
    kind: 'pglite',
    db,
    async listen(channel, onNotify) {
      const unlisten = await pglite.listen(channel, onNotify);
      return unlisten;
    },
    // The embedded store belongs to this one process: the lease is always ours.
    async tryLease() {
      return { async release() {} };
    },
    async close() {
      await db.destroy();
    },
  };
}
