// Loonflow's shapes for workflow configuration read through the API. Hook tokens never
// appear in them (Q27).
import type { CustomFieldDefinition, StateDefinition, TransitionDefinition, WorkflowDefinition } from '../../domain/workflow.ts';
import { ParticipantType } from '../../domain/workflow.ts';

/** Built-in ticket fields that a state or display_form may list, with loonflow's order_id. */
export const BUILTIN_FIELDS: Record<string, { field_name: string; description: string; order_id: number }> = {
  sn: { field_name: '流水号', description: '工单的流水号', order_id: 10 },
  title: { field_name: '标题', description: '工单的标题', order_id: 20 },
  state_id: { field_name: '状态id', description: '工单当前状态的id', order_id: 40 },
  'state.state_name': { field_name: '状态名', description: '工单当前状态的名称', order_id: 41 },
  'participant_info.participant_name': { field_name: '当前处理人', description: '工单的当前处理人', order_id: 50 },
  'participant_info.participant_alias': { field_name: '当前处理人', description: '工单当前处理人(alias)', order_id: 55 },
  'workflow.workflow_name': { field_name: '工作流名称', description: '工单所属工作流的名称', order_id: 60 },
  creator: { field_name: '创建人', description: '工单的创建人', order_id: 80 },
  gmt_created: { field_name: '创建时间', description: '工单的创建时间', order_id: 100 },
  gmt_modified: { field_name: '更新时间', description: '工单的更新时间', order_id: 120 },
};

export function builtinField(key: string, value: unknown, attribute: number) {
  const meta = BUILTIN_FIELDS[key];
  return {
    field_key: key,
    field_name: meta.field_name,
    field_value: value,
    order_id: meta.order_id,
    field_type_id: 5,
    field_attribute: attribute,
    default_value: null,
    description: meta.description,
    field_template: '',
    boolean_field_display: {},
    field_choice: {},
    label: {},
    placeholder: '',
  };
}

export function customField(field: CustomFieldDefinition, value: unknown, attribute: number) {
  return {
    field_key: field.field_key,
    field_name: field.field_name,
    field_value: value,
    order_id: field.order_id,
    field_type_id: field.field_type_id,
    field_attribute: attribute,
    default_value: field.default_value,
    description: field.description,
    field_template: field.field_template,
    boolean_field_display: field.boolean_field_display,
    field_choice: field.field_choice,
    label: field.label,
    placeholder: field.placeholder,
  };
}

export const byOrderId = <T extends { order_id: number }>(items: T[]): T[] => [...items].sort((a, b) => a.order_id - b.order_id);

/** A state's `participant` as a client may see it: hook and external configs are hidden. */
export const visibleParticipant = (state: StateDefinition): string =>
  state.participant_type_id === ParticipantType.hook
    ? 'hook'
    : state.participant_type_id === ParticipantType.external
      ? 'external'
      : String(state.participant);

export function stateRow(
  workflow: WorkflowDefinition,
  state: StateDefinition,
  audit: { creator: string; gmt_created: string; gmt_modified: string },
) {
  return {
    id: state.id,
    name: state.name,
    workflow_id: workflow.id,
    is_hidden: state.is_hidden,
    order_id: state.order_id,
    type_id: state.type_id,
    enable_retreat: state.enable_retreat,
    remember_last_man_enable: state.remember_last_man_enable,
    participant_type_id: state.participant_type_id,
    participant: visibleParticipant(state),
    distribute_type_id: state.distribute_type_id,
    label: state.label,
    ...audit,
    is_deleted: false,
  };
}

export function transitionButton(t: TransitionDefinition) {
  return {
    transition_id: t.id,
    transition_name: t.name,
    attribute_type_id: t.attribute_type_id,
    field_require_check: t.field_require_check,
    alert_enable: t.alert_enable,
    enable_alert: t.alert_enable,
    alert_text: t.alert_text,
  };
}
