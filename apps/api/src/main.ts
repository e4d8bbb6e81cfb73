// The process entry point: `pnpm dev` (NODE_ENV=development, tsx watch, --dev seeds demo data on
// first start) and `pnpm start` (NODE_ENV=production, also what an unset NODE_ENV means). Checks the settings, opens and migrates the database, creates
// the first admin if there is none, listens, and shuts down gracefully on SIGTERM/SIGINT.
import { openStore } from "@sessions/core";
import { ensureFirstAdmin } from "./bootstrap.js";
import { EnvError, loadEnv, type Env } from "./env.js";
import { createApp } from "./http/server.js";
import { closeOnSignals } from "./http/shutdown.js";
import { createLogger } from "./logger.js";
import { hasDemoData, seedDemoData } from "./seed.js";

async function main(): Promise<void> {
  const dev = process.argv.includes("--dev");
  let env: Env;
  try {
    env = loadEnv(process.env);
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger({ level: env.LOG_LEVEL });
  const store = await openStore(env.DATABASE_URL, {
    timeoutMs: env.DATABASE_TIMEOUT,
    readWorkers: env.SQLITE_READ_WORKERS,
    bulkWrites: env.SQLITE_BULK_WRITES,
    directUrl: env.DATABASE_DIRECT_URL,
  });
  const app = await createApp({ env, store, logger });
  await ensureFirstAdmin(app.service, env, logger);
  if (dev && !(await hasDemoData(store))) {
    const summary = await seedDemoData({ store, config: app.service.config });
    logger.info(summary, "demo data seeded");
  }
  const url = await app.listen();
  logger.info({ url, database: store.dialect, env: env.NODE_ENV }, `listening on ${url}`);

  closeOnSignals(() => app.close(), logger);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `Failed to start: ${error.message}` : error);
  process.exit(1);
});
