// An operator sees a parked ticket with its error in `projections status` and, after a fix,
// brings it back with `projections retry`.
import { sql } from 'kysely';
import t from 'tap';
import { createTicket } from '../../src/commands/create-ticket.ts';
import { readEnv } from '../../src/config/env.ts';
import { applyStartupConfig, createRuntime } from '../../src/runtime.ts';
import { cli, storeEnv } from '../support/cli.ts';
import { refuseTicketTitle } from '../support/faults.ts';

t.test('projections status lists a parked stream; projections retry applies it after the fix', async (t) => {
  const env = await storeEnv(t);
  const runtime = await createRuntime(readEnv(env));
  await applyStartupConfig(runtime, readEnv(env));
  await refuseTicketTitle(runtime.database.db, 'poison', 'injected fault: title refused');
  const { ticketId, appended } = await createTicket(runtime.commands, {
    workflowId: 2,
    transitionId: 7,
    creator: 'lilei',
    app: 'demo',
    suggestion: '',
    values: { title: 'poison', vpn_reason: 'remote', vpn_type: '1' },
    parentTicketId: 0,
    parentTicketStateId: 0,
  });
  await runtime.projections.waitFor(appended.position);
  await runtime.close();

  const status = await cli(['projections', 'status'], env);
  t.equal(status.code, 0, status.out);
  t.match(status.out, /tickets\s+v\d+\s+at \d+\/\d+\s+1 parked stream\(s\)/);
  t.match(
    status.out,
    new RegExp(
      `parked: tickets ticket-${ticketId} since TicketCreated at \\d+/\\d+ \\(1 event\\(s\\), 3 tries, .*\\): injected fault: title refused`,
    ),
  );

  const unfixed = await cli(['projections', 'retry', 'tickets'], env);
  t.equal(unfixed.code, 1, 'a retry before the fix fails and says so');
  t.match(unfixed.out, `tickets ticket-${ticketId}: still parked: injected fault`);

  const fixing = await createRuntime(readEnv(env), { project: false });
  await sql`drop trigger tickets_refuse_title on tickets`.execute(fixing.database.db);
  await fixing.close();
  const fixed = await cli(['projections', 'retry'], env);
  t.equal(fixed.code, 0, fixed.out);
  t.match(fixed.out, `tickets ticket-${ticketId}: applied, no longer parked`);
  t.notMatch((await cli(['projections', 'status'], env)).out, /parked/, 'nothing is parked any more');
  t.equal((await cli(['verify'], env)).code, 0, 'and the read models equal a rebuild');
});
