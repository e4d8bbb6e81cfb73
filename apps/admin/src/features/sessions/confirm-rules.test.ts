import { LIMITS } from "@sessions/core/vocab";
import { describe, expect, it } from "vitest";
import {
  bulkAvailability,
  bulkConfirmation,
  canConfirmBulk,
  canManage,
  disableUserSummary,
  normalizeReason,
  reasonError,
  revokeAvailability,
  revokeOneOutcome,
  revokeOneSummary,
  revokeUserSummary,
  TYPE_TO_CONFIRM_OVER,
} from "./confirm-rules";

const admin = { role: "admin" as const, sessionId: "mine" };
const viewer = { role: "viewer" as const, sessionId: "v1" };

describe("who sees revoke controls", () => {
  it("offers them to admins only", () => {
    expect(canManage(admin)).toBe(true);
    expect(canManage(viewer)).toBe(false);
    expect(canManage({ role: "user" })).toBe(false);
  });

  it("lets an admin revoke someone else's active session", () => {
    expect(revokeAvailability({ id: "s1", status: "active" }, admin)).toEqual({ allowed: true });
  });

  it("never offers the admin's own sign-in, whether flagged isCurrent or matched by id", () => {
    expect(revokeAvailability({ id: "s1", status: "active", isCurrent: true }, admin)).toMatchObject({
      allowed: false,
      reason: "current",
    });
    expect(revokeAvailability({ id: "mine", status: "active" }, admin)).toMatchObject({
      allowed: false,
      reason: "current",
    });
  });

  it("does not offer sessions that already ended", () => {
    expect(revokeAvailability({ id: "s1", status: "revoked" }, admin)).toMatchObject({
      allowed: false,
      reason: "not-active",
    });
    expect(revokeAvailability({ id: "s1", status: "expired" }, admin)).toMatchObject({
      allowed: false,
      reason: "not-active",
    });
  });

  it("gives viewers nothing to press", () => {
    expect(revokeAvailability({ id: "s1", status: "active" }, viewer)).toMatchObject({
      allowed: false,
      reason: "viewer",
    });
  });
});

describe("bulk revoke confirmation", () => {
  it("waits for the dry run", () => {
    expect(bulkConfirmation(undefined)).toEqual({ kind: "loading" });
    expect(canConfirmBulk(undefined, "")).toBe(false);
  });

  it("has nothing to confirm when nothing matches", () => {
    expect(bulkConfirmation(0).kind).toBe("nothing");
    expect(canConfirmBulk(0, "0")).toBe(false);
  });

  it("asks for a plain confirmation up to the threshold", () => {
    expect(bulkConfirmation(1)).toEqual({
      kind: "confirm",
      message: "1 session will be revoked. Every one of them stops working immediately.",
    });
    expect(bulkConfirmation(TYPE_TO_CONFIRM_OVER).kind).toBe("confirm");
    expect(canConfirmBulk(TYPE_TO_CONFIRM_OVER, "")).toBe(true);
  });

  it("asks to type the count above the threshold", () => {
    const over = TYPE_TO_CONFIRM_OVER + 1;
    expect(bulkConfirmation(over)).toMatchObject({ kind: "type-count", expected: String(over) });
    expect(canConfirmBulk(over, "")).toBe(false);
    expect(canConfirmBulk(over, String(over - 1))).toBe(false);
    expect(canConfirmBulk(over, `${over}1`)).toBe(false);
    expect(canConfirmBulk(over, String(over))).toBe(true);
    expect(canConfirmBulk(over, ` ${over} `)).toBe(true);
  });

  it("accepts the count typed with thousands separators", () => {
    expect(bulkConfirmation(1234)).toMatchObject({
      message: expect.stringContaining("1,234 sessions") as string,
    });
    expect(canConfirmBulk(1234, "1,234")).toBe(true);
    expect(canConfirmBulk(1234, "1 234")).toBe(true);
  });

  it("is not offered for the revoked view", () => {
    expect(bulkAvailability("revoked")).toMatchObject({ allowed: false });
    expect(bulkAvailability("all")).toEqual({ allowed: true });
    expect(bulkAvailability("active")).toEqual({ allowed: true });
  });
});

describe("what each dialog says", () => {
  it("names the session and user being revoked", () => {
    expect(revokeOneSummary({ tokenPreview: "ab12cd34", user: { email: "ann@example.com" } })).toBe(
      "Session ab12cd34 of ann@example.com will stop working immediately. Their next request will be signed out.",
    );
  });

  it("counts a user's sessions, and keeps the caller's own", () => {
    expect(revokeUserSummary({ email: "bob@x.io", activeSessions: 3, isSelf: false })).toBe(
      "All 3 active sessions of bob@x.io will end. They will have to sign in again everywhere.",
    );
    expect(revokeUserSummary({ email: "bob@x.io", activeSessions: 1, isSelf: false })).toContain(
      "All 1 active session of",
    );
    expect(revokeUserSummary({ email: "bob@x.io", activeSessions: 0, isSelf: false })).toContain(
      "Nothing will change",
    );
    expect(revokeUserSummary({ email: "me@x.io", activeSessions: 3, isSelf: true })).toBe(
      "2 other active sessions of yours will end. Your current session is kept.",
    );
    expect(revokeUserSummary({ email: "me@x.io", activeSessions: 1, isSelf: true })).toContain(
      "no other active sessions",
    );
  });

  it("says how many sessions disabling ends", () => {
    expect(disableUserSummary({ email: "eve@x.io", activeSessions: 2 })).toBe(
      "eve@x.io will not be able to sign in or get new sessions. Their 2 active sessions will end now.",
    );
    expect(disableUserSummary({ email: "eve@x.io", activeSessions: 0 })).toContain(
      "They have no active sessions.",
    );
  });

  it("reports not_found in the words the API contract uses", () => {
    expect(revokeOneOutcome({ ok: true })).toEqual({ tone: "success", message: "Session revoked" });
    expect(revokeOneOutcome({ ok: false, error: "not_found" })).toEqual({
      tone: "error",
      message: "Session not found or already revoked",
    });
  });
});

describe("reasons", () => {
  it("sends a trimmed reason, or none when blank", () => {
    expect(normalizeReason("  lost laptop  ")).toBe("lost laptop");
    expect(normalizeReason("   ")).toBeUndefined();
  });

  it("refuses reasons the API would refuse", () => {
    expect(reasonError("x".repeat(LIMITS.reason))).toBeUndefined();
    expect(reasonError("x".repeat(LIMITS.reason + 1))).toMatch(`${LIMITS.reason} characters`);
  });
});
