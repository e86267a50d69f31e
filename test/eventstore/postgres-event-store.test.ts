import t from 'tap';
import pg from 'pg';
import { PostgresEventStore } from '../../src/eventstore/postgres/postgres-event-store.ts';
import { createEventStoreSchema } from '../../src/eventstore/postgres/schema.ts';
import { createTestDatabase, TEST_DATABASE_URL } from '../support/database.ts';
import { eventStoreContract } from './contract.ts';

t.test(`PostgreSQL event store (${TEST_DATABASE_URL ? 'server' : 'embedded PGlite'})`, async (t) => {
  eventStoreContract(
    t,
    async () => {
      const test = await createTestDatabase();
      await createEventStoreSchema(test.database.db);
      const store = new PostgresEventStore(test.database, { pollIntervalMs: 50 });
      return {
        store,
        appendInOpenTransaction: test.schema
          ? async (streamId, type) => {
              const client = new pg.Client({ connectionString: TEST_DATABASE_URL, options: `-c search_path=${test.schema}` });
              await client.connect();
              await client.query('begin');
              await client.query(
                `select * from es_append($1, 'any', array[$2]::text[], array['{}']::jsonb[], array['{"actor":"tester"}']::jsonb[])`,
                [streamId, type],
              );
              return {
                async commit() {
                  await client.query('commit');
                  await client.end();
                },
              };
            }
          : undefined,
        close: () => test.drop(),
      };
    },
    { lateCommitSkip: TEST_DATABASE_URL ? undefined : 'PGlite has one connection, so no transaction can be held open beside another' },
  );
});
