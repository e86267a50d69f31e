import type { Env } from '../config/env.ts';
import { applyStartupConfig, buildHttpApp, createRuntime, reportProjectionError } from '../runtime.ts';

export async function serve(env: Env): Promise<void> {
  const runtime = await createRuntime(env, {
    onProjectionError: reportProjectionError,
    onReactionError: (reaction, error) => console.error(`reaction ${reaction}: ${(error as Error).message ?? error}`),
  });
  const applied = await applyStartupConfig(runtime, env);
  const app = await buildHttpApp(runtime, env, { level: env.LOG_LEVEL });
  const address = await app.listen({ port: env.PORT, host: env.HOST });

  const { catalog } = await runtime.commands.catalog.current({ fresh: true });
  const demo = catalog.apps.get('demo');
  const store = env.EVENTSTORE_URL ? 'EventStoreDB' : env.DATABASE_URL ? 'PostgreSQL' : `embedded PostgreSQL in ${env.DATA_DIR}`;
  console.log(`flowledger listening on ${address} (events and read models: ${store})`);
  if (applied) console.log(`config ${applied.source}: ${applied.changes} change(s) applied`);
  if (demo) {
    console.log(`demo app: appname=${demo.name} token=${demo.token}`);
    console.log('create a ticket (vpn申请, as lilei):');
    console.log(
      `  ts=$(date +%s); sig=$(printf '%s' "\${ts}${demo.token}" | md5sum | cut -d' ' -f1); ` +
        `curl -s -X POST ${address}/api/v1.0/tickets -H 'content-type: application/json' ` +
        `-H "appname: ${demo.name}" -H "timestamp: $ts" -H "signature: $sig" -H 'username: lilei' ` +
        `-d '{"workflow_id": 2, "transition_id": 7, "title": "vpn for lilei", "vpn_reason": "remote work"}'`,
    );
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: finishing requests and the projection batch in flight`);
    // Stop accepting requests first, then let projectors commit, then close the store and pool.
    await app.close();
    await runtime.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}
