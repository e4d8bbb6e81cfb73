// The webhooks screen (issue 14) in a real browser against a real API and dispatcher: an admin adds
// an endpoint (behind the recent-sign-in prompt) and sees its secret once, sends a test event and
// watches it arrive at a receiver on this machine and in the delivery log, redelivers it, turns the
// endpoint off and on, edits its events; an endpoint whose receiver keeps failing is turned off by
// the dispatcher and the screen's banner offers to turn it back on; a viewer sees it all read-only.
//
// The API runs with WEBHOOK_ALLOW_HTTP and WEBHOOK_ALLOW_PRIVATE (the receiver is http on loopback),
// one retry an hour away (so nothing is retried behind the test's back), WEBHOOK_DISABLE_AFTER=1s
// (two failures a second apart turn an endpoint off) and a 3-second CONSOLE_REAUTH_WINDOW.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findChromium, startSeededConsole, type SeededConsole } from "./harness";
import { VIEWER } from "./seed";

const ADMIN = { email: "admin@acme.test", password: "admin-password-123" };
const REAUTH_WINDOW_MS = 3_000;
const chromiumFound = findChromium();

interface Received {
  path: string;
  webhookId: string;
  signature: string;
  body: string;
}

/** A receiver on loopback: /ok answers 204, /down 503; every request is kept. */
async function startReceiver(): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      received.push({
        path: req.url ?? "",
        webhookId: String(req.headers["webhook-id"] ?? ""),
        signature: String(req.headers["webhook-signature"] ?? ""),
        body,
      });
      res.statusCode = req.url?.startsWith("/down") ? 503 : 204;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, received, server };
}

