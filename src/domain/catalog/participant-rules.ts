// What a state's participant must be for its participant type (behaviour §2.1).
import { ParticipantType, StateType, type StateDefinition } from '../workflow.ts';
import { splitComma } from './comma-list.ts';
import type { ProblemPath, Report } from './problem-path.ts';
import { reportIdList, type ReferenceScope } from './reference-scope.ts';

const VARIABLE_PARTICIPANTS: ReadonlySet<string> = new Set(['creator', 'creator_tl']);

export interface ParticipantContext {
  workflowId: number;
  scope: ReferenceScope;
  /** Whether a key names a field of the workflow; undefined when a malformed field leaves it unknown. */
  isFieldKey?: (key: string) => boolean;
}

export function reportParticipantProblems(state: StateDefinition, path: ProblemPath, context: ParticipantContext, report: Report): void {
  // Hook and external participants are mappings whose shape the schema already checked.
  if (typeof state.participant !== 'string') return;
  const text = state.participant;
  // Start and end states ignore their participant, so only normal states need one.
  if (text === '' && state.type_id === StateType.normal && state.participant_type_id !== ParticipantType.none)
    report(path, `participant_type_id ${state.participant_type_id} needs a participant`);
  switch (state.participant_type_id) {
    case ParticipantType.dept:
      reportIdList(report, path, text, 'dept', context.scope.deptIds);
      break;
    case ParticipantType.role:
      if (splitComma(text).length > 1) report(path, 'a role state takes a single role id');
      else reportIdList(report, path, text, 'role', context.scope.roleIds);
      break;
    case ParticipantType.variable:
      for (const token of splitComma(text))
        if (!VARIABLE_PARTICIPANTS.has(token)) report(path, `"${token}" is not a variable (use creator or creator_tl)`);
      break;
    case ParticipantType.script:
      // The script runs from the configured scripts folder; a path could escape it.
      if (/[\\/]|^\.\.?$/.test(text)) report(path, 'must be a plain file name in the scripts folder');
      break;
    case ParticipantType.ticketField: {
      const { isFieldKey } = context;
      if (isFieldKey)
        for (const token of splitComma(text))
          if (!isFieldKey(token)) report(path, `"${token}" is not a field of workflow ${context.workflowId}`);
      break;
    }
  }
}
