// A SQLite file seeded with the bench's data set and an API key, for the benches that then start
// production API processes on it (operate, admin-reads).
import { createSessionsService, type ApiKeyScope, type SessionsService } from "@sessions/core";
import { QUICK_PLAN } from "./measure.js";
import { runDialect } from "./suite.js";
import { openSqliteTarget } from "./targets.js";

export interface SeededFile {
  /** The raw API key (shown once), with the scopes asked for. */
  key: string;
  /** Tokens of sessions that stay valid, for validate calls. */
  tokens: string[];
}

/** Seeds `file` with `sessions` sessions; `beforeClose` reads what it needs through the service. */
export async function seedSqliteFile(options: {
  file: string;
  sessions: number;
  scopes: ApiKeyScope[];
  log: (line: string) => void;
  beforeClose?: (service: SessionsService) => Promise<void>;
}): Promise<SeededFile> {
  const target = await openSqliteTarget({ file: options.file });
  const run = await runDialect(target, {
    sessions: options.sessions,
    plan: QUICK_PLAN,
    poolSize: 2_000,
    log: options.log,
    progress: () => {},
    skipOperations: true,
  });
  const service = createSessionsService({ store: target.store });
  const { key } = await service.createApiKey({ name: "bench", scopes: options.scopes });
  await options.beforeClose?.(service);
  await target.store.close();
  await target.close();
  return { key, tokens: run.liveTokens };
}
