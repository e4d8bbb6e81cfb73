// The production start: `pnpm build` bundles the API into dist/main.js, and `pnpm start` runs it with
// plain node. The bundle must find sessions-core's migrations (copied next to it), authenticate API
// keys, answer typed calls, write its (buffered) log lines soon, and on SIGTERM write its last log
// lines before it exits.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createSessionsService, openSqliteStore } from "@sessions/core";
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import superjson from "superjson";
import { afterAll, describe, expect, it } from "vitest";
import type { AppRouter } from "../src/router/index.js";
import { freePort } from "../src/testing/index.js";

const API_DIR = fileURLToPath(new URL("..", import.meta.url));

async function waitForReady(url: string, exited: () => boolean): Promise<Response> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (exited()) throw new Error("the API exited before it was ready");
    try {
      const response = await fetch(`${url}/readyz`);
      if (response.ok) return response;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error("the API did not become ready");
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("production build", () => {
  const dir = mkdtempSync(join(tmpdir(), "sessions-api-dist-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("bundles, starts with node, serves typed calls and shuts down cleanly", async () => {
    const built = spawnSync(process.execPath, ["--import", "tsx", "build.ts"], {
      cwd: API_DIR,
      encoding: "utf8",
    });
    expect(built.status, built.stderr).toBe(0);

    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const databaseFile = join(dir, "sessions.db");
    const child = spawn(process.execPath, ["dist/main.js"], {
      cwd: API_DIR,
      env: {
        ...process.env,
        NODE_ENV: "production",
        HOST: "127.0.0.1",
        PORT: String(port),
        DATABASE_URL: `file:${databaseFile}`,
        LOG_LEVEL: "info",
        ADMIN_EMAIL: "dist-admin@example.com",
        ADMIN_PASSWORD: "dist admin password",
        CONSOLE_DIR: join(dir, "no-console"),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      const ready = await waitForReady(url, () => child.exitCode !== null);
      expect(await ready.json()).toEqual({ status: "ready", database: "sqlite" });

      // The bundle migrated the database; a second connection (WAL) issues a key and a session.
      const store = openSqliteStore(databaseFile);
      const service = createSessionsService({ store });
      const { key } = await service.createApiKey({ name: "dist", scopes: ["sessions:issue"] });
      const admin = await service.findUserByEmail("dist-admin@example.com");
      const { token } = await service.createSession({ userId: admin!.id });
      await store.close();

      const client = createTRPCClient<AppRouter>({
        links: [
          httpBatchLink({
            url: `${url}/trpc`,
            transformer: superjson,
            headers: { authorization: `Bearer ${key}` },
          }),
        ],
      });
      const validated = await client.sessions.validate.mutate({ token });
      expect(validated?.user.email).toBe("dist-admin@example.com");
      expect(validated?.session.expiresAt).toBeInstanceOf(Date);
      const anonymous = createTRPCClient<AppRouter>({
        links: [httpBatchLink({ url: `${url}/trpc`, transformer: superjson })],
      });
      await expect(anonymous.sessions.validate.mutate({ token })).rejects.toThrow(/Sign in/);
      // Log lines are buffered, but a quiet server still writes them out within a moment.
      const logged = Date.now();
      while (!stdout.includes('"sessions.validate"') && Date.now() - logged < 2_000) {
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(stdout).toContain('"sessions.validate"');
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exit, stderr).toBe(0);
    const lines = stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { msg: string; procedures?: string[]; status?: number });
    expect(lines.some((l) => l.procedures?.includes("sessions.validate") && l.status === 200)).toBe(true);
    expect(lines.at(-1)?.msg).toBe("server stopped");
    expect(stdout).not.toContain(`Bearer`);
  });
});
