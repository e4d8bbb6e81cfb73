// `pnpm db:seed`: migrate, make sure there is an admin, and add demo data (again, if run again).
import { openStore } from "@sessions/core";
import { createSessionsService } from "@sessions/core";
import { ensureFirstAdmin } from "../bootstrap.js";
import { EnvError, loadEnv, sessionsConfigFromEnv } from "../env.js";
import { createLogger } from "../logger.js";
import { seedDemoData } from "../seed.js";

try {
  const env = loadEnv(process.env);
  const logger = createLogger({ level: env.LOG_LEVEL });
  const store = await openStore(env.DATABASE_URL, { timeoutMs: env.DATABASE_TIMEOUT });
  try {
    const config = sessionsConfigFromEnv(env);
    await ensureFirstAdmin(createSessionsService({ store, config }), env, logger);
    const summary = await seedDemoData({ store, config, seed: Date.now() % 1_000_000 });
    logger.info(
      { ...summary, database: env.DATABASE_URL.startsWith("postgres") ? "postgres" : env.DATABASE_URL },
      "demo data seeded",
    );
  } finally {
    await store.close();
  }
} catch (error) {
  console.error(error instanceof EnvError ? error.message : error);
  process.exit(1);
}
