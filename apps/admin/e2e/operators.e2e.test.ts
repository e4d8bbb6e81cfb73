// Operators and the trust boundary, in a real browser against a real API: the two kinds of session
// told apart in the sessions list, and the recent-sign-in prompt in front of dangerous changes
// (creating a key, changing a role). The API runs with a 3-second CONSOLE_REAUTH_WINDOW so the
// prompt comes up after a short wait instead of ten minutes.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM_ARGS, findChromium, startApi, type RunningApi } from "./harness";
import { seed, VIEWER } from "./seed";

const ADMIN = { email: "admin@acme.test", password: "admin-password-123" };
const REAUTH_WINDOW_MS = 3_000;
const chromiumFound = findChromium();

// console.e2e.test.ts reports a missing browser in CI; this file only skips.
describe.runIf(chromiumFound.ok)("operators e2e", () => {
  let dir: string;
  let api: RunningApi;
  let browser: Browser;
  let page: Page;
  let signedInAt = 0;
  const at = (path: string) => `${api.url}${path}`;
  const rows = (p: Page) => p.locator("tbody tr[data-row-id]");
  /** Lets the password confirmed at sign-in (or last prompt) fall out of the window. */
  async function outlastReauthWindow(since: number) {
    const wait = since + REAUTH_WINDOW_MS + 500 - Date.now();
    if (wait > 0) await page.waitForTimeout(wait);
  }

  async function confirmPassword(dialogName = "reauth-dialog") {
    const prompt = page.getByTestId(dialogName);
    await prompt.waitFor();
    await prompt.getByLabel("Password").fill("not-my-password");
    await prompt.getByRole("button", { name: "Confirm and continue" }).click();
    await expect.poll(() => prompt.getByRole("alert").textContent()).toBe("Wrong password.");
    await prompt.getByLabel("Password").fill(ADMIN.password);
    await prompt.getByRole("button", { name: "Confirm and continue" }).click();
    await prompt.waitFor({ state: "detached" });
    return Date.now();
  }

  beforeAll(async () => {
    if (!chromiumFound.ok) return;
    dir = mkdtempSync(join(tmpdir(), "sessions-e2e-operators-"));
    const databaseUrl = `file:${join(dir, "db.sqlite")}`;
    await seed(databaseUrl);
    api = await startApi({
      databaseUrl,
      adminEmail: ADMIN.email,
      adminPassword: ADMIN.password,
      env: { CONSOLE_REAUTH_WINDOW: `${REAUTH_WINDOW_MS}ms` },
    });
    browser = await chromium.launch({ executablePath: chromiumFound.path, args: CHROMIUM_ARGS });
    page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await page.goto(at("/login"));
    await page.getByLabel("Email").fill(ADMIN.email);
    await page.getByLabel("Password").fill(ADMIN.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Overview" }).waitFor();
    signedInAt = Date.now();
  });

  afterAll(async () => {
    await browser?.close();
    await api?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("tells console sign-ins from app sessions, and filters by kind in the URL", async () => {
    await page.goto(at("/sessions"));
    await expect.poll(() => rows(page).count(), { timeout: 10_000 }).toBeGreaterThan(10);
    // The seeded sessions are service-issued; the admin's own sign-in is the only console one.
    expect(await page.locator('tbody [data-kind="console"]').count()).toBe(1);

    await page.getByLabel("Kind").selectOption("console");
    await page.waitForURL(/kind=console/);
    await expect.poll(() => rows(page).count()).toBe(1);
    const own = rows(page).first();
    expect(await own.textContent()).toContain(ADMIN.email);
    expect(await own.locator('[data-kind="console"]').count()).toBe(1);
    await own.click();
    const drawer = page.getByTestId("session-drawer");
    await drawer.getByText("Console sign-in (auth.login)").waitFor();
    await drawer.getByText("Password last confirmed").waitFor();
    await page.keyboard.press("Escape");

    await page.getByLabel("Kind").selectOption("app");
    await page.waitForURL(/kind=app/);
    await expect.poll(() => rows(page).count()).toBeGreaterThan(10);
    expect(await page.locator('tbody [data-kind="console"]').count()).toBe(0);
  });

  it("asks for the password before creating a key once the sign-in is no longer recent, then creates it", async () => {
    await outlastReauthWindow(signedInAt);
    await page.goto(at("/keys"));
    await page
      .getByRole("button", { name: /Create( API)? key/ })
      .first()
      .click();
    const create = page.getByTestId("create-key-dialog");
    await create.getByLabel("Name").fill("reauth-e2e");
    await create.getByRole("button", { name: /Create( API)? key/ }).click();
    signedInAt = await confirmPassword();
    // The same request, sent again after the prompt: the key is shown once.
    await create.getByText("Copy your new key").waitFor();
    expect(await create.getByTestId("new-api-key").textContent()).toMatch(/\S{20,}/);

    await page.goto(at("/audit?action=auth.reauth_failed"));
    await page.locator("tbody tr[data-row-id]").first().waitFor();
    await page.goto(at("/audit?action=auth.reauthenticated"));
    await page.locator("tbody tr[data-row-id]").first().waitFor();
  });

  it("changes a role behind the same prompt; never offers to change one's own", async () => {
    await page.goto(at(`/users?q=${encodeURIComponent(VIEWER.email)}`));
    await page.getByRole("link", { name: VIEWER.email }).click();
    await page.getByRole("heading", { name: VIEWER.email }).waitFor();
    await outlastReauthWindow(signedInAt);
    await page.getByRole("button", { name: "Change role" }).click();
    const dialog = page.getByTestId("set-role-dialog");
    await dialog.getByRole("radio", { name: /^Admin/ }).check();
    await dialog.getByRole("button", { name: "Change role" }).click();
    signedInAt = await confirmPassword();
    await page.getByText(`${VIEWER.email} is now admin`).waitFor();
    await dialog.waitFor({ state: "detached" });
    await expect
      .poll(() => page.getByRole("main").getByText("admin", { exact: true }).count())
      .toBeGreaterThan(0);

    await page.goto(at(`/users?q=${encodeURIComponent(ADMIN.email)}`));
    await page.getByRole("link", { name: ADMIN.email }).click();
    await page.getByRole("heading", { name: ADMIN.email }).waitFor();
    await page.getByRole("button", { name: "Revoke all sessions" }).waitFor();
    expect(await page.getByRole("button", { name: "Change role" }).count()).toBe(0);
  });
});
