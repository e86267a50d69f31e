// A projection that fails on one ticket's event parks that ticket and goes on with every
// other one; after a fix, a retry makes the parked ticket whole again. The fault is real:
// a trigger in the database refuses one title, as a too-long value or a bug would.
import t, { type Test } from 'tap';
import { runTicketCommand } from '../../src/commands/ticket-commands.ts';
import { listParkedStreams, retryParkedStreams } from '../../src/projections/engine/parked-events.ts';
import { verifyProjections } from '../../src/projections/engine/rebuild.ts';
import { ticketsProjection } from '../../src/projections/tickets/projection.ts';
import { PROJECTIONS } from '../../src/runtime.ts';
import { startApp, vpnTicket, type TestApp } from '../support/app.ts';
import { refuseTicketTitle } from '../support/faults.ts';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Creates a ticket and reads it back; the time both took. */
async function createAndRead(t: Test, api: TestApp): Promise<number> {
  const started = performance.now();
  const created = await api.call('POST', '/api/v1.0/tickets', { body: vpnTicket() });
  const detail = created.status === 200 ? await api.call('GET', `/api/v1.0/tickets/${created.body.data.ticket_id}`) : created;
  if (detail.status !== 200) t.fail(`create and read answered ${detail.status} ${JSON.stringify(detail.body)}`);
  return performance.now() - started;
}

t.test('a ticket whose event a projection cannot apply is parked; the others go on', async (t) => {
  const api = await startApp(t);
  const db = api.runtime.database.db;
  const usual: number[] = [];
  for (let i = 0; i < 8; i++) usual.push(await createAndRead(t, api));

  const fault = await refuseTicketTitle(db, 'poison', 'injected fault: this title cannot be stored');

  const poisoned = await api.call('POST', '/api/v1.0/tickets', { body: vpnTicket({ title: 'poison' }) });
  t.equal(poisoned.status, 503, 'the create is saved but cannot be shown');
  t.match(poisoned.body, {
    code: -1,
    error: 'ticket_stalled',
    data: { ticket_id: Number, revision: 0 },
    details: { projection: 'tickets', event_type: 'TicketCreated' },
  });
  t.equal(poisoned.headers.etag, '"0"');
  const id = poisoned.body.data.ticket_id as number;

  const detail = await api.call('GET', `/api/v1.0/tickets/${id}`);
  t.equal(detail.status, 503);
  t.match(detail.body, { error: 'ticket_stalled', msg: new RegExp(`Ticket ${id} is stalled: the tickets read model .* at \\d+/\\d+`) });
  const streamBefore = (await api.runtime.store.readStream(`ticket-${id}`)).length;
  const comment = await api.call('POST', `/api/v1.0/tickets/${id}/comments`, { body: { suggestion: 'hello?' } });
  t.equal(comment.status, 503, 'an action on the parked ticket is refused');
  t.equal((await api.runtime.store.readStream(`ticket-${id}`)).length, streamBefore, 'and appends nothing');

  const meanwhile: number[] = [];
  for (let i = 0; i < 8; i++) meanwhile.push(await createAndRead(t, api));
  t.ok(
    median(meanwhile) <= 3 * median(usual) + 100,
    `other tickets are created and read in their usual time: median ${median(meanwhile).toFixed(1)} ms (before ${median(usual).toFixed(1)} ms)`,
  );

  // An event the engine appends later (a timer, a hook) is parked behind the first one, in order.
  const later = await runTicketCommand(api.runtime.commands, {
    type: 'CommentTicket',
    ticketId: id,
    actor: { username: 'lilei' },
    app: 'demo',
    suggestion: 'later',
  });
  await api.runtime.projections.waitFor(later.appended!.position);
  const [parked, ...others] = await listParkedStreams(db);
  t.same(others, [], 'only the one ticket is parked');
  t.match(parked, {
    projection: 'tickets',
    streamId: `ticket-${id}`,
    eventType: 'TicketCreated',
    attempts: 3,
    events: 2,
    error: /injected fault/,
  });

  await fault.remove();
  t.same(
    await retryParkedStreams(db, api.runtime.store, ticketsProjection),
    [{ streamId: `ticket-${id}` }],
    'the retry applies every parked event',
  );
  await api.runtime.projections.refreshParked();
  t.same(await listParkedStreams(db), [], 'nothing is parked any more');
  const whole = await api.call('GET', `/api/v1.0/tickets/${id}`);
  t.equal(whole.status, 200);
  t.equal(whole.body.data.value.title, 'poison');
  const logs = await api.call('GET', `/api/v1.0/tickets/${id}/flowlogs`);
  t.ok(
    logs.body.data.value.some((log: { suggestion: string }) => log.suggestion === 'later'),
    'the event parked behind it is there too',
  );
  t.same(await verifyProjections(db, api.runtime.store, PROJECTIONS), [], 'every read model equals a fresh rebuild');
});

t.test('a retry that fails again keeps the stream parked with the new error', async (t) => {
  const api = await startApp(t);
  const db = api.runtime.database.db;
  await refuseTicketTitle(db, 'broken', 'still broken');
  const created = await api.call('POST', '/api/v1.0/tickets', { body: vpnTicket({ title: 'broken' }) });
  t.equal(created.status, 503);
  const [outcome] = await retryParkedStreams(db, api.runtime.store, ticketsProjection);
  t.match(outcome, { streamId: `ticket-${created.body.data.ticket_id}`, error: /still broken/ });
  t.match(await listParkedStreams(db), [{ attempts: 4, error: /still broken/ }], 'still parked, one more try counted');
});
