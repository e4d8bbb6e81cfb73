import { describe, expect, it } from "vitest";
import { localDate, localDays, sessionStatus, statusScope, toSessionInfo } from "../src/domain/rules.js";
import { resolveConfig } from "../src/domain/config.js";
import type { SessionRecord } from "../src/store/store.js";

const HOUR = 3_600_000;
const now = new Date("2026-03-10T12:00:00.000Z");

function session(overrides: Partial<SessionRecord> = {}): SessionRecord {
  return {
    id: "s1",
    kind: "app",
    tokenHash: "ab".repeat(32),
    userId: "u1",
    createdAt: new Date(now.getTime() - HOUR),
    expiresAt: new Date(now.getTime() + HOUR),
    lastSeenAt: new Date(now.getTime() - HOUR),
    authenticatedAt: null,
    authMethod: null,
    ip: null,
    userAgent: null,
    browser: null,
    os: null,
    deviceType: null,
    revokedAt: null,
    revokedBy: null,
    revokeReason: null,
    endReason: null,
    ...overrides,
  };
}

describe("sessionStatus", () => {
  const scope = statusScope(now, resolveConfig());

  it("is active strictly before expiresAt and expired at it", () => {
    expect(sessionStatus(session({ expiresAt: new Date(now.getTime() + 1) }), scope)).toBe("active");
    expect(sessionStatus(session({ expiresAt: now }), scope)).toBe("expired");
    expect(sessionStatus(session({ expiresAt: new Date(now.getTime() - 1) }), scope)).toBe("expired");
  });

  it("puts revoked before expired", () => {
    expect(sessionStatus(session({ revokedAt: now, expiresAt: new Date(0) }), scope)).toBe("revoked");
  });

  it("applies the idle timeout only when configured, expiring at exactly lastSeenAt + idle", () => {
    const idle = statusScope(now, resolveConfig({ idleTimeoutMs: HOUR }));
    expect(idle.idleCutoff).toEqual(new Date(now.getTime() - HOUR));
    expect(sessionStatus(session({ lastSeenAt: new Date(now.getTime() - HOUR + 1) }), idle)).toBe("active");
    expect(sessionStatus(session({ lastSeenAt: new Date(now.getTime() - HOUR) }), idle)).toBe("expired");
    expect(sessionStatus(session({ lastSeenAt: new Date(0) }), scope)).toBe("active");
  });
});

describe("toSessionInfo", () => {
  const user = { id: "u1", email: "a@x.io", name: null, status: "active" as const, role: "user" as const };
  const scope = statusScope(now, resolveConfig());

  it("shows a preview of the hash, never the hash, and floors the age in seconds", () => {
    const info = toSessionInfo(session({ createdAt: new Date(now.getTime() - 1999) }), user, scope, null);
    expect(info.tokenPreview).toBe("abababab");
    expect(JSON.stringify(info)).not.toContain("ab".repeat(32));
    expect(info.ageSeconds).toBe(1);
    expect(
      toSessionInfo(session({ createdAt: new Date(now.getTime() + 5000) }), user, scope, null).ageSeconds,
    ).toBe(0);
  });

  it("is valid only when active and the user is active; current only for the caller's id", () => {
    expect(toSessionInfo(session(), user, scope, "s1")).toMatchObject({ isValid: true, isCurrent: true });
    expect(toSessionInfo(session(), { ...user, status: "disabled" }, scope, "s2")).toMatchObject({
      status: "active",
      isValid: false,
      isCurrent: false,
    });
  });
});

describe("localDays and localDate", () => {
  it("returns 30 local midnights ending today, oldest first, and the start of tomorrow", () => {
    const { starts, end } = localDays(now, "UTC", 30);
    expect(starts).toHaveLength(30);
    expect(starts[29]).toEqual(new Date("2026-03-10T00:00:00.000Z"));
    expect(starts[0]).toEqual(new Date("2026-02-09T00:00:00.000Z"));
    expect(end).toEqual(new Date("2026-03-11T00:00:00.000Z"));
  });

  it("follows the timezone's offset, including 23- and 25-hour days", () => {
    const spring = localDays(new Date("2026-03-09T03:59:59.999Z"), "America/New_York", 3);
    expect(spring.starts.map((d) => d.toISOString())).toEqual([
      "2026-03-06T05:00:00.000Z",
      "2026-03-07T05:00:00.000Z",
      "2026-03-08T05:00:00.000Z",
    ]);
    expect(spring.end.getTime() - spring.starts[2]!.getTime()).toBe(23 * HOUR);

    const fall = localDays(new Date("2026-11-02T04:59:59.999Z"), "America/New_York", 2);
    expect(fall.starts.map((d) => d.toISOString())).toEqual([
      "2026-10-31T04:00:00.000Z",
      "2026-11-01T04:00:00.000Z",
    ]);
    expect(fall.end.getTime() - fall.starts[1]!.getTime()).toBe(25 * HOUR);

    const kolkata = localDays(new Date("2026-03-10T18:29:59.999Z"), "Asia/Kolkata", 1);
    expect(kolkata.starts[0]).toEqual(new Date("2026-03-09T18:30:00.000Z"));
  });

  it("formats instants as the local calendar day", () => {
    expect(localDate(new Date("2026-03-10T03:30:00.000Z"), "America/New_York")).toBe("2026-03-09");
    expect(localDate(new Date("2026-03-10T03:30:00.000Z"), "UTC")).toBe("2026-03-10");
    expect(localDate(new Date("2026-03-10T18:30:00.000Z"), "Asia/Kolkata")).toBe("2026-03-11");
  });
});
