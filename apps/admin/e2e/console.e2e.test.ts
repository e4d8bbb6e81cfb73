// The console end to end, in a real browser: playwright-core driving Debian's Chromium against the
// built console served by the API process on a temp SQLite database.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AppRouter } from "@sessions/api/router";
import { createTRPCClient, httpLink } from "@trpc/client";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM_ARGS, ensureResultsDir, findChromium, startApi, type RunningApi } from "./harness";
import { FLEET_SESSIONS, seed, VIEWER, type Seeded } from "./seed";

const ADMIN = { email: "admin@acme.test", password: "admin-password-123" };
const chromiumFound = findChromium();

if (!chromiumFound.ok) {
  if (process.env.CI) {
    describe("console e2e", () => {
      it("needs a browser in CI", () => {
        throw new Error(chromiumFound.ciError);
      });
    });
  } else {
    console.warn(chromiumFound.notice);
  }
}

describe.runIf(chromiumFound.ok)("console e2e", () => {
  let dir: string;
  let api: RunningApi;
  let seeded: Seeded;
  let browser: Browser;
  let admin: BrowserContext;
  let viewer: BrowserContext;
  let page: Page;
  let viewerPage: Page;
  let shots: string;

  const at = (path: string) => `${api.url}${path}`;
  const rows = (p: Page) => p.locator("tbody tr[data-row-id]");
  /** Which sessions a page shows, by id (row text includes times that move on as the test runs). */
  const rowIds = (p: Page) =>
    rows(p).evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-row-id") ?? ""));
  const activeCount = async (p: Page) =>
    Number((await p.getByTestId("active-count").textContent())?.replace(/,/g, ""));
  /** The sessions table's "N matching" for the current filters. */
  const matchingCount = async (p: Page) =>
    Number((await p.getByTestId("matching-count").textContent())?.replace(/,/g, ""));

  async function signIn(p: Page, email: string, password: string) {
    await p.goto(at("/"));
    await p.waitForURL(/\/login/);
    await p.getByLabel("Email").fill(email);
    await p.getByLabel("Password").fill(password);
    await p.getByRole("button", { name: "Sign in" }).click();
    await p.getByRole("heading", { name: "Overview" }).waitFor();
  }

  async function waitForRows(p: Page, count: number) {
    await expect.poll(() => rows(p).count(), { timeout: 10_000 }).toBe(count);
  }

  beforeAll(async () => {
    if (!chromiumFound.ok) return;
    shots = ensureResultsDir();
    dir = mkdtempSync(join(tmpdir(), "sessions-e2e-"));
    const databaseUrl = `file:${join(dir, "db.sqlite")}`;
    seeded = await seed(databaseUrl);
    // A per-user limit far above the seed's, so the user page shows "N of 1,000 allowed".
    api = await startApi({
      databaseUrl,
      adminEmail: ADMIN.email,
      adminPassword: ADMIN.password,
      env: { MAX_SESSIONS_PER_USER: "1000" },
    });
    browser = await chromium.launch({
      executablePath: chromiumFound.path,
      args: CHROMIUM_ARGS,
      headless: true,
    });
    admin = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: "light" });
    viewer = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: "light" });
    page = await admin.newPage();
    viewerPage = await viewer.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await api?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("sends a signed-out visitor to sign-in and explains a wrong password", async () => {
    await page.goto(at("/sessions?status=all"));
    await page.waitForURL(/\/login\?redirect=/);
    await page.getByLabel("Email").fill(ADMIN.email);
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("Wrong email or password.");
  });

  it("signs in and sees the stats", async () => {
    await signIn(page, ADMIN.email, ADMIN.password);
    // Seeded active sessions plus the admin's own sign-in.
    const expected = seeded.active + 1;
    await expect
      .poll(() => page.locator('[data-stat="totalActive"]').textContent(), { timeout: 10_000 })
      .toBe(expected.toLocaleString("en-US"));
    await expect.poll(() => page.locator('[data-stat="revokedToday"]').textContent()).toMatch(/^\d+$/);
    await page.getByRole("heading", { name: "Browsers" }).waitFor();
    await page.locator('[data-live-state="live"]').waitFor({ timeout: 10_000 });

    // The per-day chart (uPlot, a canvas): hovering a day shows its count; the keyboard reads days too.
    const chart = page.locator('[data-chart="sessions-per-day"]');
    await chart.locator("canvas").first().waitFor({ timeout: 15_000 });
    const days = chart.locator("table tbody tr");
    expect(await days.count()).toBe(30);
    expect(await chart.locator("figcaption").textContent()).toMatch(/last 30 days: [\d,]+ in total/);
    await chart.locator('[tabindex="0"]').focus();
    await page.keyboard.press("End");
    // Today has at least the admin's own sign-in.
    await expect
      .poll(() => chart.locator('[aria-live="polite"]').textContent())
      .toMatch(/^[A-Z][a-z]{2} \d{1,2}: [1-9]\d* sessions?$/);
    await page.keyboard.press("ArrowLeft");
    const yesterday = (await days.nth(28).locator("td").first().textContent()) ?? "";
    await expect.poll(() => chart.locator('[aria-live="polite"]').textContent()).toContain(`${yesterday}:`);
    await chart.locator('[tabindex="0"]').blur();
    const box = await chart.boundingBox();
    if (!box) throw new Error("the chart has no box");
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
    const tooltip = chart.locator("[data-chart-tooltip]");
    await tooltip.waitFor();
    expect(await tooltip.textContent()).toMatch(/^[A-Z][a-z]{2} \d{1,2}\d+ sessions?$/);
    await page.screenshot({ path: join(shots, "dashboard.png"), fullPage: true });
    await page.mouse.move(0, 0);
  });

  it("searches by email, and keeps the search in the URL", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sessions" }).click();
    await page.getByRole("heading", { name: "Sessions", exact: true }).waitFor();
    await waitForRows(page, 25);
    // Every active session matches the default view: the seeded ones and the admin's sign-in.
    await expect.poll(() => matchingCount(page)).toBe(seeded.active + 1);
    await page.getByText(`1–25 of ${seeded.active + 1}`).waitFor();
    await page.screenshot({ path: join(shots, "sessions-table.png"), fullPage: true });
    await page.getByLabel("Search by email").fill("alice");
    await page.waitForURL(/[?&]q=alice/);
    await waitForRows(page, seeded.aliceSessions);
    await expect.poll(() => matchingCount(page)).toBe(seeded.aliceSessions);
    for (const text of await rows(page).allTextContents()) expect(text).toContain("alice@acme.test");
    await page.reload();
    await waitForRows(page, seeded.aliceSessions);
    expect(await page.getByLabel("Search by email").inputValue()).toBe("alice");
  });

  it("exports exactly the filtered sessions as CSV, and the export is in the audit log", async () => {
    // Still filtered to alice (the previous step).
    await page.getByRole("button", { name: "Export" }).click();
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("menuitem", { name: "CSV (spreadsheets)" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^sessions-.*\.csv$/);
    const text = readFileSync(await download.path(), "utf8");
    const lines = text.trim().split("\n");
    expect(lines[0]).toMatch(/^id,kind,status,user_id,email,/);
    expect(lines.slice(1)).toHaveLength(seeded.aliceSessions);
    for (const line of lines.slice(1)) expect(line).toContain("alice@acme.test");
    // Read back over REST with the console's own cookie (a same-origin GET).
    const audit = await page.evaluate(async () => {
      const res = await fetch("/api/v1/audit?action=sessions.exported");
      return (await res.json()) as { items: { actorType: string; count: number; data: unknown }[] };
    });
    expect(audit.items[0]).toMatchObject({
      actorType: "user",
      count: seeded.aliceSessions,
      data: { format: "csv", filter: { email: "alice", status: "active" }, complete: true },
    });
  });

  it("filters by browser and status", async () => {
    await page.getByLabel("Browser").selectOption("Firefox");
    await page.waitForURL(/browser=Firefox/);
    await waitForRows(page, 1);
    expect(await rows(page).first().textContent()).toMatch(/alice@acme\.test.*Firefox.*Linux/);
    await page.getByRole("button", { name: "Clear filters" }).first().click();
    await page.waitForURL((url) => url.search === "");
    await page.getByRole("radio", { name: "Revoked" }).click();
    await page.waitForURL(/status=revoked/);
    await waitForRows(page, 1);
    expect(await rows(page).first().textContent()).toContain("carol@acme.test");
    await expect.poll(() => matchingCount(page)).toBe(1);
    await page.getByRole("radio", { name: "Expired" }).click();
    await page.waitForURL(/status=expired/);
    // Expired 10 days ago, and the one past the retention that cleanup deletes later.
    await waitForRows(page, 1 + seeded.due);
    await page.getByRole("radio", { name: "Active" }).click();
    await page.waitForURL((url) => url.search === "");
  });

  it("sorts by a column both ways", async () => {
    await waitForRows(page, 25);
    expect(await rows(page).first().textContent()).toContain("This session");
    await page.getByRole("button", { name: /^Sort by created/ }).click();
    await page.waitForURL(/dir=asc/);
    await expect.poll(() => rows(page).first().textContent()).toContain(seeded.oldestEmail);
    await page.getByRole("button", { name: /^Sort by created/ }).click();
    await page.waitForURL((url) => !url.search.includes("dir="));
    await expect.poll(() => rows(page).first().textContent()).toContain("This session");
  });

  it("pages forward and back", async () => {
    const firstPage = await rowIds(page);
    await page.getByRole("button", { name: "Next page" }).click();
    await page.waitForURL(/cursor=/);
    await expect.poll(async () => (await rowIds(page))[0]).not.toBe(firstPage[0]);
    const secondPage = await rowIds(page);
    expect(secondPage).toHaveLength(25);
    expect(secondPage.some((row) => firstPage.includes(row))).toBe(false);
    await expect.poll(() => page.getByText("Page 2").count()).toBeGreaterThan(0);
    await page.getByRole("button", { name: "Next page" }).click();
    await expect.poll(() => page.getByText("Page 3").count()).toBeGreaterThan(0);
    await page.getByRole("button", { name: "Previous page" }).click();
    await expect.poll(async () => (await rowIds(page))[0]).toBe(secondPage[0]);
    await page.getByRole("button", { name: "Previous page" }).click();
    await expect.poll(async () => (await rowIds(page))[0]).toBe(firstPage[0]);
    await page.waitForURL((url) => !url.search.includes("cursor="));
    expect(await page.getByRole("button", { name: "Previous page" }).isDisabled()).toBe(true);
    // The browser's Back button walks the same pages.
    await page.goBack();
    await expect.poll(async () => (await rowIds(page))[0]).toBe(secondPage[0]);
    await page.goBack();
    await page.goBack();
    await page.goBack();
    await expect.poll(async () => (await rowIds(page))[0]).toBe(firstPage[0]);
    await page.getByLabel("Rows per page").selectOption("10");
    await page.waitForURL(/size=10/);
    await waitForRows(page, 10);
    await page.getByLabel("Rows per page").selectOption("25");
    await waitForRows(page, 25);
  });

  it("opens a session's detail with its user and their other sessions", async () => {
    await page.getByLabel("Search by email").fill("bob@");
    await waitForRows(page, seeded.bobSessions);
    await rows(page).first().click();
    const drawer = page.getByTestId("session-drawer");
    await drawer.waitFor();
    await page.waitForURL(/session=/);
    await drawer.getByText("Session ID").waitFor();
    await drawer.getByRole("link", { name: "bob@acme.test" }).waitFor();
    await drawer.getByText("Other sessions of this user").waitFor();
    await expect
      .poll(() => drawer.locator("section").last().locator("li").count())
      .toBe(seeded.bobSessions - 1);
    await page.keyboard.press("Escape");
    await drawer.waitFor({ state: "detached" });
  });

  it("revokes one session after a confirmation; a second browser sees it go live, without reload", async () => {
    // The viewer watches alice's sessions in another browser context.
    await signIn(viewerPage, VIEWER.email, VIEWER.password);
    await viewerPage.goto(at("/sessions?q=alice"));
    await waitForRows(viewerPage, seeded.aliceSessions);
    await expect.poll(() => matchingCount(viewerPage)).toBe(seeded.aliceSessions);
    await viewerPage.locator('[data-live-state="live"]').waitFor({ timeout: 10_000 });

    await page.getByLabel("Search by email").fill("alice");
    await waitForRows(page, seeded.aliceSessions);
    await expect.poll(() => matchingCount(page)).toBe(seeded.aliceSessions);
    const before = await activeCount(page);
    const target = rows(page).first();
    const targetId = await target.getAttribute("data-row-id");
    await target.getByRole("button", { name: /^Revoke session/ }).click();
    const dialog = page.getByTestId("revoke-session-dialog");
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain("will stop working immediately");
    await dialog.getByLabel(/Reason/).fill("lost phone");
    await page.screenshot({ path: join(shots, "confirm-dialog.png") });
    await dialog.getByRole("button", { name: "Revoke session" }).click();
    await page.getByText("Session revoked", { exact: true }).waitFor();
    await waitForRows(page, seeded.aliceSessions - 1);
    expect(await page.locator(`tr[data-row-id="${targetId}"]`).count()).toBe(0);
    await expect.poll(() => activeCount(page)).toBe(before - 1);
    await expect.poll(() => matchingCount(page)).toBe(seeded.aliceSessions - 1);

    // Live, not polled: the viewer's list and its "N matching" follow within a couple of seconds.
    const seen = Date.now();
    await waitForRows(viewerPage, seeded.aliceSessions - 1);
    expect(Date.now() - seen).toBeLessThan(4_000);
    await expect.poll(() => matchingCount(viewerPage), { timeout: 4_000 }).toBe(seeded.aliceSessions - 1);

    // The revoked session's drawer says how and why it ended, and when its user last authenticated.
    await page.goto(at(`/sessions?status=revoked&session=${targetId}`));
    const drawer = page.getByTestId("session-drawer");
    await drawer.getByText("How it ended").waitFor();
    const text = await drawer.textContent();
    expect(text).toContain("lost phone");
    expect(text).toMatch(/How it ended\s*Revoked/);
    expect(text).toContain("Authenticated");
    // And the audit log's row for it names the end reason beside the free text.
    await page.goto(at("/audit?action=session.revoked"));
    await page.getByTestId("audit-end-reason").first().waitFor();
    expect(await page.getByTestId("audit-end-reason").first().textContent()).toBe("Revoked");
  });

  it("shows a viewer no revoke or disable controls at all", async () => {
    expect(await viewerPage.getByRole("button", { name: /Revoke/ }).count()).toBe(0);
    await rows(viewerPage).first().click();
    const drawer = viewerPage.getByTestId("session-drawer");
    await drawer.getByText("Session ID").waitFor();
    expect(await drawer.getByRole("button", { name: /Revoke/ }).count()).toBe(0);
    await drawer.getByRole("link", { name: "alice@acme.test" }).click();
    await viewerPage.getByRole("heading", { name: "alice@acme.test" }).waitFor();
    await viewerPage.getByRole("list", { name: "Sessions of this user" }).waitFor();
    expect(await viewerPage.getByRole("button", { name: /Revoke|Disable/ }).count()).toBe(0);
    expect(await viewerPage.getByRole("link", { name: "API keys" }).count()).toBe(0);
  });

  it("revokes all of a user's sessions", async () => {
    await page.goto(at("/users?q=bob"));
    await page.getByRole("link", { name: "bob@acme.test" }).click();
    await page.getByRole("heading", { name: "bob@acme.test" }).waitFor();
    await expect
      .poll(() => page.getByTestId("user-active-sessions").textContent())
      .toBe(String(seeded.bobSessions));
    expect(await page.getByTestId("user-session-limit").textContent()).toBe(
      `${seeded.bobSessions} of 1,000 allowed`,
    );
    await page.getByRole("button", { name: "Revoke all sessions" }).click();
    const dialog = page.getByTestId("revoke-user-dialog");
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain(
      `All ${seeded.bobSessions} active sessions of bob@acme.test will end`,
    );
    await dialog.getByRole("button", { name: "Revoke all sessions" }).click();
    await page.getByText(`Revoked ${seeded.bobSessions} sessions`).waitFor();
    await expect.poll(() => page.getByTestId("user-active-sessions").textContent()).toBe("0");
  });

  it("falls back to polling when the live stream is unavailable", async () => {
    const cut = await viewer.newPage();
    await cut.route("**/trpc/events**", (route) => route.abort());
    await cut.goto(at("/sessions?q=carol"));
    await waitForRows(cut, 1);
    await cut.locator('[data-live-state="polling"]').waitFor({ timeout: 10_000 });

    await page.goto(at("/sessions?q=carol"));
    await waitForRows(page, 1);
    await rows(page)
      .first()
      .getByRole("button", { name: /^Revoke session/ })
      .click();
    await page.getByTestId("revoke-session-dialog").getByRole("button", { name: "Revoke session" }).click();
    await page.getByText("Session revoked", { exact: true }).last().waitFor();
    await waitForRows(page, 0);
    // No events reach this page: its poll picks the change up.
    await expect.poll(() => rows(cut).count(), { timeout: 12_000 }).toBe(0);
    await cut.close();
  });

  it("bulk-revokes by filter after a dry run, asking to type the count above 100", async () => {
    await page.goto(at("/sessions?q=fleet.test"));
    await waitForRows(page, 25);
    await expect.poll(() => matchingCount(page)).toBe(FLEET_SESSIONS);
    await page.getByRole("button", { name: "Revoke matching…" }).click();
    const dialog = page.getByTestId("bulk-revoke-dialog");
    await dialog.getByText(`${FLEET_SESSIONS} matching`, { exact: true }).waitFor();
    expect(await dialog.textContent()).toContain("Email contains “fleet.test”");
    expect(
      await dialog.getByRole("list", { name: "Sample of matching sessions" }).locator("li").count(),
    ).toBe(11);
    const confirm = dialog.getByRole("button", { name: `Revoke ${FLEET_SESSIONS} sessions` });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel(`Type ${FLEET_SESSIONS} to confirm`).fill(String(FLEET_SESSIONS));
    await expect.poll(() => confirm.isDisabled()).toBe(false);
    await page.screenshot({ path: join(shots, "bulk-confirm-dialog.png") });
    await confirm.click();
    await page.getByText(`Revoked ${FLEET_SESSIONS} sessions`).waitFor();
    await page.getByText("No sessions match").waitFor();
    await expect.poll(() => matchingCount(page)).toBe(0);
    // The viewer's overview follows too.
    await viewerPage.goto(at("/"));
    await expect
      .poll(() => viewerPage.locator('[data-stat="totalActive"]').textContent())
      // Seeded + the admin's and the viewer's sign-ins, less alice's, bob's two, carol's and the fleet.
      .toBe(String(seeded.active + 2 - 1 - seeded.bobSessions - 1 - FLEET_SESSIONS));
  });

  it("never offers the admin's own session for revoking", async () => {
    await page.goto(at("/sessions"));
    const own = rows(page).filter({ hasText: "This session" });
    await own.waitFor();
    expect(await own.getByRole("button", { name: /Revoke/ }).count()).toBe(0);
    await own.click();
    const drawer = page.getByTestId("session-drawer");
    await drawer.getByText("This is your own sign-in. Sign out to end it.").waitFor();
    expect(await drawer.getByRole("button", { name: "Revoke session" }).count()).toBe(0);
    await page.keyboard.press("Escape");
  });

  it("looks right at phone width", async () => {
    const phone = await admin.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(at("/sessions?status=all"));
    await phone.getByRole("list", { name: "Sessions" }).waitFor();
    await phone.screenshot({ path: join(shots, "sessions-phone.png"), fullPage: false });
    await phone.close();
  });

  it("names who acted and on whom in the audit log, people by email and API keys by name", async () => {
    // A service acts with an API key made in the console: the log names the key.
    await page.goto(at("/keys"));
    await page.getByRole("button", { name: "Create key" }).first().click();
    const create = page.getByTestId("create-key-dialog");
    await create.getByLabel("Name").fill("billing-service");
    for (const scope of ["sessions:read", "sessions:revoke"]) {
      const box = create.getByRole("checkbox", { name: new RegExp(`^${scope}`) });
      if ((await box.getAttribute("aria-checked")) !== "true") await box.click();
    }
    await create.getByRole("button", { name: "Create key" }).click();
    const apiKey = (await create.getByTestId("new-api-key").textContent())?.trim() ?? "";
    expect(apiKey.length).toBeGreaterThan(20);
    await page.keyboard.press("Escape");
    const service = createTRPCClient<AppRouter>({
      links: [
        httpLink({
          url: at("/trpc"),
          transformer: superjson,
          headers: { authorization: `Bearer ${apiKey}` },
        }),
      ],
    });
    const oldest = await service.sessions.listActive.query({ filter: { email: seeded.oldestEmail } });
    expect(oldest.items).toHaveLength(1);
    await service.sessions.revoke.mutate({ id: oldest.items[0]!.id, reason: "retired laptop" });

    // Names come with the events: no per-user lookups.
    const lookups: string[] = [];
    page.on("request", (request) => {
      if (request.url().includes("users.get")) lookups.push(request.url());
    });
    await page.goto(at("/audit?action=session.revoked"));
    const events = page.locator("tbody tr[data-row-id]");
    const byKey = events.filter({ hasText: "retired laptop" });
    await byKey.waitFor();
    expect(await byKey.textContent()).toContain("billing-service");
    const byAdmin = events.filter({ hasText: "lost phone" });
    expect(await byAdmin.getByRole("link", { name: ADMIN.email }).count()).toBe(1);
    await page.goto(at("/audit?action=user.sessions_revoked"));
    const userEvent = page.locator("tbody tr[data-row-id]").first();
    await userEvent.waitFor();
    expect(await userEvent.getByRole("link", { name: ADMIN.email }).count()).toBe(1);
    expect(await userEvent.getByRole("link", { name: "bob@acme.test" }).count()).toBe(1);
    await page.goto(at("/audit"));
    await events.first().waitFor();
    await page.screenshot({ path: join(shots, "audit.png"), fullPage: false });
    expect(lookups).toEqual([]);
  });

  it("cleans up sessions past their retention from the overview, after a confirmation", async () => {
    await page.goto(at("/"));
    const card = page.getByTestId("cleanup-card");
    await expect
      .poll(() => card.getByTestId("cleanup-due").textContent())
      .toBe("1 session is due for deletion.");
    expect(await card.textContent()).toContain("more than 30d ago");
    // A viewer sees the count, not the button.
    await viewerPage.goto(at("/"));
    await viewerPage.getByTestId("cleanup-due").waitFor();
    expect(await viewerPage.getByRole("button", { name: "Clean up now" }).count()).toBe(0);

    await card.getByRole("button", { name: "Clean up now" }).click();
    const dialog = page.getByTestId("cleanup-dialog");
    expect(await dialog.textContent()).toContain("permanently deletes 1 session");
    await dialog.getByRole("button", { name: "Delete" }).click();
    await dialog.waitFor({ state: "detached" });
    await expect
      .poll(() => card.getByTestId("cleanup-due").textContent())
      .toBe("0 sessions are due for deletion.");
    expect(await card.getByRole("button", { name: "Clean up now" }).isDisabled()).toBe(true);
    await page.goto(at("/sessions?status=expired"));
    await waitForRows(page, 1);
    await page.goto(at("/audit"));
    await expect.poll(() => page.locator("tbody").textContent()).toContain("Old sessions pruned");
  });

  it("signs out from the header", async () => {
    await page.getByRole("button", { name: /^Account:/ }).click();
    await page.getByRole("menuitem", { name: "Sign out" }).click();
    await page.waitForURL(/\/login/);
    await page.goto(at("/sessions"));
    await page.waitForURL(/\/login/);
  });
});
