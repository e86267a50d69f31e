// What the EventStoreDB adapter decides without a server: event ids, error mapping, the
// stream-name pattern, the no-position guard and the append size.
import t from 'tap';
import {
  AccessDeniedError,
  CancelledError,
  DeadlineExceededError,
  MaxAppendSizeExceededError,
  StreamDeletedError,
  TimeoutError,
  UnavailableError,
  UnknownError,
  WrongExpectedVersionError,
  convertToCommandError,
  jsonEvent,
} from '@eventstore/db-client';
import { CONFIG_STREAM } from '../../src/domain/catalog/events.ts';
import { ticketStream } from '../../src/domain/ticket/events.ts';
import { claimIdempotencyKey } from '../../src/commands/idempotency.ts';
import { reserveSn, reserveTicketId } from '../../src/commands/ticket-numbers.ts';
import type { CreateTicketRequest } from '../../src/commands/create-ticket-request.ts';
import {
  AppendTooLargeError,
  DeletedStreamError,
  EventStoreAccessDeniedError,
  EventStoreUnavailableError,
  PRODUCT_STREAM,
  WrongExpectedRevisionError,
  type EventStore,
} from '../../src/eventstore/event-store.ts';
import { appendSize } from '../../src/eventstore/esdb/esdb-event-store.ts';
import { eventIds } from '../../src/eventstore/esdb/event-ids.ts';
import { isTransient, translate } from '../../src/eventstore/esdb/errors.ts';
import { isProductStream, realPosition } from '../../src/eventstore/esdb/records.ts';

/** A gRPC failure as @grpc/grpc-js hands it to the client (status code, trailing metadata). */
const grpcError = (code: number, map: Record<string, string> = {}) =>
  convertToCommandError({ code, details: '', message: `${code} from the server`, metadata: { getMap: () => map } } as never);

t.test('event ids', async (t) => {
  const ids = eventIds('key-1', 'ticket-7', 3n, 3);
  t.same(eventIds('key-1', 'ticket-7', 3n, 3), ids, 'the same inputs give the same ids: a retry repeats them');
  t.equal(new Set(ids).size, 3, 'one id per index');
  for (const id of ids) t.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'a version 5 UUID');
  const others = [
    eventIds('key-2', 'ticket-7', 3n, 3), // another call, same stream and revision (a concurrent command)
    eventIds('key-1', 'ticket-8', 3n, 3),
    eventIds('key-1', 'ticket-7', 4n, 3),
    eventIds('key-1', 'ticket-7', 'any', 3),
    eventIds('key-1', 'ticket-7', 'no_stream', 3),
  ];
  for (const other of others)
    t.notOk(
      other.some((id) => ids.includes(id)),
      'no id shared with another call, stream or revision',
    );
  t.not(eventIds('a', 'ticket_ids', 'any', 1)[0], eventIds('b', 'ticket_ids', 'any', 1)[0], 'two reservations never look like one append');
});

t.test('client errors become the neutral errors', async (t) => {
  const context = { operation: 'append to ticket-7', streamId: 'ticket-7', expected: 2n as const, appendSize: 2_000_000 };

  const conflict = translate(new WrongExpectedVersionError(undefined, { streamName: 'ticket-7', expected: 2n, current: 4n }), context);
  t.type(conflict, WrongExpectedRevisionError);
  t.match(conflict, { streamId: 'ticket-7', expected: 2n, actual: 4n });

  const tooLarge = translate(MaxAppendSizeExceededError.fromMaxAppendSize(1_048_576), context);
  t.type(tooLarge, AppendTooLargeError);
  t.match(tooLarge, { streamId: 'ticket-7', size: 2_000_000, limit: 1_048_576 });
  t.match((tooLarge as Error).message, /ticket-7 take 2000000 bytes, over the 1048576 bytes.*MaxAppendSize/);

  const deleted = translate(StreamDeletedError.fromStreamName('ticket-7'), context);
  t.type(deleted, DeletedStreamError);
  t.match((deleted as Error).message, /ticket-7 was deleted/);

  for (const denied of [new AccessDeniedError(), grpcError(16 /* UNAUTHENTICATED */)]) {
    const mapped = translate(denied, { operation: 'read $all' });
    t.type(mapped, EventStoreAccessDeniedError);
    t.match((mapped as Error).message, /read \$all.*admin, or an ACL/);
  }

  const notLeader = grpcError(5, { exception: 'not-leader', 'leader-endpoint-host': 'node2', 'leader-endpoint-port': '2113' });
  const transient = [
    new UnavailableError(),
    grpcError(14 /* UNAVAILABLE */),
    new DeadlineExceededError(),
    grpcError(4),
    new TimeoutError(),
    new CancelledError(),
    notLeader,
  ];
  for (const error of transient) {
    t.ok(isTransient(error), `${error.constructor.name} is worth one retry`);
    const mapped = translate(error, { ...context, mayHaveSaved: true });
    t.type(mapped, EventStoreUnavailableError);
    t.match((mapped as Error).message, /unavailable \(append to ticket-7: .*\)\. The change may have been saved/);
    t.equal((mapped as Error).cause, error, 'keeps the client error as its cause');
  }
  t.match((translate(new UnavailableError(), { operation: 'read $all' }) as Error).message, /Try again shortly/);

  for (const permanent of [new AccessDeniedError(), StreamDeletedError.fromStreamName('x'), new UnknownError(), new Error('bug')]) {
    t.notOk(isTransient(permanent), `${permanent.constructor.name} is not retried`);
  }
  const bug = new Error('bug');
  t.equal(translate(bug, context), bug, 'anything else passes unchanged');
});

