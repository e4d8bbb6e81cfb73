// CSV / JSON-lines exports (issue 12, part 5) over real HTTP on SQLite and Postgres: exactly the
// rows the list filter matches, across many pages, through csv-stringify with formula cells
// neutralised; viewers and read-scoped keys may export, others not; a bad filter is a JSON 400
// before any byte; each export is an audit event with who, the filter and the row count.
import { parse } from "csv-parse/sync";
import type { StoreKind } from "@sessions/core/testing";
import { describe, expect, it } from "vitest";
import { SESSION_COLUMNS } from "../src/export.js";
import { EXPORT_PAGE } from "../src/rest/export.js";
import { useFreshServers } from "./fresh-servers.js";

/** Every record of a CSV text, header included, each a list of cells. */
const csvRows = (text: string): string[][] => parse(text, { columns: false });

for (const kind of ["sqlite-file", "postgres"] as const satisfies StoreKind[]) {
  describe(`exports (${kind})`, () => {
    const servers = useFreshServers(kind);

    async function start() {
      const server = await servers.start();
      const { service } = server.app;
      const reader = await service.createApiKey({ name: "reader", scopes: ["sessions:read", "audit:read"] });
      const issuer = await service.createApiKey({ name: "issuer", scopes: ["sessions:issue"] });
      return { s: server, service, reader, issuer };
    }

    it("streams every matching session as CSV across pages, formulas neutralised, and audits it", async () => {
      const { s, service, reader } = await start();
      const evil = await service.createUser({ email: "=cmd|calc!A0@example.com" });
      const plain = await service.createUser({ email: "plain@example.com" });
      const n = EXPORT_PAGE + 37; // more than one page
      for (let i = 0; i < n; i++) await service.createSession({ userId: plain.id, userAgent: "Mozilla/5.0" });
      await service.createSession({ userId: evil.id, ip: "+1-555" });
      const revoked = await service.createSession({ userId: plain.id });
      await service.revokeSession(revoked.session.id);

      const res = await fetch(`${s.url}/api/v1/sessions/export?format=csv&status=active`, {
        headers: { authorization: `Bearer ${reader.key}` },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
      expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="sessions-.*\.csv"$/);
      const rows = csvRows(await res.text());
      expect(rows[0]).toEqual(SESSION_COLUMNS.header);
      const body = rows.slice(1);
      expect(body).toHaveLength(n + 1);
      const ids = new Set(body.map((r) => r[0]));
      expect(ids.size).toBe(n + 1); // no row twice across page boundaries
      expect(ids.has(revoked.session.id)).toBe(false);
      const evilRow = body.find((r) => r[4]!.includes("calc"))!;
      expect(evilRow[4]).toBe("'=cmd|calc!a0@example.com");
      expect(evilRow[8]).toBe("'+1-555");

      const filtered = await fetch(`${s.url}/api/v1/sessions/export?format=jsonl&email=cmd&status=all`, {
        headers: { authorization: `Bearer ${reader.key}` },
      });
      expect(filtered.headers.get("content-type")).toBe("application/jsonl; charset=utf-8");
      const lines = (await filtered.text())
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { user: { email: string }; createdAt: string });
      expect(lines.map((l) => l.user.email)).toEqual([evil.email]);
      expect(lines[0]!.createdAt).toMatch(/Z$/); // JSON, not superjson

      const events = (await service.listAudit({ action: "sessions.exported" })).items;
      expect(events.map((e) => [e.actorType, e.actor, e.count, e.data])).toEqual([
        [
          "api_key",
          reader.apiKey.id,
          1,
          { format: "jsonl", filter: { email: "cmd", status: "all" }, complete: true },
        ],
        ["api_key", reader.apiKey.id, n + 1, { format: "csv", filter: { status: "active" }, complete: true }],
      ]);
    });

    it("audit export: the audit filter plus since, newest first", async () => {
      const { s, service, reader } = await start();
      const user = await service.createUser({ email: "a@example.com" });
      for (let i = 0; i < 3; i++) await service.createSession({ userId: user.id });
      const res = await fetch(`${s.url}/api/v1/audit/export?format=jsonl&action=session.created`, {
        headers: { authorization: `Bearer ${reader.key}` },
      });
      expect(res.status).toBe(200);
      const lines = (await res.text())
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { action: string; at: string });
      expect(lines).toHaveLength(3);
      expect(lines.every((l) => l.action === "session.created")).toBe(true);
      const future = await fetch(`${s.url}/api/v1/audit/export?since=2999-01-01T00:00:00Z`, {
        headers: { authorization: `Bearer ${reader.key}` },
      });
      const csv = csvRows(await future.text());
      expect(csv).toHaveLength(1); // the header only
      const recorded = (await service.listAudit({ action: "audit.exported" })).items;
      expect(recorded.map((e) => e.count)).toEqual([0, 3]);
    });

    it("refuses who may not read, and bad filters, with JSON errors and no audit event", async () => {
      const { s, service, issuer } = await start();
      const get = (path: string, headers: Record<string, string> = {}) =>
        fetch(`${s.url}${path}`, { headers });
      const anonymous = await get("/api/v1/sessions/export");
      expect(anonymous.status).toBe(401);
      const wrongScope = await get("/api/v1/audit/export", { authorization: `Bearer ${issuer.key}` });
      expect(wrongScope.status).toBe(403);
      expect(await wrongScope.json()).toMatchObject({
        error: { message: "This API key lacks the audit:read scope." },
      });
      const reader = await service.createApiKey({ name: "r", scopes: ["sessions:read"] });
      const auth = { authorization: `Bearer ${reader.key}` };
      for (const [query, path] of [
        ["format=xlsx", "format"],
        ["status=nope", "filter.status"],
        ["createdFrom=yesterday", "filter.createdFrom"],
      ] as const) {
        const res = await get(`/api/v1/sessions/export?${query}`, auth);
        expect(res.status, query).toBe(400);
        expect(res.headers.get("content-type")).toMatch(/^application\/json/);
        const body = (await res.json()) as { error: { issues: { path: string }[] | null } };
        expect(body.error.issues?.map((i) => i.path)).toEqual([path]);
      }
      expect((await get("/api/v1/sessions/export?nope=1", auth)).status).toBe(400);
      expect((await fetch(`${s.url}/api/v1/sessions/export`, { method: "POST", headers: auth })).status).toBe(
        405,
      );
      expect((await service.listAudit({ action: "sessions.exported" })).items).toEqual([]);
    });
  });
}
