// Helpers for tests that need a real server (this package's HTTP suite and packages/client's).
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SessionsStore, User } from "@sessions/core";
import { loadEnv, type Env } from "../env.js";
import { createApp, type App, type CreateAppOptions } from "../http/server.js";

/** Settings for tests: quiet logs, no console build, random port. */
export function testEnv(overrides: Record<string, string> = {}): Env {
  return loadEnv({
    NODE_ENV: "test",
    LOG_LEVEL: "silent",
    PORT: "0",
    CONSOLE_DIR: join(tmpdir(), "sessions-no-console"),
    SHUTDOWN_TIMEOUT: "5s",
    // Tests that want the cleanup job turn it on; the others must not find their rows deleted.
    PRUNE_INTERVAL: "off",
    // Likewise the webhook dispatcher: the webhook tests start it where they want it.
    WEBHOOK_POLL_INTERVAL: "off",
    ...overrides,
  });
}

export interface TestServer {
  app: App;
  /** Base URL, e.g. http://127.0.0.1:43121 */
  url: string;
  admin: User;
  adminEmail: string;
  adminPassword: string;
  close(): Promise<void>;
}

export const TEST_ADMIN_PASSWORD = "correct horse battery staple";

/** Starts a server on a random port over `store`, with one admin whose password is TEST_ADMIN_PASSWORD. */
export async function startTestServer(
  options: { store: SessionsStore; env?: Record<string, string> } & Omit<CreateAppOptions, "env" | "store">,
): Promise<TestServer> {
  const { store, env, ...rest } = options;
  // Test clients leave keep-alive sockets idle: close them on shutdown after a moment, not a second.
  const app = await createApp({ env: testEnv(env), store, statsDebounceMs: 0, drainIdleMs: 20, ...rest });
  const adminEmail = "admin@example.com";
  const admin = await app.service.createUser({
    email: adminEmail,
    name: "Admin",
    role: "admin",
    password: TEST_ADMIN_PASSWORD,
  });
  const url = await app.listen(0, "127.0.0.1");
  return { app, url, admin, adminEmail, adminPassword: TEST_ADMIN_PASSWORD, close: () => app.close() };
}

/** A TCP port free on 127.0.0.1 right now, for a child process that must be told its port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