t.test("the pattern of this product's stream names", async (t) => {
  const ours = [
    'config',
    'ticket-1',
    'ticket-20240101',
    'ticket_ids',
    'ticket_sn-20240229',
    `ticket_idempotency-ops app-${'ab'.repeat(20)}`,
  ];
  for (const name of ours) t.ok(isProductStream(name), `${name} is ours`);
  const theirs = [
    'configuration',
    'config-x',
    'tickets-x',
    'ticket-',
    'ticket-1-evil',
    'ticket-x1',
    'ticket-1\n',
    '$ce-ticket',
    '$et-NumberReserved',
    'ticket_ids-2',
    'ticket_sn-2024',
    'ticket_sn-202401011',
    `ticket_idempotency-app-${'a'.repeat(39)}`,
    `ticket_idempotency-${'a'.repeat(40)}`,
    'ticket_test-markers',
    'other-config',
  ];
  for (const name of theirs) t.notOk(isProductStream(name), `${JSON.stringify(name)} is not`);
  t.notOk(PRODUCT_STREAM.flags.includes('m'), 'anchored to the whole name, not a line');
});

t.test('every stream the product writes matches the pattern', async (t) => {
  const written: string[] = [];
  const recorder = {
    async appendToStream(streamId: string) {
      written.push(streamId);
      return { nextExpectedRevision: 0n, position: { commit: 1n, prepare: 1n } };
    },
  } as unknown as EventStore;
  await reserveTicketId(recorder);
  await reserveSn(recorder, 'loonflow', new Date(2024, 1, 29), 1);
  const request = {
    app: 'ops\nteam',
    idempotencyKey: 'k',
    creator: 'alice',
    workflowId: 1,
    transitionId: 1,
    values: {},
  } as unknown as CreateTicketRequest;
  await claimIdempotencyKey(recorder, request, 1);
  written.push(CONFIG_STREAM, ticketStream(1), ticketStream(123456789));
  t.equal(written.length, 6);
  for (const name of written) t.ok(isProductStream(name), `${JSON.stringify(name)} matches`);
});

t.test('the no-position guard', async (t) => {
  t.same(realPosition({ commit: 512n, prepare: 480n }), { commit: 512n, prepare: 480n });
  t.equal(realPosition(undefined), undefined, 'absent');
  t.equal(realPosition({ commit: 0n, prepare: 0n }), undefined, "the client's default when the server sent none");
  t.equal(realPosition({ commit: 2n ** 64n - 1n, prepare: 2n ** 64n - 1n }), undefined, "a server's 2^64-1");
  t.equal(realPosition({ commit: 2n ** 64n - 1n, prepare: 7n }), undefined);
});

t.test('the append size is counted as the server counts it', async (t) => {
  const events = [jsonEvent({ type: 'Ab', data: { s: 'é' }, metadata: { actor: 'x' } }), jsonEvent({ type: 'C', data: [1], metadata: {} })];
  // data bytes + metadata bytes + 2 per type character: {"s":"é"} is 10 bytes, {"actor":"x"} 13.
  t.equal(appendSize(events), 10 + 13 + 4 + (3 + 2 + 2));
});
