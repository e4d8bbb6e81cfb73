// The ops CLI (issue 12, part 1) on a real SQLite file and a real Postgres database: each command
// through runCli as `pnpm sessions` runs it (the same DATABASE_URL and rules as the API, actor
// "cli" in the audit log), its exit codes, and the real bin once in a process of its own.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { createSessionsService, openStore, type SessionsService, type SessionsStore } from "@sessions/core";
import { FakeClock, DAY } from "@sessions/core/testing";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../src/cli/program.js";

const API_DIR = fileURLToPath(new URL("..", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "sessions-cli-"));

/** One database per dialect for the whole file; Postgres only where a server is given (always in CI). */
const targets: { name: string; url: () => Promise<string>; drop?: () => Promise<void> }[] = [
  { name: "sqlite", url: async () => `file:${join(dir, "cli.db")}` },
];
const serverUrl = process.env.TEST_POSTGRES_URL;
if (serverUrl || process.env.CI) {
  const database = `sessions_cli_${Math.random().toString(16).slice(2, 10)}`;
  targets.push({
    name: "postgres",
    async url() {
      if (!serverUrl) throw new Error("CI is set but TEST_POSTGRES_URL is not");
      const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
      await admin.unsafe(`create database ${database}`);
      await admin.end();
      const url = new URL(serverUrl);
      url.pathname = `/${database}`;
      return url.toString();
    },
    async drop() {
      const admin = postgres(serverUrl!, { max: 1, onnotice: () => {} });
      await admin.unsafe(`drop database if exists ${database} with (force)`);
      await admin.end();
    },
  });
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

for (const target of targets) {
  describe(`sessions CLI (${target.name})`, () => {
    let databaseUrl: string;
    let store: SessionsStore | null = null;
    let service: SessionsService;

    /** Runs one command; returns its exit code and what it printed. */
    async function cli(args: string[], env: Record<string, string> = {}) {
      let stdout = "";
      let stderr = "";
      const code = await runCli(args, {
        stdout: { write: (s: string) => (stdout += s) },
        stderr: { write: (s: string) => (stderr += s) },
        env: { DATABASE_URL: databaseUrl, LOG_LEVEL: "silent", ...env },
        cwd: dir,
      });
      return { code, stdout, stderr };
    }
    const json = async (args: string[], env?: Record<string, string>) => {
      const result = await cli(["--json", ...args], env);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      return JSON.parse(result.stdout) as Record<string, unknown>;
    };
    const cliAudit = async () =>
      (await service.listAudit({ limit: 200 })).items.filter((e) => e.actor === "cli");

    beforeAll(async () => {
      databaseUrl = await target.url();
    });
    afterAll(async () => {
      await store?.close();
      await target.drop?.();
    });

    it("refuses a database that lacks migrations until `migrate`, which applies them once", async () => {
      const before = await cli(["stats"]);
      expect(before.code).toBe(1);
      expect(before.stderr).toMatch(
        /^sessions: The database is missing \d+ migrations of this version: run `pnpm sessions migrate` first\.\n$/,
      );
      const first = await json(["migrate"]);
      expect(first.applied).toBeGreaterThan(5);
      expect(await json(["migrate"])).toEqual({ applied: 0 });
      expect((await cli(["migrate"])).stdout).toBe("Up to date: nothing to apply.\n");
      store = await openStore(databaseUrl, { migrate: false });
      service = createSessionsService({ store });
    });

    it("creates an admin with a generated password, shown once, and audits it as the CLI", async () => {
      const created = await json(["admin", "create", "--email", "Ops@Example.com", "--name", "Ops"]);
      const password = created.password as string;
      expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
      expect(created.user).toMatchObject({ email: "ops@example.com", role: "admin", name: "Ops" });
      expect(await service.verifyPassword("ops@example.com", password)).not.toBeNull();
      const [event] = await cliAudit();
      expect(event).toMatchObject({
        action: "user.created",
        actorType: "cli",
        target: (created.user as { id: string }).id,
      });

      // A chosen password is not printed back; a taken email is a one-line failure.
      const chosen = await cli([
        "admin",
        "create",
        "--email",
        "viewer@example.com",
        "--password",
        "a long viewer password",
        "--role",
        "viewer",
      ]);
      expect(chosen.code).toBe(0);
      expect(chosen.stdout).not.toContain("a long viewer password");
      const again = await cli(["admin", "create", "--email", "ops@example.com"]);
      expect(again).toMatchObject({ code: 1, stderr: "sessions: A user with this email already exists.\n" });
    });

    it("resets an operator's password: the old one stops working and their sessions end", async () => {
      const before = await json(["admin", "create", "--email", "lost@example.com"]);
      const user = before.user as { id: string };
      const { session } = await service.createConsoleSession({ userId: user.id, ip: null, userAgent: null });
      const reset = await json(["admin", "reset-password", "--email", "lost@example.com"]);
      expect(reset.endedSessions).toBe(1);
      expect(await service.verifyPassword("lost@example.com", before.password as string)).toBeNull();
      expect(await service.verifyPassword("lost@example.com", reset.password as string)).not.toBeNull();
      expect((await service.getSessionInfo(session.id))?.revokedAt).toBeInstanceOf(Date);
      expect((await cliAudit()).map((e) => e.action).slice(0, 2)).toEqual([
        "user.sessions_revoked",
        "user.password_reset",
      ]);
      expect(await cli(["admin", "reset-password", "--email", "nobody@example.com"])).toMatchObject({
        code: 1,
        stderr: "sessions: No user with the email nobody@example.com.\n",
      });
    });

    it("disables and enables users and revokes sessions, with reasons in the audit log", async () => {
      const user = await service.createUser({ email: "end.user@example.com" });
      const a = await service.createSession({ userId: user.id });
      await service.createSession({ userId: user.id });
      expect(await json(["sessions", "revoke", "--id", a.session.id, "--reason", "lost phone"])).toEqual({
        revoked: 1,
      });
      expect((await cli(["sessions", "revoke", "--id", a.session.id])).code).toBe(1);
      expect(await json(["sessions", "revoke-user", "--email", "end.user@example.com"])).toEqual({
        revoked: 1,
      });
      await service.createSession({ userId: user.id });
      const disabled = await json([
        "users",
        "disable",
        "--email",
        "end.user@example.com",
        "--reason",
        "left",
      ]);
      expect(disabled).toMatchObject({ ok: true, revokedSessions: 1, user: { status: "disabled" } });
      expect(await service.validateSession(a.token)).toBeNull();
      expect(await json(["users", "enable", "--email", "end.user@example.com"])).toMatchObject({
        user: { status: "active" },
      });
      const reasons = (await cliAudit()).map((e) => [e.action, e.reason]);
      expect(reasons.slice(0, 4)).toEqual([
        ["user.enabled", null],
        ["user.disabled", "left"],
        ["user.sessions_revoked", null],
        ["session.revoked", "lost phone"],
      ]);
    });

    it("prunes what ended longer than SESSION_RETENTION ago, with a dry run first", async () => {
      const past = createSessionsService({
        store: store!,
        clock: new FakeClock(new Date(Date.now() - 3 * DAY)),
      });
      const user = await past.createUser({ email: "old@example.com" });
      for (let i = 0; i < 3; i++) {
        const { session } = await past.createSession({ userId: user.id });
        await past.revokeSession(session.id);
      }
      const env = { SESSION_RETENTION: "1d" };
      expect(await json(["sessions", "prune", "--dry-run"], env)).toMatchObject({
        sessions: 3,
        retentionMs: DAY,
      });
      expect(await json(["sessions", "prune"], env)).toEqual({ sessions: 3, auditEvents: 0 });
      expect(await json(["sessions", "prune"], env)).toEqual({ sessions: 0, auditEvents: 0 });
      const [event] = (await cliAudit()).filter((e) => e.action === "sessions.pruned");
      expect(event).toMatchObject({ count: 3 });
    });

    it("exports sessions and audit events as CSV and JSON lines, formulas neutralised", async () => {
      const user = await service.createUser({ email: "export.me@example.com" });
      const s1 = await service.createSession({ userId: user.id, ip: "203.0.113.7" });
      await service.createSession({ userId: user.id });
      await service.revokeSession(s1.session.id, { reason: '=HYPERLINK("http://evil.test","click")' });

      const out = await cli([
        "sessions",
        "export",
        "--status",
        "all",
        "--email",
        "export.me",
        "--out",
        "s.csv",
      ]);
      expect(out).toMatchObject({ code: 0, stdout: "Wrote 2 sessions to s.csv.\n" });
      const csv = readFileSync(join(dir, "s.csv"), "utf8").trimEnd().split("\n");
      expect(csv[0]).toMatch(/^id,kind,status,user_id,email,created_at,/);
      expect(csv).toHaveLength(3);
      expect(csv.join("\n")).toContain(`'=HYPERLINK(""http://evil.test"",""click"")`);
      expect(csv.join("\n")).not.toMatch(/,=HYPERLINK/);

      const lines = (await cli(["sessions", "export", "--format", "jsonl", "--email", "export.me"])).stdout
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l) as { id: string; status: string });
      expect(lines.map((l) => l.status)).toEqual(["active"]);

      const audit = await cli([
        "audit",
        "export",
        "--action",
        "session.revoked",
        "--since",
        new Date(Date.now() - 60_000).toISOString(),
      ]);
      expect(audit.code).toBe(0);
      const rows = audit.stdout.trimEnd().split("\n");
      expect(rows[0]).toBe(
        "id,at,action,actor_type,actor,actor_name,target_type,target,target_name,ip,reason,count,data",
      );
      expect(rows.slice(1).every((r) => r.includes(",session.revoked,"))).toBe(true);
      expect(rows.some((r) => r.includes(`'=HYPERLINK`))).toBe(true);
      // --since in the future: the header alone.
      expect(
        (await cli(["audit", "export", "--since", "2999-01-01"])).stdout.trimEnd().split("\n"),
      ).toHaveLength(1);
    });

    it("creates an API key shown once, which works until it is revoked", async () => {
      const created = await json([
        "keys",
        "create",
        "--name",
        "billing",
        "--scopes",
        "sessions:read,sessions:issue",
        "--expires-in-days",
        "30",
      ]);
      const key = created.key as string;
      const apiKey = created.apiKey as { id: string; scopes: string[]; expiresAt: string };
      expect(apiKey.scopes).toEqual(["sessions:read", "sessions:issue"]);
      expect(new Date(apiKey.expiresAt).getTime()).toBeGreaterThan(Date.now() + 29 * DAY);
      expect(await service.verifyApiKey(key)).not.toBeNull();
      expect(await json(["keys", "revoke", "--id", apiKey.id])).toEqual({ revoked: true });
      expect(await service.verifyApiKey(key)).toBeNull();
    });

    it("prints stats, and answers usage mistakes with exit 2 and the usage", async () => {
      const stats = await json(["stats"]);
      expect(typeof stats.totalActive).toBe("number");
      expect(stats.createdPerDay).toHaveLength(30);
      expect((await cli(["stats"])).stdout).toMatch(/^Active sessions +\d+\n/);
      for (const args of [
        ["nonsense"],
        ["keys", "create", "--name", "x", "--scopes", "root"],
        ["users", "disable"],
        [],
      ]) {
        const result = await cli(args);
        expect(result.code).toBe(2);
      }
      expect((await cli(["keys", "create", "--name", "x", "--scopes", "root"])).stderr).toMatch(
        /scopes are a comma-separated list of/,
      );
      const help = await cli(["--help"]);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain("admin");
      expect(help.stdout).toContain("migrate");
    });
  });
}

describe("the sessions bin", () => {
  it("runs as a process: exit codes 0, 1 and 2, messages on stderr", async () => {
    const run = promisify(execFile);
    const env = { ...process.env, DATABASE_URL: `file:${join(dir, "bin.db")}` };
    const bin = join(API_DIR, "bin", "sessions.mjs");
    const fail = await run(process.execPath, [bin, "stats"], { env }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(fail).toMatchObject({ code: 1 });
    expect((fail as { stderr: string }).stderr).toMatch(/run `pnpm sessions migrate` first/);
    const ok = await run(process.execPath, [bin, "migrate"], { env });
    expect(ok.stdout).toMatch(/^Applied \d+ migrations\.\n$/);
    const usage = await run(process.execPath, [bin, "users", "enable"], { env }).catch(
      (e: { code: number }) => e,
    );
    expect(usage).toMatchObject({ code: 2 });
  });
});
