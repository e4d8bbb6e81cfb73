// The screens admins asked for (issue 17), driven as a person would in Chromium against the
// production build: the date-range picker, the sessions column picker, the filters sheet on a
// phone, and the audit log's expandable rows.
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ensureResultsDir,
  findChromium,
  signIn,
  startSeededConsole,
  type RunningApi,
  type SeededConsole,
} from "./harness";

const ADMIN = { email: "admin@acme.test", password: "admin-password-123" };
const chromiumFound = findChromium();

/** A local calendar day, `days` before today, as the URL and the calendar's cells name it. */
function dayBefore(days: number): string {
  const d = new Date();
  d.setDate(d.getDate() - days);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}
const midnight = (day: string) => {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return new Date(y, m - 1, d).getTime();
};

describe.runIf(chromiumFound.ok)("console screens", () => {
  let world: SeededConsole | undefined;
  let api: RunningApi;
  let browser: Browser;
  let page: Page;
  let shots: string;
  const at = (path: string) => `${api.url}${path}`;
  const rows = (p: Page) => p.locator("tbody tr[data-row-id]");
  /** When each listed session was created, from the rows' <time> elements. */
  const createdTimes = (p: Page) =>
    rows(p).evaluateAll((trs) =>
      trs.map((tr) => Date.parse(tr.querySelector("time[datetime]")?.getAttribute("datetime") ?? "")),
    );

  beforeAll(async () => {
    if (!chromiumFound.ok) return;
    shots = ensureResultsDir();
    world = await startSeededConsole({ name: "screens", chromium: chromiumFound.path, admin: ADMIN });
    api = world.api;
    browser = world.browser;
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    await signIn(page, api.url, ADMIN);
  });

  afterAll(async () => {
    await world?.stop();
  });

  it("narrows the sessions to a preset range, then to two days picked on the calendar, then clears it", async () => {
    await page.goto(at("/sessions?status=all"));
    await rows(page).first().waitFor();
    const everything = await rows(page).count();

    await page.getByRole("button", { name: /^Created/ }).click();
    const calendar = page.getByRole("dialog", { name: "Created: pick a range of days" });
    await calendar.getByRole("button", { name: "Last 7 days" }).click();
    await page.waitForURL((url) => url.searchParams.get("from") === dayBefore(6));
    expect(new URL(page.url()).searchParams.get("to")).toBe(dayBefore(0));
    await expect.poll(() => page.getByRole("button", { name: /^Created/ }).textContent()).toMatch(/ – /);
    // Every session listed was created in the range; the fleet's (20 days back) are not.
    await expect.poll(async () => (await rows(page).count()) < everything).toBe(true);
    for (const t of await createdTimes(page)) expect(t).toBeGreaterThanOrEqual(midnight(dayBefore(6)));

    // Two clicks on the calendar, the later day first: the range is put the right way round.
    await page.getByRole("button", { name: /^Created/ }).click();
    await calendar.locator(`[data-day="${dayBefore(3)}"] button`).click();
    await calendar.getByText("Now pick the last day").waitFor();
    expect(page.url()).toContain(`from=${dayBefore(6)}`); // nothing applied after one click
    await calendar.locator(`[data-day="${dayBefore(5)}"] button`).click();
    await page.waitForURL((url) => url.searchParams.get("from") === dayBefore(5));
    expect(new URL(page.url()).searchParams.get("to")).toBe(dayBefore(3));
    await calendar.waitFor({ state: "detached" });
    await expect
      .poll(async () =>
        (await createdTimes(page)).every((t) => t >= midnight(dayBefore(5)) && t < midnight(dayBefore(2))),
      )
      .toBe(true);
    // Seeded 3 to 5 days ago: bob's Edge, alice's Firefox and carol's revoked one.
    await expect.poll(() => rows(page).count()).toBe(3);
    // Days after today cannot be picked.
    await page.getByRole("button", { name: /^Created/ }).click();
    const tomorrow = calendar.locator(`[data-day="${dayBefore(-1)}"] button`);
    if (await tomorrow.count()) expect(await tomorrow.isDisabled()).toBe(true);
    await calendar.getByRole("grid").first().waitFor();
    await page.keyboard.press("Escape");
    await calendar.waitFor({ state: "detached" });

    await page.getByRole("button", { name: "Clear the created range" }).click();
    await page.waitForURL((url) => !url.searchParams.has("from") && !url.searchParams.has("to"));
    await expect.poll(() => rows(page).count()).toBe(everything);
  });

  it("hides and shows sessions columns, keeps the choice across a reload, and resets it", async () => {
    await page.goto(at("/sessions"));
    await rows(page).first().waitFor();
    const headers = () => page.locator("thead th:visible").allTextContents();
    expect(await headers()).toContain("Device");

    // At 1280px "Expires" is off by default (it shows from 1536px); chosen, it shows at any width.
    expect((await headers()).some((h) => h.startsWith("Expires"))).toBe(false);
    // The default columns fit beside the sidebar: the table does not scroll sideways.
    const overflow = await page
      .locator("table")
      .first()
      .evaluate((table) => table.parentElement!.scrollWidth - table.parentElement!.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.getByTestId("column-picker").click();
    await page.getByRole("menuitemcheckbox", { name: "Device" }).click();
    await page.getByRole("menuitemcheckbox", { name: "Expires" }).click();
    await page.keyboard.press("Escape");
    await expect.poll(headers).not.toContain("Device");
    expect((await headers()).some((h) => h.startsWith("Expires"))).toBe(true);
    expect(await rows(page).first().locator("td:visible").count()).toBe((await headers()).length);

    await page.reload();
    await rows(page).first().waitFor();
    expect(await headers()).not.toContain("Device");
    expect(await page.evaluate(() => localStorage.getItem("sessions.table.columns"))).toBe(
      JSON.stringify(["session", "createdAt", "lastSeenAt", "expiresAt", "status"]),
    );

    await page.getByTestId("column-picker").click();
    await page.getByRole("menuitem", { name: "Reset to defaults" }).click();
    await expect.poll(headers).toContain("Device");
    expect(await page.evaluate(() => localStorage.getItem("sessions.table.columns"))).toBeNull();
  });

  it("keeps a phone's first screen for results: secondary filters open in a sheet", async () => {
    const phone = await page.context().newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(at("/sessions?status=all"));
    await phone.getByRole("list", { name: "Sessions" }).waitFor();
    expect(await phone.getByLabel("Browser").count()).toBe(0);
    const listTop = await phone.getByRole("list", { name: "Sessions" }).boundingBox();
    // Search, status and the Filters button: the first session starts in the top half.
    expect(listTop!.y).toBeLessThan(844 / 2);

    await phone.getByTestId("filters-sheet-button").click();
    const sheet = phone.getByTestId("filters-sheet");
    await sheet.getByLabel("Browser").selectOption("Firefox");
    await phone.waitForURL(/browser=Firefox/);
    await sheet.getByText("1 set").waitFor();
    await phone.screenshot({ path: join(shots, "filters-sheet-phone.png") });
    await sheet.getByRole("button", { name: "Show results" }).click();
    await sheet.waitFor({ state: "detached" });
    expect(await phone.getByTestId("filters-sheet-button").textContent()).toContain("1");
    // alice's Firefox and carol's revoked one.
    await expect.poll(() => phone.locator('ul[aria-label="Sessions"] > li').count()).toBe(2);

    await phone.getByTestId("filters-sheet-button").click();
    await sheet.getByRole("button", { name: "Clear filters" }).click();
    await phone.waitForURL((url) => !url.searchParams.has("browser"));
    expect(new URL(phone.url()).searchParams.get("status")).toBe("all"); // the status stays
    await phone.close();
  });

  it("narrows ended sessions to how they ended", async () => {
    await page.goto(at("/sessions"));
    await rows(page).first().waitFor();
    // Active sessions have not ended: the choice is offered only where ended ones are listed.
    expect(await page.getByLabel("How it ended").count()).toBe(0);
    await page.getByRole("radio", { name: "Revoked" }).click();
    await page.getByLabel("How it ended").selectOption({ label: "Revoked" });
    await page.waitForURL((url) => url.searchParams.get("ended") === "revoked");
    // The seeded revoke (carol's Firefox, "seeded as revoked").
    await expect.poll(() => rows(page).count()).toBe(1);
    expect(await rows(page).first().textContent()).toContain("carol@acme.test");
    await page.getByLabel("How it ended").selectOption({ label: "Signed out" });
    await page.getByText("No sessions match").waitFor();
    expect(await page.getByTestId("matching-count").textContent()).toMatch(/^0/);
  });

  it("expands audit rows in place to show an event's data, several at once, by mouse or keyboard", async () => {
    await page.goto(at("/audit"));
    await rows(page).nth(1).waitFor();
    const first = rows(page).nth(0);
    const second = rows(page).nth(1);
    const state = (row: typeof first) => row.locator("button[aria-expanded]").getAttribute("aria-expanded");
    expect(await state(first)).toBe("false");
    // The "When" cell: the actor and target cells hold links of their own.
    await first.locator("td").nth(1).click();
    expect(await state(first)).toBe("true");
    expect(await first.getAttribute("aria-label")).toMatch(/details shown$/);
    const details = page.getByTestId("audit-event-details");
    await details.first().waitFor();
    const id = await first.getAttribute("data-row-id");
    expect(await details.first().textContent()).toContain(id);

    await second.focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => details.count()).toBe(2);
    // Arrow keys step from row to row over the open details.
    await first.focus();
    await page.keyboard.press("ArrowDown");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("data-row-id"))).toBe(
      await second.getAttribute("data-row-id"),
    );
    await page.screenshot({ path: join(shots, "audit-expanded.png") });
    await page.keyboard.press("Enter"); // the focused second row closes
    await expect.poll(() => details.count()).toBe(1);
    await first.getByRole("button", { name: "Hide details" }).click();
    await expect.poll(() => details.count()).toBe(0);
    expect(await state(first)).toBe("false");
  });

  it("exports exactly the audit events of the range the table shows", async () => {
    // Days 5 to 3 ago: the seeded sessions of those days and carol's revoke (3 days ago).
    const [from, to] = [dayBefore(5), dayBefore(3)];
    await page.goto(at(`/audit?from=${from}&to=${to}`));
    await rows(page).first().waitFor();
    const shown = await rows(page).evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-row-id")));
    await page.getByRole("button", { name: "Export" }).click();
    const href = await page.getByRole("menuitem", { name: /CSV/ }).getAttribute("href");
    await page.keyboard.press("Escape");
    const url = new URL(href!, api.url);
    expect(new Date(url.searchParams.get("from")!).getTime()).toBe(midnight(from));
    expect(new Date(url.searchParams.get("to")!).getTime()).toBe(midnight(dayBefore(2)));
    const csv = await (await page.request.get(url.toString())).text();
    const ids = csv
      .trim()
      .split("\n")
      .slice(1)
      .map((line) => line.split(",")[0]);
    expect(ids.sort()).toEqual([...shown].sort());
    expect(ids.length).toBeGreaterThanOrEqual(3);
  });

  it("shows an event's data in its expanded row as the JSON it was recorded with", async () => {
    // The seeded revoke recorded how the session ended (data.endReason).
    await page.goto(at("/audit?action=session.revoked"));
    await rows(page).first().locator("td").nth(1).click();
    const pre = page.getByLabel("Event data");
    await pre.waitFor();
    const data = JSON.parse((await pre.textContent()) ?? "") as Record<string, unknown>;
    expect(data.endReason).toBe("revoked");
  });
});
