// Accessibility of every screen and dialog (issue 17), checked by axe-core (the standard engine,
// @axe-core/playwright) in Chromium against the production build: light and dark, and at phone
// width. Serious and critical violations fail the run; every finding, and a screenshot of each
// screen as it was checked, is kept in test-results/a11y/ for whoever reads the failure.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import AxeBuilder from "@axe-core/playwright";
import type { Browser, BrowserContextOptions, Locator, Page } from "playwright-core";
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

interface Finding {
  screen: string;
  rule: string;
  impact: string;
  help: string;
  targets: string[];
  /** The first node's HTML and axe's explanation: enough to find and fix it. */
  html: string;
  summary: string;
}

const VIEWS = [
  { name: "light", viewport: { width: 1280, height: 800 }, colorScheme: "light" },
  { name: "dark", viewport: { width: 1280, height: 800 }, colorScheme: "dark" },
] as const;

/** Phone width, light and dark: every screen (the dialogs are the desktop walk's; their layout is
 *  the same sheet), and the session drawer, which a phone opens from its list. */
const PHONE_VIEWS = [
  { name: "phone-light", viewport: { width: 390, height: 844 }, colorScheme: "light" },
  { name: "phone-dark", viewport: { width: 390, height: 844 }, colorScheme: "dark" },
] as const;

/** Screenshot `page` into `file` and add axe-core's findings on it (or on `within` alone) to `findings`. */
async function checkScreen(
  page: Page,
  file: string,
  findings: Finding[],
  screen: string,
  within?: string,
): Promise<void> {
  // Animations settled (dialogs fade in): axe reads colours as drawn.
  await page.waitForTimeout(400);
  // A dialog or popover is in the viewport: a full-page shot would resize the viewport under it,
  // which closes a popover.
  await page.screenshot({ path: file, fullPage: !within });
  const builder = new AxeBuilder({ page });
  if (within) builder.include(within);
  const result = await builder
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"])
    .analyze();
  for (const v of result.violations)
    findings.push({
      screen,
      rule: v.id,
      impact: v.impact ?? "unknown",
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(" ")),
      html: v.nodes[0]?.html ?? "",
      summary: v.nodes[0]?.failureSummary ?? "",
    });
}

/** Opens the date-range picker labelled `label` (inside `within`), has axe check it alone, closes it. */
async function checkCalendar(
  page: Page,
  scope: Page | Locator,
  label: string,
  check: (within: string) => Promise<void>,
): Promise<void> {
  await scope.getByRole("button", { name: new RegExp(`^${label}`) }).click();
  await page
    .getByRole("dialog", { name: `${label}: pick a range of days` })
    .getByRole("grid")
    .first()
    .waitFor();
  await check("[data-radix-popper-content-wrapper]");
  await page.keyboard.press("Escape");
}

