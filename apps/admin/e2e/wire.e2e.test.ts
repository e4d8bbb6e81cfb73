// The console's JavaScript as the browser receives it (issue 17): brotli copies written at build
// time (apps/admin/vite.config.ts), chosen by Accept-Encoding (apps/api/src/http/static.ts). The
// figure is measured from the browser's own network log, in its own API process and database so
// its extra console sign-in changes no other suite's counts. test-results/wire-size.json keeps it.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ensureResultsDir,
  findChromium,
  startSeededConsole,
  type RunningApi,
  type SeededConsole,
} from "./harness";

const ADMIN = { email: "admin@acme.test", password: "admin-password-123" };
const chromiumFound = findChromium();

// console.e2e.test.ts fails CI when no browser is found; here the suite only runs with one.
describe.runIf(chromiumFound.ok)("console over the wire", () => {
  let world: SeededConsole | undefined;
  let api: RunningApi;
  let browser: Browser | undefined;
  let shots: string;
  const at = (path: string) => `${api.url}${path}`;

  beforeAll(async () => {
    if (!chromiumFound.ok) return;
    shots = ensureResultsDir();
    world = await startSeededConsole({ name: "wire", chromium: chromiumFound.path, admin: ADMIN });
    api = world.api;
    browser = world.browser;
  });

  afterAll(async () => {
    await world?.stop();
  });

  it("sends the first screens' JavaScript compressed: ≤ 250 KiB over the wire, signed out and signed in", async () => {
    // A fresh context: nothing cached, so every script the screens need is fetched and counted.
    const fresh = await browser!.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: "light" });
    const p = await fresh.newPage();
    const scripts: { url: string; wire: number; decoded: number; coding: string }[] = [];
    const pending: Promise<void>[] = [];
    p.on("requestfinished", (request) => {
      if (request.resourceType() !== "script") return;
      pending.push(
        (async () => {
          const response = await request.response();
          if (!response) return;
          // responseBodySize: the bytes that crossed the wire (encoded), as the browser's network log has it.
          const { responseBodySize } = await request.sizes();
          scripts.push({
            url: new URL(request.url()).pathname,
            wire: responseBodySize,
            decoded: (await response.body()).length,
            coding: (await response.headerValue("content-encoding")) ?? "identity",
          });
        })(),
      );
    });
    const total = async () => {
      await Promise.all(pending);
      const sum = (key: "wire" | "decoded") => scripts.reduce((n, s) => n + s[key], 0);
      return { files: scripts.length, wire: sum("wire"), decoded: sum("decoded") };
    };
    try {
      await p.goto(at("/"));
      await p.waitForURL(/\/login/);
      await p.getByRole("button", { name: "Sign in" }).waitFor();
      await p.waitForLoadState("networkidle");
      const signedOut = await total();
      await p.getByLabel("Email").fill(ADMIN.email);
      await p.getByLabel("Password").fill(ADMIN.password);
      await p.getByRole("button", { name: "Sign in" }).click();
      await p.getByRole("heading", { name: "Overview" }).waitFor();
      await p.locator('[data-chart="sessions-per-day"] canvas').first().waitFor({ timeout: 15_000 });
      await p.waitForLoadState("networkidle");
      const overview = await total();
      const report = { budgetKiB: 250, signedOut, overview, scripts };
      writeFileSync(join(shots, "wire-size.json"), `${JSON.stringify(report, null, 2)}\n`);
      console.info(
        `first screen JS over the wire: sign-in ${(signedOut.wire / 1024).toFixed(1)} KiB ` +
          `(${(signedOut.decoded / 1024).toFixed(1)} KiB decoded), overview with chart ` +
          `${(overview.wire / 1024).toFixed(1)} KiB (${(overview.decoded / 1024).toFixed(1)} KiB decoded), ` +
          `${overview.files} files`,
      );
      // Every script larger than the build's 1 KiB threshold came as its brotli copy.
      for (const s of scripts) if (s.decoded > 1024) expect(s.coding, s.url).toBe("br");
      expect(signedOut.files).toBeGreaterThan(0);
      expect(overview.wire).toBeLessThan(overview.decoded / 2);
      expect(signedOut.wire).toBeLessThanOrEqual(250 * 1024);
      expect(overview.wire).toBeLessThanOrEqual(250 * 1024);
    } finally {
      await fresh.close();
    }
  });
});
