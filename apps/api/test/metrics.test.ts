// GET /metrics (issue 12, part 3) over real HTTP on SQLite and Postgres: who may scrape it, what the
// counters say after real calls, and that the output passes `promtool check metrics` (Debian's
// prometheus package; .ci/run installs it, so in CI a missing promtool fails rather than skips).
import { spawnSync } from "node:child_process";
import type { StoreKind } from "@sessions/core/testing";
import { describe, expect, it } from "vitest";
import { createAppMetrics, FIGURES_TTL_MS } from "../src/metrics.js";
import type { TestServer } from "../src/testing/index.js";
import { useFreshServers } from "./fresh-servers.js";
import { rpc } from "./http-suite.js";

/** Every sample of an exposition: `name{labels} value` → value, keyed by name and label text. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not an exposition line: ${line}`);
    out.set(`${match[1]}${match[2] ?? ""}`, Number(match[3]));
  }
  return out;
}

const promtool = spawnSync("promtool", ["--version"]).status === 0;

for (const kind of ["sqlite-file", "postgres"] as const satisfies StoreKind[]) {
  describe(`/metrics (${kind})`, () => {
    const servers = useFreshServers(kind);

    async function start() {
      const server = await servers.start();
      const key = async (...scopes: Parameters<TestServer["app"]["service"]["createApiKey"]>[0]["scopes"]) =>
        (await server.app.service.createApiKey({ name: scopes.join("+"), scopes })).key;
      return { s: server, key };
    }

    it("answers only callers allowed metrics:read, with the API's own errors", async () => {
      const { s, key } = await start();
      const anonymous = await fetch(`${s.url}/metrics`);
      expect(anonymous.status).toBe(401);
      expect(await anonymous.json()).toMatchObject({ error: { code: "UNAUTHORIZED" } });

      const sessionsKey = await key("sessions:read", "sessions:issue");
      const wrong = await fetch(`${s.url}/metrics`, { headers: { authorization: `Bearer ${sessionsKey}` } });
      expect(wrong.status).toBe(403);
      expect(await wrong.json()).toMatchObject({
        error: { code: "FORBIDDEN", message: "This API key lacks the metrics:read scope." },
      });
      const forged = await fetch(`${s.url}/metrics`, { headers: { authorization: "Bearer sk_nope" } });
      expect(forged.status).toBe(401);

      const post = await fetch(`${s.url}/metrics`, {
        method: "POST",
        headers: { authorization: `Bearer ${await key("metrics:read")}` },
      });
      expect(post.status).toBe(405);

      const ok = await fetch(`${s.url}/metrics`, {
        headers: { authorization: `Bearer ${await key("metrics:read")}` },
      });
      expect(ok.status).toBe(200);
      expect(ok.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(ok.headers.get("cache-control")).toBe("no-store");
      const text = await ok.text();
      // Counts only: nothing a scrape shows names a user, a session or a key.
      expect(text).not.toContain(s.adminEmail);
      expect(text).not.toContain(sessionsKey);
    });

    it("counts what services did: created, validated by result, ended by reason, timed", async () => {
      const { s, key } = await start();
      const issuer = await key("sessions:issue", "sessions:revoke");
      const scraper = await key("metrics:read");
      const as = { authorization: `Bearer ${issuer}` };
      const user = await s.app.service.createUser({ email: "u@example.com" });
      const other = await s.app.service.createUser({ email: "o@example.com" });
      const tokens: string[] = [];
      const ids: string[] = [];
      for (const userId of [user.id, user.id, other.id]) {
        const res = await rpc(s.url, "sessions.create", { input: { userId }, headers: as });
        expect(res.status).toBe(200);
        const data = res.body.result!.data as { token: string; session: { id: string } };
        tokens.push(data.token);
        ids.push(data.session.id);
      }
      for (const token of [tokens[0], tokens[1], "sess_unknown"]) {
        expect((await rpc(s.url, "sessions.validate", { input: { token }, headers: as })).status).toBe(200);
      }
      expect((await rpc(s.url, "sessions.revoke", { input: { id: ids[2] }, headers: as })).status).toBe(200);
      expect((await rpc(s.url, "sessions.end", { input: { token: tokens[1] }, headers: as })).status).toBe(
        200,
      );
      expect(
        (await rpc(s.url, "sessions.validate", { input: { token: tokens[2] }, headers: as })).status,
      ).toBe(200);

      // A request is counted when its response has closed, which on a loaded machine can come
      // after the client has read it and sent the next: scrape until the last ones are in.
      const scrape = async () =>
        samples(
          await (await fetch(`${s.url}/metrics`, { headers: { authorization: `Bearer ${scraper}` } })).text(),
        );
      const httpCount = (m: Map<string, number>, procedure: string, status: string) =>
        m.get(`http_request_duration_seconds_count{procedure="${procedure}",status="${status}"}`);
      await expect
        .poll(async () => {
          const m = await scrape();
          return [httpCount(m, "sessions.validate", "200"), httpCount(m, "sessions.create", "200")];
        })
        .toEqual([4, 3]);
      const m = await scrape();
      expect(m.get("sessions_active")).toBe(1);
      expect(m.get("sessions_users_active")).toBe(1);
      expect(m.get("sessions_database_up")).toBe(1);
      expect(m.get('sessions_created_total{kind="app"}')).toBe(3);
      expect(m.get('sessions_created_total{kind="console"}')).toBe(0);
      expect(m.get('sessions_validated_total{result="valid"}')).toBe(2);
      expect(m.get('sessions_validated_total{result="unknown"}')).toBe(1);
      expect(m.get('sessions_validated_total{result="revoked"}')).toBe(1);
      expect(m.get('sessions_validated_total{result="expired"}')).toBe(0);
      expect(m.get('sessions_ended_total{reason="revoked"}')).toBe(1);
      expect(m.get('sessions_ended_total{reason="logout"}')).toBe(1);
      expect(m.get("sessions_validate_duration_seconds_count")).toBe(4);
      expect(m.get('sessions_validate_duration_seconds_bucket{le="+Inf"}')).toBe(4);
      expect(m.get('http_request_duration_seconds_count{procedure="sessions.validate",status="200"}')).toBe(
        4,
      );
      expect(m.get('http_request_duration_seconds_count{procedure="sessions.create",status="200"}')).toBe(3);
      expect(m.get("sessions_events_subscribers")).toBe(0);
      // prom-client's process and event-loop defaults.
      expect(m.has("process_cpu_user_seconds_total")).toBe(true);
      expect(m.has("nodejs_eventloop_lag_p99_seconds")).toBe(true);

      // Refusals and unknown paths are counted under fixed labels, never the raw path.
      await fetch(`${s.url}/trpc/no.such.procedure`);
      await fetch(`${s.url}/some/random/path`);
      await expect
        .poll(async () => {
          const m = await scrape();
          return [httpCount(m, "unknown", "404"), httpCount(m, "not_found", "404")];
        })
        .toEqual([1, 1]);
      const again = await scrape();
      expect([...again.keys()].some((k) => k.includes("random"))).toBe(false);
    });

    it.runIf(promtool || process.env.CI)("passes promtool check metrics", async () => {
      const { s, key } = await start();
      const scraper = await key("metrics:read");
      await rpc(s.url, "sessions.validate", {
        input: { token: "sess_x" },
        headers: { authorization: `Bearer ${await key("sessions:issue")}` },
      });
      const text = await (
        await fetch(`${s.url}/metrics`, { headers: { authorization: `Bearer ${scraper}` } })
      ).text();
      const check = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
      expect(check.error).toBeUndefined();
      expect({ status: check.status, out: check.stdout + check.stderr }).toEqual({ status: 0, out: "" });
    });
  });
}

describe("metrics figures", () => {
  it("keep their last value and say so when the database cannot be read", async () => {
    let fail = false;
    let now = 0;
    const metrics = createAppMetrics({
      defaults: false,
      now: () => now,
      figures: () =>
        fail ? Promise.reject(new Error("database down")) : Promise.resolve({ active: 7, users: 3 }),
      subscribers: () => 2,
    });
    const first = samples((await metrics.render()).text);
    expect([first.get("sessions_active"), first.get("sessions_database_up")]).toEqual([7, 1]);
    fail = true;
    now += FIGURES_TTL_MS - 1;
    expect(samples((await metrics.render()).text).get("sessions_database_up")).toBe(1); // still cached
    now += 1;
    const second = samples((await metrics.render()).text);
    expect([second.get("sessions_active"), second.get("sessions_users_active")]).toEqual([7, 3]);
    expect(second.get("sessions_database_up")).toBe(0);
    expect(second.get("sessions_events_subscribers")).toBe(2);
  });
});
