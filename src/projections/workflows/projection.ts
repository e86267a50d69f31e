import { decodeCatalogEvent } from '../../domain/catalog/decode-event.ts';
import { json } from '../json.ts';
import type { Projection } from '../projection.ts';
import { createWorkflowTables, WORKFLOW_TABLES } from './tables.ts';

export const workflowsProjection: Projection = {
  name: 'workflows',
  version: 1,
  tables: WORKFLOW_TABLES,
  createTables: createWorkflowTables,
  async apply(trx, recorded) {
    const event = decodeCatalogEvent(recorded.type, recorded.data);
    if (event?.type !== 'WorkflowVersionPublished') return;
    const { workflowId, version, definition, publishedAt } = event.data;
    const at = new Date(publishedAt);
    await trx
      .insertInto('workflow_versions')
      .values({ workflow_id: workflowId, version, definition: json(definition), published_at: at })
      .onConflict((oc) => oc.columns(['workflow_id', 'version']).doNothing())
      .execute();
    if (definition.states.length > 0) {
      await trx
        .insertInto('workflow_states')
        .values(
          definition.states.map((s) => ({
            workflow_id: workflowId,
            version,
            state_id: s.id,
            name: s.name,
            type_id: s.type_id,
            order_id: s.order_id,
            definition: json(s),
          })),
        )
        .onConflict((oc) => oc.columns(['workflow_id', 'version', 'state_id']).doNothing())
        .execute();
    }
    const current = { name: definition.name, description: definition.description, version, definition: json(definition), gmt_modified: at };
    await trx
      .insertInto('workflows')
      .values({ id: workflowId, ...current, gmt_created: at })
      .onConflict((oc) => oc.column('id').doUpdateSet(current).where('workflows.version', '<', version))
      .execute();
  },
};
