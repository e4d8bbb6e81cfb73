// The API reference page (/api/docs) in a real browser: Scalar's bundle loads from this server and
// renders the document's operations under the API's own Content-Security-Policy (same-origin
// scripts only), with no script error. Chromium comes from Debian (.ci/run installs it); without
// one this skips locally and fails in CI.
import { accessSync, constants } from "node:fs";
import { createStoreHarness, type StoreHarness } from "@sessions/core/testing";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../src/testing/index.js";

const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const hasChromium = (() => {
  try {
    accessSync(CHROMIUM, constants.X_OK);
    return true;
  } catch {
    return false;
  }
})();

describe.runIf(hasChromium || process.env.CI)("/api/docs in Chromium", () => {
  let harness: StoreHarness;
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    harness = await createStoreHarness("sqlite-memory");
    server = await startTestServer({ store: await harness.fresh() });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await harness?.dispose();
  });

  it("renders the operations with no script error and no request off this server", async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    const offSite: string[] = [];
    page.on("pageerror", (e) => problems.push(String(e)));
    page.on("console", (m) => {
      // The CSP's own refusals are console errors: any would mean the page needs more than it allows.
      if (m.type() === "error" && !m.text().includes("favicon")) problems.push(m.text());
    });
    page.on("request", (r) => {
      if (!r.url().startsWith(server.url) && !r.url().startsWith("data:")) offSite.push(r.url());
    });
    await page.goto(`${server.url}/api/docs`);
    await page.getByText("Check a session token").first().waitFor({ timeout: 30_000 });
    // The sidebar lists the sessions operations (its first group, open) and every group.
    for (const text of ["Issue an app session for a user", "One session by id", "users", "audit"]) {
      expect(await page.getByText(text).count(), text).toBeGreaterThan(0);
    }
    expect(problems.filter((p) => !p.includes("404"))).toEqual([]);
    expect(offSite).toEqual([]);
  }, 60_000);
});
