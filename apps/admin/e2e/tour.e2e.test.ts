import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Page } from "playwright-core";
import { it } from "vitest";
import { CHROMIUM_ARGS, ensureResultsDir, findChromium, startApi } from "./harness";
import { seed } from "./seed";

// Opt-in (E2E_TOUR=1): screenshots of every screen in light and dark, for looking at the design.
const chromiumFound = findChromium();
it.runIf(Boolean(process.env.E2E_TOUR) && chromiumFound.ok)(
  "tours every screen in light and dark",
  async () => {
    if (!chromiumFound.ok) return;
    const out = join(ensureResultsDir(), "tour");
    const dir = mkdtempSync(join(tmpdir(), "sessions-tour-"));
    const databaseUrl = `file:${join(dir, "db.sqlite")}`;
    await seed(databaseUrl);
    const api = await startApi({
      databaseUrl,
      adminEmail: "admin@acme.test",
      adminPassword: "admin-password-123",
    });
    const browser = await chromium.launch({ executablePath: chromiumFound.path, args: CHROMIUM_ARGS });
    try {
      for (const scheme of ["light", "dark"] as const) {
        const page: Page = await (
          await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: scheme })
        ).newPage();
        const shot = async (name: string, full = false) => {
          await page.waitForTimeout(700);
          await page.screenshot({ path: join(out, `${scheme}-${name}.png`), fullPage: full });
        };
        await page.goto(`${api.url}/login`);
        await shot("login");
        await page.getByLabel("Email").fill("admin@acme.test");
        await page.getByLabel("Password").fill("admin-password-123");
        await page.getByRole("button", { name: "Sign in" }).click();
        await page.getByRole("heading", { name: "Overview" }).waitFor();
        // Hover a day so the shot shows the chart's tooltip and guide line in this scheme.
        const chart = page.locator('[data-chart="sessions-per-day"]');
        await chart.locator("canvas").first().waitFor();
        const box = await chart.boundingBox();
        if (box) await page.mouse.move(box.x + box.width * 0.4, box.y + box.height * 0.5);
        await shot("dashboard");
        await page.mouse.move(0, 0);
        await page.goto(`${api.url}/sessions?q=alice`);
        await page.locator("tbody tr[data-row-id]").first().click();
        await shot("drawer");
        await page.goto(`${api.url}/users`);
        await shot("users");
        await page.goto(`${api.url}/users?q=alice`);
        await page.getByRole("link", { name: "alice@acme.test" }).click();
        await shot("user");
        await page.goto(`${api.url}/audit`);
        await shot("audit");
        await page.goto(`${api.url}/keys`);
        await shot("keys-empty");
        await page.getByRole("button", { name: "Create key" }).first().click();
        await shot("keys-create");
        await page.getByLabel("Name").fill("billing-service");
        await page.getByRole("button", { name: "Create key" }).last().click();
        await shot("keys-created");
        await page.keyboard.press("Escape");
        await shot("keys-list");
        await page.goto(`${api.url}/sessions?q=nobody`);
        await shot("sessions-empty");
      }
      const phone = await (
        await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: "dark" })
      ).newPage();
      await phone.goto(`${api.url}/login`);
      await phone.getByLabel("Email").fill("admin@acme.test");
      await phone.getByLabel("Password").fill("admin-password-123");
      await phone.getByRole("button", { name: "Sign in" }).click();
      await phone.getByRole("heading", { name: "Overview" }).waitFor();
      await phone.waitForTimeout(700);
      await phone.screenshot({ path: join(out, "dark-phone-dashboard.png"), fullPage: true });
    } finally {
      await browser.close();
      await api.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
  180_000,
);
