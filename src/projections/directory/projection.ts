import { sql } from 'kysely';
import { decodeCatalogEvent } from '../../domain/catalog/decode-event.ts';
import { json } from '../json.ts';
import type { Projection } from '../projection.ts';
import { createDirectoryTables, DIRECTORY_TABLES } from './tables.ts';

export const directoryProjection: Projection = {
  name: 'directory',
  version: 2,
  tables: DIRECTORY_TABLES,
  createTables: createDirectoryTables,
  async apply(trx, recorded) {
    const event = decodeCatalogEvent(recorded.type, recorded.data);
    if (!event) return;
    const at = recorded.recordedAt;
    switch (event.type) {
      case 'UserDefined': {
        const { username, ...user } = event.data.user;
        const row = { ...user, dept_ids: json(user.dept_ids), gmt_modified: at };
        await trx
          .insertInto('directory_users')
          .values({ username, id: sql<number>`(select coalesce(max(id), 0) + 1 from directory_users)`, ...row, gmt_created: at })
          .onConflict((oc) => oc.column('username').doUpdateSet(row))
          .execute();
        return;
      }
      case 'DeptDefined': {
        const { id, ...dept } = event.data.dept;
        const row = { ...dept, approvers: json(dept.approvers), label: json(dept.label), gmt_modified: at };
        await trx
          .insertInto('directory_depts')
          .values({ id, ...row, creator: String(recorded.metadata.actor ?? ''), gmt_created: at })
          .onConflict((oc) => oc.column('id').doUpdateSet(row))
          .execute();
        return;
      }
      case 'RoleDefined': {
        const { id, ...role } = event.data.role;
        const row = { ...role, members: json(role.members) };
        await trx
          .insertInto('directory_roles')
          .values({ id, ...row })
          .onConflict((oc) => oc.column('id').doUpdateSet(row))
          .execute();
        return;
      }
      // The directory read model holds users, depts and roles only.
      case 'AppDefined':
      case 'NoticeDefined':
      case 'WorkflowVersionPublished':
        return;
      default: {
        const unhandled: never = event;
        return unhandled;
      }
    }
  },
};
