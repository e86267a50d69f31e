// The event store's refusals reach the caller as statuses that say what happened, not as 500s.
import Fastify from 'fastify';
import t from 'tap';
import { AppendTooLargeError, DeletedStreamError, EventStoreUnavailableError } from '../../src/eventstore/event-store.ts';
import { registerErrorHandling } from '../../src/http/errors.ts';

t.test('event-store errors map to 503, 413 and 410 in the envelope', async (t) => {
  const app = Fastify();
  registerErrorHandling(app);
  const cases: [Error, number, string][] = [
    [
      new EventStoreUnavailableError('append to ticket-1', { cause: new Error('deadline exceeded'), mayHaveSaved: true }),
      503,
      'store_unavailable',
    ],
    [new AppendTooLargeError('config', 2_000_000, 1_048_576), 413, 'change_too_large'],
    [new DeletedStreamError('ticket-1'), 410, 'stream_deleted'],
  ];
  cases.forEach(([error], i) => app.get(`/${i}`, async () => Promise.reject(error)));
  for (const [error, status, code] of cases) {
    const res = await app.inject(`/${cases.findIndex(([e]) => e === error)}`);
    t.equal(res.statusCode, status, code);
    t.same(JSON.parse(res.body), { code: -1, msg: error.message, data: {}, error: code });
  }
  await app.close();
});
