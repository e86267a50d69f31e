// A projector process for the crash-safety test: projects `schema` in small batches until killed.
import { connectPostgres } from '../../src/db/database.ts';
import { PostgresEventStore } from '../../src/eventstore/postgres/postgres-event-store.ts';
import { ProjectionRunner } from '../../src/projections/engine/projection-runner.ts';
import { PROJECTIONS } from '../../src/runtime.ts';

const [url, schema, batch] = process.argv.slice(2);
const database = connectPostgres(url, { schema });
const runner = new ProjectionRunner(database, new PostgresEventStore(database, { pollIntervalMs: 50 }), PROJECTIONS, {
  batchSize: Number(batch),
});
await runner.start();
process.send?.('started');
setInterval(() => undefined, 1 << 30);
