// The shape of the document's apps, users, depts, roles and notices, with loonflow's column
// defaults filled in. Each annotation makes the compiler prove the output is the domain type.
import { z } from 'zod';
import { CONFIG_BOUNDS as B } from '../domain/bounds.ts';
import type { App, Dept, Notice, Role, User } from '../domain/directory.ts';
import {
  httpUrl,
  id,
  idList,
  idOrZero,
  jsonMap,
  longText,
  name,
  nameList,
  nonEmptyText,
  text,
  token,
  username,
  workflowIdList,
} from './value-schemas.ts';

export const appSchema: z.ZodType<App> = z.strictObject({
  name,
  token: nonEmptyText(B.token),
  // Part of every ticket's indexed sn.
  ticket_sn_prefix: nonEmptyText(B.snPrefix).default('loonflow'),
  workflow_ids: workflowIdList.default('all'),
});

export const userSchema: z.ZodType<User> = z
  .strictObject({
    username,
    alias: text(B.name).optional(),
    email: text(B.contact).default(''),
    phone: text(B.contact).default(''),
    type_id: z.literal([0, 1, 2], { error: 'must be 0 (user), 1 (workflow admin) or 2 (super admin)' }).default(0),
    dept_ids: idList.default([]),
    is_active: z.boolean().default(true),
  })
  .transform((u) => ({ ...u, alias: u.alias ?? u.username }));

export const deptSchema: z.ZodType<Dept> = z.strictObject({
  id,
  name,
  parent_dept_id: idOrZero.default(0),
  leader: text(B.username).default(''),
  approvers: nameList.default([]),
  label: jsonMap.default({}),
});

export const roleSchema: z.ZodType<Role> = z.strictObject({
  id,
  name,
  description: longText.default(''),
  members: nameList.default([]),
});

export const noticeSchema: z.ZodType<Notice> = z.strictObject({
  id,
  name,
  description: longText.default(''),
  hook_url: httpUrl,
  hook_token: token,
});
