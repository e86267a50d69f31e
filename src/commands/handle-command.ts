// Load a stream, fold it, decide, append with the revision that was read: the
// optimistic-concurrency loop every command goes through (one attempt; a conflict is a 409).
import { DomainError, fail } from '../domain/errors.ts';
import {
  WrongExpectedRevisionError,
  type AppendResult,
  type EventMetadata,
  type EventStore,
  type ExpectedRevision,
} from '../eventstore/event-store.ts';

export interface Decider<State, Event extends { type: string; data: unknown }> {
  initialState(): State;
  evolve(state: State, event: Event): State;
  /** A stored event as this decider's typed event; undefined for a type it does not know. */
  decode(type: string, data: unknown): Event | undefined;
}

export interface CommandResult<State> {
  state: State;
  /** Undefined when the decision appended nothing. */
  appended?: AppendResult;
  /** The stream's revision after the command, or `no_stream`. */
  revision: bigint | 'no_stream';
}

export async function aggregateStream<State, Event extends { type: string; data: unknown }>(
  store: EventStore,
  streamId: string,
  decider: Decider<State, Event>,
): Promise<{ state: State; revision: bigint | 'no_stream' }> {
  const events = await store.readStream(streamId);
  const state = events.reduce((s, e) => {
    const event = decider.decode(e.type, e.data);
    // A type the decider does not know changes nothing, as it never did.
    return event ? decider.evolve(s, event) : s;
  }, decider.initialState());
  return { state, revision: events.length > 0 ? events[events.length - 1].revision : 'no_stream' };
}

export async function handleCommand<State, Event extends { type: string; data: unknown }>(
  store: EventStore,
  streamId: string,
  decider: Decider<State, Event>,
  /** May load what the decision needs (I/O) before calling the pure decider. */
  decide: (state: State) => Event[] | Promise<Event[]>,
  options: { metadata: EventMetadata | ((state: State) => EventMetadata); ifMatch?: bigint },
): Promise<CommandResult<State>> {
  const { state, revision } = await aggregateStream(store, streamId, decider);
  // An unknown ticket is a 404 from the decision, not a revision mismatch.
  if (options.ifMatch !== undefined && revision !== 'no_stream' && options.ifMatch !== revision) {
    fail('revision_mismatch', `The ticket is at revision ${String(revision)}, not ${options.ifMatch}; reload it and retry.`);
  }
  const events = await decide(state);
  if (events.length === 0) return { state, revision };
  const expectedRevision: ExpectedRevision = revision;
  const metadata = typeof options.metadata === 'function' ? options.metadata(state) : options.metadata;
  try {
    const appended = await store.appendToStream(
      streamId,
      events.map((e) => ({ type: e.type, data: e.data, metadata })),
      { expectedRevision },
    );
    return { state: events.reduce(decider.evolve, state), appended, revision: appended.nextExpectedRevision };
  } catch (error) {
    if (error instanceof WrongExpectedRevisionError) {
      throw new DomainError('concurrent_change', 'Someone else changed this ticket at the same moment; reload it and retry.');
    }
    throw error;
  }
}
