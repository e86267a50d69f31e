// A fresh, isolated database per test: a schema of its own on the real server when
// TEST_DATABASE_URL is set, otherwise an embedded PGlite loaded from a cached empty cluster
// (initdb takes seconds; loading a dump takes a fraction of one).
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { connectPostgres, PGLITE_EXTENSIONS, wrapPglite, type Database } from '../../src/db/database.ts';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;
export const onRealPostgres = TEST_DATABASE_URL !== undefined;

const PGLITE_VERSION = JSON.parse(
  await readFile(new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url), 'utf8'),
).version;
const TEMPLATE = join(tmpdir(), `flowledger-pglite-${PGLITE_VERSION}.tar`);

async function pgliteTemplate(): Promise<Blob> {
  if (!existsSync(TEMPLATE)) {
    const fresh = await PGlite.create();
    const dump = await fresh.dumpDataDir('none');
    await fresh.close();
    const partial = `${TEMPLATE}.${process.pid}`;
    await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
    await rename(partial, TEMPLATE);
  }
  return new Blob([await readFile(TEMPLATE)]);
}

export interface TestDatabase {
  database: Database;
  /** For tests that open a second connection (another "process") to the same data. */
  connectAgain(): Database;
  schema?: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  if (TEST_DATABASE_URL) {
    const schema = `t_${process.pid}_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
    const database = connectPostgres(TEST_DATABASE_URL, { schema });
    const others: Database[] = [];
    return {
      database,
      schema,
      connectAgain() {
        const again = connectPostgres(TEST_DATABASE_URL!, { schema });
        others.push(again);
        return again;
      },
      async drop() {
        await Promise.all([database, ...others].map((d) => d.close().catch(() => undefined)));
        const cleanup = new pg.Client({ connectionString: TEST_DATABASE_URL });
        await cleanup.connect();
        await cleanup.query(`drop schema if exists ${schema} cascade`);
        await cleanup.end();
      },
    };
  }
  const pglite = await PGlite.create({ loadDataDir: await pgliteTemplate(), extensions: PGLITE_EXTENSIONS });
  const database = wrapPglite(pglite);
  return {
    database,
    connectAgain: () => database,
    async drop() {
      await database.close().catch(() => undefined);
      await pglite.close().catch(() => undefined);
    },
  };
}
