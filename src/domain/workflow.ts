// Workflow definitions as authored in the config document. Field names follow loonflow's
// columns so that existing configurations and API responses port directly.

export const StateType = { normal: 0, start: 1, end: 2 } as const;

export const ParticipantType = {
  none: 0,
  person: 1,
  multiPerson: 2,
  dept: 3,
  role: 4,
  variable: 5,
  script: 6,
  ticketField: 7,
  parentTicketField: 8,
  hook: 10,
  external: 11,
} as const;

export const DistributeType = { accept: 1, direct: 2, random: 3, all: 4 } as const;

export const TransitionAttribute = { agree: 1, reject: 2, other: 3 } as const;

/** How a state shows a field (state_field): read-only, required, or optional to write. */
export const FieldAttribute = { readOnly: 1, required: 2, optional: 3 } as const;
export type FieldAttribute = (typeof FieldAttribute)[keyof typeof FieldAttribute];

export interface HookParticipant {
  hook_url: string;
  hook_token: string;
  wait: boolean;
  extra_info?: unknown;
}

export interface ExternalParticipant {
  external_url: string;
  external_token: string;
  extra_info?: unknown;
}

export type StateParticipant = string | HookParticipant | ExternalParticipant;

export interface StateDefinition {
  id: number;
  name: string;
  type_id: number;
  order_id: number;
  is_hidden: boolean;
  enable_retreat: boolean;
  remember_last_man_enable: boolean;
  participant_type_id: number;
  participant: StateParticipant;
  distribute_type_id: number;
  state_field: Record<string, FieldAttribute>;
  label: Record<string, unknown>;
}

export interface ConditionItem {
  expression: string;
  target_state_id: number;
}

export interface TransitionDefinition {
  id: number;
  name: string;
  source_state_id: number;
  destination_state_id: number;
  transition_type_id: number;
  timer: number;
  attribute_type_id: number;
  condition_expression: ConditionItem[];
  field_require_check: boolean;
  alert_enable: boolean;
  alert_text: string;
}

export interface CustomFieldDefinition {
  id: number;
  field_key: string;
  field_name: string;
  field_type_id: number;
  order_id: number;
  default_value: string | null;
  description: string;
  placeholder: string;
  field_template: string;
  boolean_field_display: Record<string, string>;
  field_choice: Record<string, string>;
  label: Record<string, unknown>;
}

export interface LimitExpression {
  period?: number;
  count?: number;
  level?: number;
  allow_persons?: string;
  allow_depts?: string;
  allow_roles?: string;
}

export interface WorkflowDefinition {
  id: number;
  name: string;
  description: string;
  view_permission_check: boolean;
  limit_expression: LimitExpression;
  display_form: string[];
  title_template: string;
  content_template: string;
  notices: number[];
  admins: string[];
  interveners: string[];
  view_persons: string[];
  view_depts: number[];
  custom_fields: CustomFieldDefinition[];
  states: StateDefinition[];
  transitions: TransitionDefinition[];
}

/** A published, immutable version of a workflow; tickets are bound to one. */
export interface WorkflowVersion {
  version: number;
  definition: WorkflowDefinition;
}

export const startStateOf = (wf: WorkflowDefinition): StateDefinition | undefined => wf.states.find((s) => s.type_id === StateType.start);

export const endStateOf = (wf: WorkflowDefinition): StateDefinition | undefined => wf.states.find((s) => s.type_id === StateType.end);

export const stateById = (wf: WorkflowDefinition, id: number): StateDefinition | undefined => wf.states.find((s) => s.id === id);

export const transitionById = (wf: WorkflowDefinition, id: number): TransitionDefinition | undefined =>
  wf.transitions.find((t) => t.id === id);

export const transitionsFrom = (wf: WorkflowDefinition, stateId: number): TransitionDefinition[] =>
  wf.transitions.filter((t) => t.source_state_id === stateId).sort((a, b) => a.id - b.id);
