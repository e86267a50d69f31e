// The shape of a workflow: its own settings, and its custom fields, states and transitions,
// each checked on its own so that one malformed state leaves the others to the catalog's
// rules. Codes are spelled out in the messages so a wrong value can be fixed without the docs.
import { z } from 'zod';
import { CONFIG_BOUNDS as B } from '../domain/bounds.ts';
import { FIELD_TYPE_IDS } from '../domain/catalog/field-vocabulary.ts';
import {
  ParticipantType,
  StateType,
  type CustomFieldDefinition,
  type StateDefinition,
  type TransitionDefinition,
  type WorkflowDefinition,
} from '../domain/workflow.ts';
import {
  boundedRecord,
  commaText,
  extraInfo,
  httpUrl,
  id,
  idList,
  idOrZero,
  jsonMap,
  list,
  longText,
  name,
  nameList,
  nonEmptyText,
  orderId,
  participantText,
  text,
  token,
} from './value-schemas.ts';

const stateTypeId = z.literal([0, 1, 2], { error: 'must be 0 (normal), 1 (start) or 2 (end)' });
const distributeTypeId = z.literal([1, 2, 3, 4], {
  error: 'must be 1 (accept first), 2 (direct), 3 (random) or 4 (all must handle)',
});
const fieldAttribute = z.literal([1, 2, 3], { error: 'must be 1 (read-only), 2 (required) or 3 (optional)' });

const hookParticipant = z.strictObject({
  hook_url: httpUrl,
  hook_token: token,
  wait: z.boolean().default(false),
  extra_info: extraInfo,
});

const externalParticipant = z.strictObject({
  external_url: httpUrl,
  external_token: token,
  extra_info: extraInfo,
});

const stateBase = {
  id,
  name,
  type_id: stateTypeId.default(StateType.normal),
  order_id: orderId.default(0),
  is_hidden: z.boolean().default(false),
  enable_retreat: z.boolean().default(false),
  remember_last_man_enable: z.boolean().default(false),
  distribute_type_id: distributeTypeId.default(1),
  state_field: boundedRecord(nonEmptyText(B.fieldKey), fieldAttribute, 'fields').default({}),
  label: jsonMap.default({}),
};

// The participant's shape depends on its type, so each type family is its own variant.
export const stateSchema: z.ZodType<StateDefinition> = z.discriminatedUnion(
  'participant_type_id',
  [
    z.strictObject({ ...stateBase, participant_type_id: z.literal(ParticipantType.hook), participant: hookParticipant }),
    z.strictObject({
      ...stateBase,
      participant_type_id: z.literal(ParticipantType.external),
      participant: externalParticipant,
    }),
    z.strictObject({
      ...stateBase,
      participant_type_id: z.literal([0, 1, 2, 3, 4, 5, 6, 7, 8]).default(ParticipantType.person),
      participant: participantText.default(''),
    }),
  ],
  {
    error: (iss) =>
      iss.code === 'invalid_union'
        ? 'must be one of 0 (none), 1 (person), 2 (several people), 3 (dept), 4 (role), 5 (variable), ' +
          '6 (script), 7 (ticket field), 8 (parent ticket field), 10 (hook), 11 (external)'
        : undefined,
  },
);

const conditionItem = z.strictObject({ expression: nonEmptyText(B.expression), target_state_id: id });

export const transitionSchema: z.ZodType<TransitionDefinition> = z.strictObject({
  id,
  name,
  source_state_id: id,
  destination_state_id: idOrZero.default(0),
  transition_type_id: z.literal([1, 2], { error: 'must be 1 (normal) or 2 (timer)' }).default(1),
  timer: z.number().int().nonnegative().default(0),
  attribute_type_id: z.literal([1, 2, 3], { error: 'must be 1 (agree), 2 (reject) or 3 (other)' }).default(1),
  condition_expression: list(conditionItem).default([]),
  field_require_check: z.boolean().default(true),
  alert_enable: z.boolean().default(false),
  alert_text: longText.default(''),
});

export const customFieldSchema: z.ZodType<CustomFieldDefinition> = z.strictObject({
  id,
  field_key: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must start with a letter or "_" and hold only letters, digits and "_"')
    .max(B.fieldKey, { error: `must be at most ${B.fieldKey} characters` }),
  field_name: name,
  field_type_id: z.literal(FIELD_TYPE_IDS, { error: `must be one of ${FIELD_TYPE_IDS.join(', ')}` }),
  order_id: orderId.default(0),
  // Stored as text like loonflow's char column; YAML authors write `default_value: 0`.
  default_value: z.preprocess((v) => (typeof v === 'number' || typeof v === 'boolean' ? String(v) : v), longText.nullable()).default(null),
  description: longText.default(''),
  placeholder: longText.default(''),
  field_template: longText.default(''),
  boolean_field_display: boundedRecord(text(B.name), text(B.name), 'entries').default({}),
  field_choice: boundedRecord(text(B.choiceKey), text(B.name), 'choices').default({}),
  label: jsonMap.default({}),
});

const limitExpressionSchema = z
  .strictObject({
    period: z.number().int().positive().optional(),
    count: z.number().int().nonnegative().optional(),
    level: z.literal([1, 2], { error: 'must be 1 (per user) or 2 (global)' }).optional(),
    allow_persons: commaText.optional(),
    allow_depts: commaText.optional(),
    allow_roles: commaText.optional(),
  })
  .refine((l) => l.level === undefined || (l.count !== undefined && l.period !== undefined), {
    error: 'level needs both count and period (count tickets per period hours)',
  });

/** The parts of a workflow checked item by item, each by its own schema. */
export const WORKFLOW_PARTS = { custom_fields: customFieldSchema, states: stateSchema, transitions: transitionSchema } as const;

type WorkflowPart = keyof typeof WORKFLOW_PARTS;

/**
 * A workflow's own settings; its parts are only lists here (their items are checked by
 * WORKFLOW_PARTS), listed in the definition's key order so the published JSON keeps it.
 */
export const workflowSettingsSchema: z.ZodType<Omit<WorkflowDefinition, WorkflowPart> & Record<WorkflowPart, unknown[]>> = z.strictObject({
  id,
  name,
  description: longText.default(''),
  view_permission_check: z.boolean().default(true),
  limit_expression: limitExpressionSchema.default({}),
  display_form: list(text(B.fieldKey)).default([]),
  title_template: longText.default(''),
  content_template: longText.default(''),
  notices: idList.default([]),
  admins: nameList.default([]),
  interveners: nameList.default([]),
  view_persons: nameList.default([]),
  view_depts: idList.default([]),
  custom_fields: list(z.unknown()).default([]),
  states: list(z.unknown()).default([]),
  transitions: list(z.unknown()).default([]),
});