// console.e2e.test.ts reports a missing browser in CI; this file only skips.
describe.runIf(chromiumFound.ok)("webhooks e2e", () => {
  let world: SeededConsole;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let page: Page;
  let passwordAt = 0;
  const at = (path: string) => `${world.api.url}${path}`;
  const okUrl = () => `${receiver.url}/ok`;
  const downUrl = () => `${receiver.url}/down`;
  const deliveryRows = (p: Page) =>
    p.getByRole("table", { name: "Deliveries to this endpoint" }).locator("tbody tr[data-row-id]");

  async function signIn(p: Page, who: { email: string; password: string }) {
    await p.goto(at("/login"));
    await p.getByLabel("Email").fill(who.email);
    await p.getByLabel("Password").fill(who.password);
    await p.getByRole("button", { name: "Sign in" }).click();
    await p.getByRole("heading", { name: "Overview" }).waitFor();
  }

  /** Lets the last password check fall out of the window, so the next create asks for it. */
  async function outlastReauthWindow() {
    const wait = passwordAt + REAUTH_WINDOW_MS + 500 - Date.now();
    if (wait > 0) await page.waitForTimeout(wait);
  }

  async function confirmPassword() {
    const prompt = page.getByTestId("reauth-dialog");
    await prompt.waitFor();
    await prompt.getByLabel("Password").fill(ADMIN.password);
    await prompt.getByRole("button", { name: "Confirm and continue" }).click();
    await prompt.waitFor({ state: "detached" });
    passwordAt = Date.now();
  }

  /** Adds an endpoint through the dialog (password prompt included) and returns its secret. */
  async function addEndpoint(url: string, events: string[]) {
    await page.goto(at("/webhooks"));
    await page.getByRole("button", { name: "Add endpoint" }).first().click();
    const dialog = page.getByTestId("create-webhook-dialog");
    await dialog.getByLabel("Endpoint URL").fill(url);
    for (const event of events)
      await dialog.getByRole("checkbox", { name: new RegExp(`^${event.replace(".", "\\.")}`) }).click();
    await outlastReauthWindow();
    await dialog.getByRole("button", { name: "Add endpoint" }).click();
    await confirmPassword();
    await dialog.getByText("Copy the signing secret").waitFor();
    const secret = (await dialog.getByTestId("new-webhook-secret").textContent()) ?? "";
    await dialog.getByRole("button", { name: "Done" }).click();
    await dialog.waitFor({ state: "detached" });
    return secret;
  }

  async function openEndpoint(url: string) {
    await page.goto(at("/webhooks"));
    await page.getByRole("link", { name: url, exact: true }).click();
    await page.getByRole("heading", { name: url }).waitFor();
  }

  async function sendTest() {
    await page.getByRole("button", { name: "Send test event" }).click();
    await page.getByText("Test event queued").first().waitFor();
  }

  beforeAll(async () => {
    if (!chromiumFound.ok) return;
    receiver = await startReceiver();
    world = await startSeededConsole({
      name: "webhooks",
      chromium: chromiumFound.path,
      admin: ADMIN,
      env: {
        WEBHOOK_ALLOW_HTTP: "true",
        WEBHOOK_ALLOW_PRIVATE: "true",
        WEBHOOK_RETRY_SCHEDULE: "1h",
        WEBHOOK_DISABLE_AFTER: "1s",
        CONSOLE_REAUTH_WINDOW: `${REAUTH_WINDOW_MS}ms`,
      },
    });
    page = await (await world.browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    await signIn(page, ADMIN);
    passwordAt = Date.now();
  });

  afterAll(async () => {
    await world?.stop();
    await new Promise((resolve) => receiver?.server.close(resolve));
  });

  it("checks the form, shows the API's refusal next to the URL, and shows the secret once", async () => {
    await page.goto(at("/webhooks"));
    await page.getByText("No webhook endpoints yet").waitFor();
    await page.getByRole("button", { name: "Add endpoint" }).first().click();
    const dialog = page.getByTestId("create-webhook-dialog");
    await dialog.getByLabel("Endpoint URL").fill("hooks.example.com");
    await dialog.getByRole("button", { name: "Add endpoint" }).click();
    await dialog.getByText(/Enter an absolute URL/).waitFor();
    // The API's own check (credentials in the URL), placed beside the field it is about. The API
    // asks for the password first (the sign-in is no longer recent), then judges the same request.
    await dialog.getByLabel("Endpoint URL").fill(`http://user:pw@127.0.0.1:${new URL(receiver.url).port}/ok`);
    await outlastReauthWindow();
    await dialog.getByRole("button", { name: "Add endpoint" }).click();
    await confirmPassword();
    await dialog.getByText("Must not carry a user name or password").waitFor();
    expect(await dialog.getByLabel("Endpoint URL").getAttribute("aria-invalid")).toBe("true");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });

    const secret = await addEndpoint(okUrl(), ["session.created"]);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
    const row = page.locator("tbody tr[data-row-id]", { hasText: okUrl() });
    await row.waitFor();
    expect(await row.textContent()).toContain("session.created");
    expect(await row.textContent()).toContain("session.ended");
    expect(await row.textContent()).toContain("Active");
    // Shown once: the dialog opens on an empty form again, and the page never carries the secret.
    await page.getByRole("button", { name: "Add endpoint" }).first().click();
    await page.getByTestId("create-webhook-dialog").getByLabel("Endpoint URL").waitFor();
    expect(await page.getByTestId("new-webhook-secret").count()).toBe(0);
    await page.keyboard.press("Escape");
    expect(await page.content()).not.toContain(secret);
  });

  it("sends a test event, shows it delivered in the log, and redelivers it with the same webhook-id", async () => {
    await openEndpoint(okUrl());
    await page.getByText("No deliveries yet").waitFor();
    await sendTest();
    const row = deliveryRows(page).filter({ hasText: "webhook.test" }).first();
    await expect.poll(() => row.textContent(), { timeout: 15_000 }).toContain("Delivered");
    expect(await row.textContent()).toContain("204");
    const webhookId = (await row.getAttribute("data-row-id")) ?? "";
    expect(webhookId).toMatch(/^[0-9a-f-]{36}\.[0-9a-f-]{36}$/);
    const first = receiver.received.find((r) => r.webhookId === webhookId);
    expect(first?.path).toBe("/ok");
    expect(first?.signature).toMatch(/^v1,/);
    expect(JSON.parse(first?.body ?? "{}")).toMatchObject({ type: "webhook.test" });

    await row.getByRole("button", { name: /^View payload/ }).click();
    await page.getByTestId("payload-dialog").getByText('"type": "webhook.test"').waitFor();
    await page.keyboard.press("Escape");

    await row.getByRole("button", { name: /^Redeliver/ }).click();
    await page.getByText("Delivery queued again").first().waitFor();
    await expect
      .poll(() => receiver.received.filter((r) => r.webhookId === webhookId).length, { timeout: 15_000 })
      .toBe(2);
    // Still one row: a redelivery is the same delivery, sent again.
    await expect.poll(() => row.textContent(), { timeout: 15_000 }).toContain("Delivered");
    expect(await deliveryRows(page).filter({ hasText: "webhook.test" }).count()).toBe(1);
  });

  it(
    "turns the endpoint off (no events are sent, test events still are) and on again, and edits its events",
    { timeout: 120_000 },
    async () => {
      await openEndpoint(okUrl());
      const enabled = page.getByRole("switch", { name: "Enabled" });
      await enabled.click();
      await page.getByText("Endpoint turned off").first().waitFor();
      await expect.poll(() => enabled.getAttribute("aria-checked"), { timeout: 15_000 }).toBe("false");
      await page
        .getByRole("main")
        .getByText("Turned off by an admin; it gets no events but test ones.")
        .first()
        .waitFor();

      // A sign-in is a session.created, which this endpoint subscribes to: while off, nothing is queued.
      const sessionCreated = () =>
        receiver.received.filter((r) => r.body.includes('"session.created"')).length;
      const other = await world.browser.newContext();
      await signIn(await other.newPage(), VIEWER);
      await page.waitForTimeout(2_000);
      expect(sessionCreated()).toBe(0);
      expect(await deliveryRows(page).filter({ hasText: "session.created" }).count()).toBe(0);
      // A test event is sent even so: checking the receiver comes before turning it back on.
      await sendTest();
      await expect
        .poll(() => deliveryRows(page).filter({ hasText: "webhook.test" }).count(), { timeout: 15_000 })
        .toBe(2);
      await expect
        .poll(() => deliveryRows(page).first().textContent(), { timeout: 15_000 })
        .toContain("Delivered");

      await enabled.click();
      await page.getByText("Endpoint turned on").first().waitFor();
      await other.close();
      // A second sign-in, from a browser of its own (the first is signed in already).
      const again = await world.browser.newContext();
      await signIn(await again.newPage(), VIEWER);
      await again.close();
      await expect.poll(sessionCreated, { timeout: 15_000 }).toBe(1);
      const created = deliveryRows(page).filter({ hasText: "session.created" });
      await expect.poll(() => created.first().textContent(), { timeout: 15_000 }).toContain("Delivered");

      await page.getByRole("button", { name: "Edit" }).click();
      const edit = page.getByTestId("edit-webhook-dialog");
      await edit.getByRole("checkbox", { name: /^user\.disabled/ }).click();
      await edit.getByLabel(/Description/).fill("Billing seats");
      await edit.getByRole("button", { name: "Save changes" }).click();
      await edit.waitFor({ state: "detached" });
      await page.getByRole("main").getByText("Billing seats").waitFor();
      await page.getByRole("main").getByText("user.disabled", { exact: true }).waitFor();
    },
  );

  it(
    "banners an endpoint the dispatcher turned off, and turns it back on from the banner",
    { timeout: 120_000 },
    async () => {
      await addEndpoint(downUrl(), []);
      await openEndpoint(downUrl());
      await sendTest();
      const row = deliveryRows(page).first();
      await expect.poll(() => row.textContent(), { timeout: 15_000 }).toContain("Retrying");
      expect(await row.textContent()).toContain("503");
      await page
        .getByRole("main")
        .getByText(/On, but its latest deliveries failed/)
        .first()
        .waitFor();
      // A second failure, past WEBHOOK_DISABLE_AFTER (1 s) of failing: the dispatcher turns it off.
      await page.waitForTimeout(1_200);
      await sendTest();
      await page.getByTestId("turned-off-note").waitFor({ timeout: 20_000 });

      await page.goto(at("/webhooks"));
      const banner = page.getByTestId("turned-off-banner");
      await banner.getByRole("heading", { name: /turned off because its deliveries kept failing/ }).waitFor();
      expect(await banner.textContent()).toContain(downUrl());
      expect(await banner.textContent()).not.toContain(okUrl());
      await banner.getByRole("button", { name: `Turn back on ${downUrl()}` }).click();
      await page.getByText("Endpoint turned on").first().waitFor();
      await banner.waitFor({ state: "detached" });
      // The dispatcher's turning off is in the audit log, linked to the endpoint.
      await page.goto(at("/audit?action=webhook.disabled"));
      await page
        .locator("tbody tr[data-row-id]")
        .first()
        .getByRole("link", { name: /Webhook/ })
        .click();
      await page.getByRole("heading", { name: downUrl() }).waitFor();
    },
  );

  it("shows a viewer the endpoints and their logs with no way to change them", async () => {
    const viewer = await (
      await world.browser.newContext({ viewport: { width: 1400, height: 900 } })
    ).newPage();
    await signIn(viewer, VIEWER);
    await viewer.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Webhooks" }).click();
    await viewer.getByRole("link", { name: okUrl(), exact: true }).waitFor();
    expect(await viewer.getByRole("button", { name: "Add endpoint" }).count()).toBe(0);
    expect(await viewer.getByRole("switch").count()).toBe(0);
    expect(await viewer.getByRole("button", { name: /^Actions for/ }).count()).toBe(0);
    await viewer.getByRole("link", { name: okUrl(), exact: true }).click();
    await viewer.getByRole("heading", { name: okUrl() }).waitFor();
    await expect.poll(() => deliveryRows(viewer).count(), { timeout: 15_000 }).toBeGreaterThan(1);
    expect(
      await viewer
        .getByRole("button", { name: /Send test event|Edit|Delete|Redeliver|Turn back on/ })
        .count(),
    ).toBe(0);
    expect(await viewer.getByRole("switch").count()).toBe(0);
    await viewer.context().close();
  });

  it("deletes endpoints after confirming, from the list and from the endpoint's page", async () => {
    await page.goto(at("/webhooks"));
    await page.getByRole("button", { name: `Actions for ${downUrl()}` }).click();
    await page.getByRole("menuitem", { name: "Delete" }).click();
    const confirm = page.getByTestId("delete-webhook-dialog");
    await confirm.getByRole("button", { name: "Cancel" }).click();
    await confirm.waitFor({ state: "detached" });
    await page.getByRole("link", { name: downUrl(), exact: true }).waitFor();
    await page.getByRole("button", { name: `Actions for ${downUrl()}` }).click();
    await page.getByRole("menuitem", { name: "Delete" }).click();
    await confirm.getByRole("button", { name: "Delete endpoint" }).click();
    await page.getByText("Endpoint deleted").first().waitFor();
    await expect
      .poll(() => page.getByRole("link", { name: downUrl(), exact: true }).count(), { timeout: 15_000 })
      .toBe(0);

    await openEndpoint(okUrl());
    const id = new URL(page.url()).pathname.split("/").pop() ?? "";
    await page.getByRole("button", { name: "Delete" }).click();
    await confirm.getByRole("button", { name: "Delete endpoint" }).click();
    await page.waitForURL(/\/webhooks$/);
    await page.getByText("No webhook endpoints yet").waitFor();
    // Its page, from an old link (the audit log's), says it is gone.
    await page.goto(at(`/webhooks/${id}`));
    await page.getByText("Endpoint not found").waitFor();
  });
});
