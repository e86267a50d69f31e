// Rebuild speed: every read model rebuilt from the seeded log (beside the live tables, then
// switched over, as `flowledger projections rebuild` does), timed per projection.
import { sql } from 'kysely';
import { readEnv } from '../src/config/env.ts';
import { rebuildProjection } from '../src/projections/engine/rebuild.ts';
import { createRuntime, PROJECTIONS } from '../src/runtime.ts';

export interface RebuildFigure {
  events: number;
  seconds: number;
  /** Events of the log over the time to rebuild all read models (each reads the whole log). */
  eventsPerSecond: number;
  projections: { name: string; seconds: number }[];
}

export async function measureRebuild(env: Record<string, string>): Promise<RebuildFigure> {
  const runtime = await createRuntime(readEnv(env), { project: false });
  try {
    const { rows } = await sql<{ n: string }>`select count(*)::text as n from es_events`.execute(runtime.database.db);
    const events = Number(rows[0].n);
    const projections: RebuildFigure['projections'] = [];
    const started = performance.now();
    for (const projection of PROJECTIONS) {
      const t = performance.now();
      await rebuildProjection(runtime.database.db, runtime.store, projection);
      projections.push({ name: projection.name, seconds: (performance.now() - t) / 1000 });
    }
    const seconds = (performance.now() - started) / 1000;
    return { events, seconds, eventsPerSecond: events / seconds, projections };
  } finally {
    await runtime.close();
  }
}
