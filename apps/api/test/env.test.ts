import { describe, expect, it } from "vitest";
import { EnvError, loadEnv, parseDuration, sessionsConfigFromEnv } from "../src/env.js";

function problems(source: Record<string, string>): string[] {
  try {
    loadEnv(source);
  } catch (error) {
    if (error instanceof EnvError) return error.problems;
    throw error;
  }
  throw new Error("expected an EnvError");
}

describe("env", () => {
  it("has defaults for everything", () => {
    const env = loadEnv({});
    expect(env).toMatchObject({
      // Issue 10: unset NODE_ENV is production (pnpm dev sets development explicitly).
      NODE_ENV: "production",
      PORT: 3000,
      DATABASE_URL: "file:./data/sessions.db",
      SESSION_LIFETIME: 60 * 86_400_000,
      IDLE_TIMEOUT: null,
      PRUNE_INTERVAL: 3_600_000,
      SESSION_RETENTION: 30 * 86_400_000,
      AUDIT_RETENTION: null,
      LOG_LEVEL: "info",
      TRUST_PROXY: false,
      TIMEZONE: "UTC",
    });
    expect(env.PUBLIC_URL).toBeUndefined();
    // The Vite dev server may call the API in development only.
    expect(env.ALLOWED_ORIGINS).toEqual([]);
    expect(loadEnv({ NODE_ENV: "development" }).ALLOWED_ORIGINS).toEqual([
      "http://localhost:5173",
      "http://127.0.0.1:5173",
    ]);
    expect(loadEnv({ NODE_ENV: "production" }).ALLOWED_ORIGINS).toEqual([]);
  });

  it("PUBLIC_URL is an absolute http(s) origin", () => {
    expect(loadEnv({ PUBLIC_URL: "https://sessions.example.com/" }).PUBLIC_URL).toBe(
      "https://sessions.example.com",
    );
    expect(loadEnv({ PUBLIC_URL: "http://localhost:3000" }).PUBLIC_URL).toBe("http://localhost:3000");
    for (const bad of ["sessions.example.com", "ftp://sessions.example.com", "https://x.io/console", "/"]) {
      expect(problems({ PUBLIC_URL: bad })[0]).toMatch(/^PUBLIC_URL: .*absolute http\(s\) URL/);
    }
  });

  it("parses settings", () => {
    const env = loadEnv({
      PORT: "8080",
      DATABASE_URL: "postgres://u:p@db:5432/sessions",
      ALLOWED_ORIGINS: "https://console.example.com, http://localhost:5173/",
      SESSION_LIFETIME: "12h",
      IDLE_TIMEOUT: "30m",
      ADMIN_EMAIL: "Root@Example.com",
      ADMIN_PASSWORD: "long enough password",
      TRUST_PROXY: "true",
    });
    expect(env).toMatchObject({
      PORT: 8080,
      ALLOWED_ORIGINS: ["https://console.example.com", "http://localhost:5173"],
      SESSION_LIFETIME: 12 * 3_600_000,
      IDLE_TIMEOUT: 30 * 60_000,
      ADMIN_EMAIL: "root@example.com",
      TRUST_PROXY: true,
    });
    expect(loadEnv({ PORT: "" }).PORT).toBe(3000);
  });

  it("names every bad setting", () => {
    const found = problems({
      PORT: "eighty",
      DATABASE_URL: "mysql://db/x",
      ALLOWED_ORIGINS: "console.example.com",
      SESSION_LIFETIME: "forever",
      IDLE_TIMEOUT: "-5",
      PRUNE_INTERVAL: "hourly",
      AUDIT_RETENTION: "a year",
      LOG_LEVEL: "loud",
      ADMIN_PASSWORD: "short",
      ADMIN_EMAIL: "not-an-email",
    });
    const named = found.map((p) => p.split(":")[0]);
    expect(named.sort()).toEqual(
      [
        "ADMIN_EMAIL",
        "ADMIN_PASSWORD",
        "ALLOWED_ORIGINS",
        "AUDIT_RETENTION",
        "DATABASE_URL",
        "IDLE_TIMEOUT",
        "LOG_LEVEL",
        "PORT",
        "PRUNE_INTERVAL",
        "SESSION_LIFETIME",
      ].sort(),
    );
    expect(found.find((p) => p.startsWith("DATABASE_URL"))).toContain("mysql");
    expect(new EnvError(found).message).toMatch(/^Invalid configuration:\n {2}- /);
  });

  it("the cleanup job's settings: off, or durations", () => {
    const env = loadEnv({ PRUNE_INTERVAL: "off", SESSION_RETENTION: "7d", AUDIT_RETENTION: "365d" });
    expect(env).toMatchObject({
      PRUNE_INTERVAL: null,
      SESSION_RETENTION: 7 * 86_400_000,
      AUDIT_RETENTION: 365 * 86_400_000,
    });
    expect(sessionsConfigFromEnv(env)).toMatchObject({
      retentionMs: 7 * 86_400_000,
      auditRetentionMs: 365 * 86_400_000,
    });
  });

  it("the webhook settings: a retry schedule of durations, flags, the dispatcher's interval or off", () => {
    const env = loadEnv({
      WEBHOOK_RETRY_SCHEDULE: "1s, 30s,2m",
      WEBHOOK_TIMEOUT: "3s",
      WEBHOOK_ALLOW_HTTP: "true",
      WEBHOOK_POLL_INTERVAL: "off",
      DATABASE_DIRECT_URL: "postgres://db.internal:5432/sessions",
    });
    expect(env).toMatchObject({ WEBHOOK_POLL_INTERVAL: null, WEBHOOK_ALLOW_PRIVATE: false });
    expect(sessionsConfigFromEnv(env).webhooks).toEqual({
      retryScheduleMs: [1000, 30_000, 120_000],
      timeoutMs: 3000,
      disableAfterMs: 86_400_000,
      allowHttp: true,
      allowPrivate: false,
      retentionMs: 7 * 86_400_000,
    });
    expect(loadEnv({}).WEBHOOK_POLL_INTERVAL).toBe(1000);
    for (const [name, value] of [
      ["WEBHOOK_RETRY_SCHEDULE", "5s,,1m"],
      ["WEBHOOK_RETRY_SCHEDULE", "soon"],
      ["WEBHOOK_ALLOW_PRIVATE", "maybe"],
      ["DATABASE_DIRECT_URL", "mysql://db/sessions"],
    ] as const) {
      expect(() => loadEnv({ [name]: value })).toThrow(new RegExp(name));
    }
  });

  it("parses durations", () => {
    expect(parseDuration("90d")).toBe(90 * 86_400_000);
    expect(parseDuration("500ms")).toBe(500);
    expect(parseDuration("45")).toBe(45_000);
    expect(parseDuration("0s")).toBeNull();
    expect(parseDuration("1.5h")).toBeNull();
  });
});
