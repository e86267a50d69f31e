// What the HTTP app is built from (buildApp's argument); every route plugin receives it.
import type { FastifyServerOptions } from 'fastify';
import type { Kysely } from 'kysely';
import type { CommandDeps } from '../commands/command-deps.ts';
import type { ReadModels } from '../projections/read-models.ts';
import type { ReadModelWatch } from './read-your-writes.ts';

export interface AppDeps extends ReadModelWatch {
  commands: CommandDeps;
  readModels: Kysely<ReadModels>;
  signatureTtlSeconds: number;
  logger?: FastifyServerOptions['logger'];
}
