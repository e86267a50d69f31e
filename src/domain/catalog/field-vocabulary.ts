// Which field types and keys a workflow may use.
import { FieldType } from '../fields.ts';

export const FIELD_TYPE_IDS = Object.values(FieldType);

/** radio, checkbox, select, multi-select: meaningless without choices. */
export const CHOICE_FIELD_TYPE_IDS: readonly number[] = [FieldType.radio, FieldType.checkbox, FieldType.select, FieldType.multiSelect];

/** Ticket keys that `state_field` and `display_form` may name besides custom field keys. */
export const BUILT_IN_FIELD_KEYS: ReadonlySet<string> = new Set([
  'id',
  'sn',
  'title',
  'state_id',
  'state.state_name',
  'participant_info.participant_name',
  'participant_info.participant_alias',
  'workflow.workflow_name',
  'creator',
  'gmt_created',
  'gmt_modified',
  'parent_ticket_id',
  'parent_ticket_state_id',
  'participant_type_id',
  'participant',
  'workflow_id',
  'act_state_id',
  'script_run_last_result',
]);
