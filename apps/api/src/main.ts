// The process entry point: `pnpm dev` (tsx watch, --dev seeds demo data on first start) and
// `pnpm start` (NODE_ENV=production). Checks the settings, opens and migrates the database, creates
// the first admin if there is none, listens, and shuts down gracefully on SIGTERM/SIGINT.
import { openStore } from "@sessions/core";
import { ensureFirstAdmin } from "./bootstrap.js";
import { EnvError, loadEnv, type Env } from "./env.js";
import { createLogger, flushLogger } from "./logger.js";
import { hasDemoData, seedDemoData } from "./seed.js";
import { createApp } from "./server.js";

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
  const store = await openStore(env.DATABASE_URL);
  const app = await createApp({ env, store, logger });
  await ensureFirstAdmin(app.service, env, logger);
  if (dev && !(await hasDemoData(store))) {
    const summary = await seedDemoData({ store, config: app.service.config });
    logger.info(summary, "demo data seeded");
  }
  const url = await app.listen();
  logger.info({ url, database: store.dialect, env: env.NODE_ENV }, `listening on ${url}`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    // Log lines are buffered (logger.ts): write them out before exiting.
    app.close().then(
      () => flushLogger(logger).then(() => process.exit(0)),
      (error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        return flushLogger(logger).then(() => process.exit(1));
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `Failed to start: ${error.message}` : error);
  process.exit(1);
});
