// Who gets a ticket when it enters a state (behaviour §2.1), with contract.md's fixes:
// random picks one username (Q7) and an "all" state always starts with every assignee (Q10).
import { deptMembers, type Catalog } from '../catalog/catalog.ts';
import { fail } from '../errors.ts';
import { DistributeType, ParticipantType, StateType, type StateDefinition } from '../workflow.ts';
import type { Assignment } from './events.ts';

export interface ParticipantContext {
  catalog: Catalog;
  creator: string;
  /** Field values used by participant type 7 (ticket field). */
  fields: Record<string, unknown>;
  /** Field values of the parent ticket, for participant type 8. */
  parentFields: Record<string, unknown>;
  /** A number in [0, 1) drawn by the caller, so that random distribution stays pure. */
  random: number;
}

const splitNames = (value: string): string[] =>
  value
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');

const unique = (names: string[]) => [...new Set(names)];

function usernamesFor(state: StateDefinition, ctx: ParticipantContext): string[] {
  const config = typeof state.participant === 'string' ? state.participant : '';
  switch (state.participant_type_id) {
    case ParticipantType.person:
    case ParticipantType.multiPerson:
      return splitNames(config);
    case ParticipantType.dept:
      return deptMembers(ctx.catalog, splitNames(config).map(Number));
    case ParticipantType.role:
      return splitNames(config).flatMap((id) => ctx.catalog.roles.get(Number(id))?.members ?? []);
    case ParticipantType.variable:
      return splitNames(config).flatMap((variable) => {
        if (variable === 'creator') return [ctx.creator];
        if (variable === 'creator_tl') {
          const depts = ctx.catalog.users.get(ctx.creator)?.dept_ids ?? [];
          return depts.flatMap((id) => {
            const dept = ctx.catalog.depts.get(id);
            if (!dept) return [];
            return dept.approvers.length > 0 ? dept.approvers : splitNames(dept.leader);
          });
        }
        return [];
      });
    case ParticipantType.ticketField:
      return splitNames(config).flatMap((key) => splitNames(String(ctx.fields[key] ?? '')));
    case ParticipantType.parentTicketField:
      return splitNames(config).flatMap((key) => splitNames(String(ctx.parentFields[key] ?? '')));
    default:
      return [];
  }
}

export function resolveAssignment(state: StateDefinition, ctx: ParticipantContext): Assignment {
  const base = { stateId: state.id, multiAllPerson: {} };
  if (state.type_id === StateType.start) return { ...base, participantTypeId: ParticipantType.person, participant: ctx.creator };
  // Loonflow stores the end state's assignee as a person with an empty name (Q20, kept on the wire).
  if (state.type_id === StateType.end) return { ...base, participantTypeId: ParticipantType.person, participant: '' };
  switch (state.participant_type_id) {
    case ParticipantType.none:
      return { ...base, participantTypeId: ParticipantType.none, participant: '' };
    case ParticipantType.script:
      return { ...base, participantTypeId: ParticipantType.script, participant: String(state.participant) };
    // The hook's url and token never leave the server (Q27).
    case ParticipantType.hook:
      return { ...base, participantTypeId: ParticipantType.hook, participant: '***' };
    // The external service names the assignees; it is not called yet (README, "Not yet").
    case ParticipantType.external:
      return { ...base, participantTypeId: ParticipantType.external, participant: '' };
  }
  const names = unique(usernamesFor(state, ctx));
  if (names.length === 0) {
    fail(
      'no_participant',
      `State "${state.name}" (id ${state.id}) resolves to nobody; check its participant configuration and the directory.`,
    );
  }
  if (names.length === 1) return { ...base, participantTypeId: ParticipantType.person, participant: names[0] };
  if (state.distribute_type_id === DistributeType.random) {
    const picked = names[Math.min(names.length - 1, Math.floor(ctx.random * names.length))];
    return { ...base, participantTypeId: ParticipantType.person, participant: picked };
  }
  const multiAllPerson = state.distribute_type_id === DistributeType.all ? Object.fromEntries(names.map((n) => [n, {}])) : {};
  return { stateId: state.id, participantTypeId: ParticipantType.multiPerson, participant: names.join(','), multiAllPerson };
}

/** Usernames currently expected to act, for the duty list. */
export const assigneesOf = (a: { participantTypeId: number; participant: string }): string[] =>
  a.participantTypeId === ParticipantType.person || a.participantTypeId === ParticipantType.multiPerson ? splitNames(a.participant) : [];