// console.e2e.test.ts fails CI when no browser is found; here the suite only runs with one.
describe.runIf(chromiumFound.ok)("console accessibility (axe-core)", () => {
  let world: SeededConsole | undefined;
  let api: RunningApi;
  let browser: Browser | undefined;
  let out: string;
  const at = (path: string) => `${api.url}${path}`;

  beforeAll(async () => {
    if (!chromiumFound.ok) return;
    out = join(ensureResultsDir(), "a11y");
    mkdirSync(out, { recursive: true });
    world = await startSeededConsole({ name: "a11y", chromium: chromiumFound.path, admin: ADMIN });
    api = world.api;
    browser = world.browser;
  });

  afterAll(async () => {
    await world?.stop();
  });

  /**
   * One walk in a fresh browser context: `steps` visits screens and calls `check` on each; every
   * finding is written to test-results/a11y/<view>.json, and any serious or critical one fails.
   * A dialog is checked alone (`within`): the page behind it is inert and covered by the overlay,
   * so axe would only measure its colours through the scrim.
   */
  async function walk(
    view: string,
    options: BrowserContextOptions,
    steps: (page: Page, check: (screen: string, within?: string) => Promise<void>) => Promise<void>,
  ): Promise<void> {
    const context = await browser!.newContext(options);
    const page = await context.newPage();
    const findings: Finding[] = [];
    try {
      await steps(page, (screen, within) =>
        checkScreen(page, join(out, `${view}-${screen}.png`), findings, screen, within),
      );
    } finally {
      writeFileSync(join(out, `${view}.json`), `${JSON.stringify(findings, null, 2)}\n`);
      await context.close();
    }
    const blocking = findings.filter((f) => f.impact === "serious" || f.impact === "critical");
    const summary = findings.map(
      (f) =>
        `${f.impact} ${f.rule} on ${f.screen} (${f.targets.length}): ${f.targets.slice(0, 3).join(" | ")}`,
    );
    console.info(`axe-core, ${view}: ${findings.length} violations\n${summary.join("\n")}`);
    expect(blocking, summary.join("\n")).toEqual([]);
  }

  for (const view of VIEWS) {
    it(
      `has no serious or critical violations on any screen or dialog (${view.name})`,
      { timeout: 120_000 },
      () =>
        walk(view.name, { viewport: view.viewport, colorScheme: view.colorScheme }, async (page, check) => {
          await page.goto(at("/login"));
          await page.getByRole("button", { name: "Sign in" }).waitFor();
          await check("sign-in");
          await page.getByLabel("Email").fill(ADMIN.email);
          await page.getByLabel("Password").fill(ADMIN.password);
          await page.getByRole("button", { name: "Sign in" }).click();
          await page.getByRole("heading", { name: "Overview" }).waitFor();
          await page.locator('[data-chart="sessions-per-day"] canvas').first().waitFor({ timeout: 15_000 });
          await check("overview");
          // Two destinations, two names: the logo goes home, the navigation item to the sessions.
          expect(await page.getByRole("link", { name: "Sessions", exact: true }).count()).toBe(1);
          await expect(page.getByRole("link", { name: "Sessions home" }).getAttribute("href")).resolves.toBe(
            "/",
          );

          await page.goto(at("/sessions?status=all"));
          await page.locator("[data-row-id]:visible").first().waitFor();
          await check("sessions");
          await checkCalendar(page, page, "Created", (within) => check("sessions-date-range-picker", within));
          await page.getByTestId("column-picker").click();
          await page.getByRole("menuitemcheckbox", { name: "Device" }).waitFor();
          await check("sessions-column-picker", '[role="menu"]');
          await page.keyboard.press("Escape");
          await page.goto(at("/sessions?q=alice"));
          await page.locator("[data-row-id]:visible").first().waitFor();
          await page
            .locator("tbody tr[data-row-id]")
            .first()
            .getByRole("button", { name: /^Revoke session/ })
            .click();
          await page.getByTestId("revoke-session-dialog").waitFor();
          await check("revoke-session-dialog", '[data-testid="revoke-session-dialog"]');
          await page.keyboard.press("Escape");
          await page.getByTestId("revoke-session-dialog").waitFor({ state: "detached" });
          await page.locator("[data-row-id]:visible").first().click();
          await page.getByTestId("session-drawer").getByText("Session ID").waitFor();
          await check("session-drawer", '[data-testid="session-drawer"]');
          await page.keyboard.press("Escape");
          await page.goto(at("/sessions?q=fleet.test"));
          await page.locator("[data-row-id]:visible").first().waitFor();
          await page.getByRole("button", { name: "Revoke matching…" }).click();
          // The finished dry run (its exact count), not whatever it shows while counting.
          await page.getByTestId("bulk-revoke-dialog").getByTestId("dry-run-count").waitFor();
          await check("bulk-revoke-dialog", '[data-testid="bulk-revoke-dialog"]');
          await page.keyboard.press("Escape");

          await page.goto(at("/users?q=bob"));
          await page.getByRole("link", { name: "bob@acme.test" }).waitFor();
          await check("users");
          await page.getByRole("link", { name: "bob@acme.test" }).click();
          await page.getByRole("heading", { name: "bob@acme.test" }).waitFor();
          await check("user");
          await page.getByRole("button", { name: "Revoke all sessions" }).click();
          await page.getByTestId("revoke-user-dialog").waitFor();
          await check("revoke-user-dialog", '[data-testid="revoke-user-dialog"]');
          await page.keyboard.press("Escape");

          // The users list filtered by role and sorted by email (both kept in the URL).
          await page.goto(at("/users?role=admin&sort=email"));
          await page.getByRole("link", { name: ADMIN.email }).waitFor();
          expect(await page.getByLabel("Order").inputValue()).toBe("email");
          await check("users-admins-by-email");

          await page.goto(at("/audit"));
          await page.locator("tbody tr").first().waitFor();
          await check("audit");
          // An event's details: a row expands in place (keyboard: Enter on the focused row).
          await page.locator("tbody tr[data-row-id]").first().focus();
          await page.keyboard.press("Enter");
          await page.getByTestId("audit-event-details").getByText("When").waitFor();
          await check("audit-expanded");
          // The time range's calendar.
          await checkCalendar(page, page, "When", (within) => check("audit-date-range-picker", within));
          // A time range that holds nothing: tomorrow onwards.
          const tomorrow = new Date(Date.now() + 86_400_000);
          const day = `${tomorrow.getFullYear()}-${String(tomorrow.getMonth() + 1).padStart(2, "0")}-${String(tomorrow.getDate()).padStart(2, "0")}`;
          await page.goto(at(`/audit?from=${day}`));
          await page.getByText("No events match").waitFor();
          expect(await page.getByRole("button", { name: /^When/ }).textContent()).toMatch(/From /);
          await page.goto(at("/keys"));
          await page
            .getByRole("heading", { name: /API keys/ })
            .first()
            .waitFor();
          await check("keys");

          // Webhooks: the list, the add dialog, the secret shown once, the endpoint's page and its
          // delete confirmation. The URL passes the API's checks and is never called: nothing this
          // walk does is an event the endpoint subscribes to (session.ended), and no test is sent.
          await page.goto(at("/webhooks"));
          await page.getByRole("heading", { name: "Webhooks" }).waitFor();
          await page.locator('table[aria-busy="false"]').waitFor();
          await check("webhooks");
          await page.getByRole("button", { name: "Add endpoint" }).first().click();
          const addDialog = page.getByTestId("create-webhook-dialog");
          await addDialog.getByLabel("Endpoint URL").fill("not a url");
          await addDialog.getByRole("button", { name: "Add endpoint" }).click();
          await addDialog.getByText(/Enter an absolute URL/).waitFor();
          await check("create-webhook-dialog", '[data-testid="create-webhook-dialog"]');
          await addDialog.getByLabel("Endpoint URL").fill(`https://8.8.8.8/hooks/${view.name}`);
          await addDialog.getByRole("button", { name: "Add endpoint" }).click();
          await addDialog.getByTestId("new-webhook-secret").waitFor();
          await check("webhook-secret-dialog", '[data-testid="create-webhook-dialog"]');
          await addDialog.getByRole("button", { name: "Done" }).click();
          await addDialog.waitFor({ state: "detached" });
          await page.getByRole("link", { name: `https://8.8.8.8/hooks/${view.name}` }).click();
          await page.getByRole("heading", { name: `https://8.8.8.8/hooks/${view.name}` }).waitFor();
          await page.getByText("No deliveries yet").waitFor();
          await check("webhook");
          await page.getByRole("button", { name: "Delete" }).click();
          await page.getByTestId("delete-webhook-dialog").waitFor();
          await check("delete-webhook-dialog", '[data-testid="delete-webhook-dialog"]');
          await page.keyboard.press("Escape");
        }),
    );
  }

  for (const view of PHONE_VIEWS) {
    it(`has no serious or critical violations at phone width (${view.name})`, { timeout: 120_000 }, () =>
      walk(
        view.name,
        { viewport: view.viewport, colorScheme: view.colorScheme, isMobile: true, hasTouch: true },
        async (page, check) => {
          await page.goto(at("/login"));
          await page.getByRole("button", { name: "Sign in" }).waitFor();
          await check("sign-in");
          await page.getByLabel("Email").fill(ADMIN.email);
          await page.getByLabel("Password").fill(ADMIN.password);
          await page.getByRole("button", { name: "Sign in" }).click();
          await page.getByRole("heading", { name: "Overview" }).waitFor();
          await check("overview");
          await page.goto(at("/sessions?status=all"));
          await page.locator("[data-row-id]:visible").first().waitFor();
          await check("sessions");
          await page.getByTestId("filters-sheet-button").click();
          await page.getByTestId("filters-sheet").getByLabel("Browser").waitFor();
          await check("sessions-filters-sheet", '[data-testid="filters-sheet"]');
          await checkCalendar(page, page.getByTestId("filters-sheet"), "Created", (within) =>
            check("sessions-date-range-picker", within),
          );
          await page.keyboard.press("Escape"); // the sheet
          await page.getByTestId("filters-sheet").waitFor({ state: "detached" });
          await page.locator("[data-row-id]:visible").first().click();
          await page.getByTestId("session-drawer").getByText("Session ID").waitFor();
          await check("session-drawer", '[data-testid="session-drawer"]');
          await page.keyboard.press("Escape");
          for (const [screen, path, ready] of [
            ["users", "/users", "link"],
            ["audit", "/audit", "row"],
            ["keys", "/keys", "heading"],
            ["webhooks", "/webhooks", "heading"],
          ] as const) {
            await page.goto(at(path));
            if (ready === "row") await page.locator("[data-row-id]:visible").first().waitFor();
            else if (ready === "link") await page.getByRole("link", { name: ADMIN.email }).first().waitFor();
            else await page.getByRole("heading").first().waitFor();
            await page.waitForLoadState("networkidle");
            await check(screen);
          }
        },
      ),
    );
  }
});
