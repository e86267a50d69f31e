// A workflow's own rules: its fields, exactly one start and one end state, keys that name
// fields, transitions between its states, conditions that parse and name its fields, and
// references to notices and depts that exist.
import { conditionFieldKeys, parseCondition } from '../conditions/index.ts';
import { NON_FIELD_KEYS } from '../fields.ts';
import { CONDITION_BASE_KEYS } from '../ticket/routing.ts';
import { StateType, type StateDefinition } from '../workflow.ts';
import { isComplete, presentItems, type WorkflowDraft } from './catalog-document.ts';
import { reportDuplicates } from './duplicates.ts';
import { BUILT_IN_FIELD_KEYS, CHOICE_FIELD_TYPE_IDS } from './field-vocabulary.ts';
import { reportParticipantProblems } from './participant-rules.ts';
import type { ProblemPath, Report } from './problem-path.ts';
import { reportIdList, reportUnknownId, type ReferenceScope } from './reference-scope.ts';

const CONDITION_COLUMNS: readonly string[] = CONDITION_BASE_KEYS;

export function reportWorkflowProblems(wf: WorkflowDraft, path: ProblemPath, scope: ReferenceScope, report: Report): void {
  const at = (...rest: PropertyKey[]): ProblemPath => [...path, ...rest];
  const fields = presentItems(wf.custom_fields);
  const states = presentItems(wf.states);
  const transitions = presentItems(wf.transitions);
  // Where a field or a state is malformed, "no such field/state" would be a guess: only say what is certain.
  const fieldKeys = new Set(fields.map(([f]) => f.field_key));
  const isFieldKey = isComplete(wf.custom_fields) ? (k: string) => fieldKeys.has(k) || BUILT_IN_FIELD_KEYS.has(k) : undefined;
  const stateIds = isComplete(wf.states) ? new Set(states.map(([s]) => s.id)) : undefined;
  const notAField = (k: string) => `"${k}" is neither a custom field of workflow ${wf.id} nor a built-in ticket field`;

  reportDuplicates(
    report,
    fields.map(([f, j]) => ({ key: f.id, path: at('custom_fields', j, 'id') })),
    'custom field id',
    ' in this workflow',
  );
  reportDuplicates(
    report,
    fields.map(([f, j]) => ({ key: f.field_key, path: at('custom_fields', j, 'field_key') })),
    'field_key',
    ' in this workflow',
  );
  for (const [f, j] of fields) {
    if (BUILT_IN_FIELD_KEYS.has(f.field_key))
      report(at('custom_fields', j, 'field_key'), `"${f.field_key}" is a built-in ticket field and cannot be a custom field key`);
    if (NON_FIELD_KEYS.has(f.field_key))
      report(
        at('custom_fields', j, 'field_key'),
        `"${f.field_key}" is a request parameter, so it can never carry a field value; choose another key`,
      );
    if (CHOICE_FIELD_TYPE_IDS.includes(f.field_type_id) && Object.keys(f.field_choice).length === 0)
      report(at('custom_fields', j, 'field_choice'), `field type ${f.field_type_id} needs at least one choice`);
  }

  reportStateTypeCounts(
    wf,
    states.map(([s]) => s),
    isComplete(wf.states),
    at('states'),
    report,
  );

  if (isFieldKey)
    wf.display_form.forEach((k, j) => {
      if (!isFieldKey(k)) report(at('display_form', j), notAField(k));
    });

  for (const [s, j] of states) {
    for (const [k, attribute] of Object.entries(s.state_field)) {
      const keyPath = at('states', j, 'state_field', k);
      if (fieldKeys.has(k)) continue;
      if (!BUILT_IN_FIELD_KEYS.has(k)) {
        if (isFieldKey) report(keyPath, notAField(k));
      } else if (k !== 'title' && attribute !== 1)
        report(keyPath, `"${k}" is a built-in ticket field that no request can write; make it 1 (read-only)`);
    }
    reportParticipantProblems(s, at('states', j, 'participant'), { workflowId: wf.id, scope, isFieldKey }, report);
  }

  const stateRef = (refPath: ProblemPath, sid: number) => {
    if (stateIds && !stateIds.has(sid)) report(refPath, `state ${sid} is not a state of workflow ${wf.id}`);
  };
  for (const [t, j] of transitions) {
    stateRef(at('transitions', j, 'source_state_id'), t.source_state_id);
    if (t.destination_state_id !== 0) stateRef(at('transitions', j, 'destination_state_id'), t.destination_state_id);
    else if (t.condition_expression.length === 0)
      report(at('transitions', j, 'destination_state_id'), 'is 0 and there is no condition_expression, so the transition leads nowhere');
    t.condition_expression.forEach((c, k) => {
      const conditionPath = at('transitions', j, 'condition_expression', k);
      stateRef([...conditionPath, 'target_state_id'], c.target_state_id);
      try {
        parseCondition(c.expression);
        if (isFieldKey)
          for (const key of conditionFieldKeys(c.expression))
            if (!fieldKeys.has(key) && !CONDITION_COLUMNS.includes(key))
              report(
                [...conditionPath, 'expression'],
                `refers to {${key}}, which is neither a field of workflow ${wf.id} nor a ticket column (${CONDITION_BASE_KEYS.join(', ')})`,
              );
      } catch (error) {
        report([...conditionPath, 'expression'], (error as Error).message);
      }
    });
  }

  wf.notices.forEach((n, j) => reportUnknownId(report, at('notices', j), 'notice', n, scope.noticeIds));
  wf.view_depts.forEach((d, j) => reportUnknownId(report, at('view_depts', j), 'dept', d, scope.deptIds));
  const limits = wf.limit_expression;
  if (limits.allow_depts) reportIdList(report, at('limit_expression', 'allow_depts'), limits.allow_depts, 'dept', scope.deptIds);
  if (limits.allow_roles) reportIdList(report, at('limit_expression', 'allow_roles'), limits.allow_roles, 'role', scope.roleIds);
}

/** Exactly one start and one end state; "none" only when no malformed state could be it. */
function reportStateTypeCounts(wf: WorkflowDraft, states: StateDefinition[], complete: boolean, path: ProblemPath, report: Report): void {
  for (const [typeId, kind] of [
    [StateType.start, 'start'],
    [StateType.end, 'end'],
  ] as const) {
    const found = states.filter((s) => s.type_id === typeId);
    if (found.length === 0 && complete) report(path, `workflow ${wf.id} has no ${kind} state (type_id ${typeId})`);
    if (found.length > 1)
      report(path, `workflow ${wf.id} has ${found.length} ${kind} states (${found.map((s) => s.id).join(', ')}); exactly one is allowed`);
  }
}
