// Bad input gets a ValidationError naming the field, and the store is left exactly as it was.
import { describe, expect, it } from "vitest";
import { NotFoundError } from "../../domain/errors.js";
import type { SessionStatusFilter, UserRole, UserStatus } from "../../domain/types.js";
import type { ContractContext } from "./context.js";
import { expectRejection, expectValidationError, makeUser, snapshot, UNKNOWN_ID } from "./fixtures.js";

export function badInputContract(t: ContractContext): void {
  describe("bad input", () => {
    it("rejects each bad call with a ValidationError naming the field, changing nothing", async () => {
      const user = await makeUser(t.service);
      const { session } = await t.service.createSession({ userId: user.id });
      const before = await snapshot(t.service);
      const s = t.service;
      const cases: [string, () => Promise<unknown>, string][] = [
        ["createUser: no @", () => s.createUser({ email: "not-an-email" }), "email"],
        ["createUser: empty email", () => s.createUser({ email: "" }), "email"],
        ["createUser: spaces", () => s.createUser({ email: "a b@example.com" }), "email"],
        ["createUser: two @", () => s.createUser({ email: "a@b@example.com" }), "email"],
        ["createUser: too long", () => s.createUser({ email: `${"a".repeat(320)}@x.io` }), "email"],
        ["createUser: role", () => s.createUser({ email: "r@x.io", role: "root" as UserRole }), "role"],
        [
          "createUser: status",
          () => s.createUser({ email: "r@x.io", status: "gone" as UserStatus }),
          "status",
        ],
        [
          "createUser: short password",
          () => s.createUser({ email: "p@x.io", password: "short" }),
          "password",
        ],
        ["createUser: long name", () => s.createUser({ email: "n@x.io", name: "n".repeat(201) }), "name"],
        ["createSession: empty user", () => s.createSession({ userId: "" }), "userId"],
        [
          "createSession: long user agent",
          () => s.createSession({ userId: user.id, userAgent: "u".repeat(1001) }),
          "userAgent",
        ],
        ["createSession: long ip", () => s.createSession({ userId: user.id, ip: "1".repeat(65) }), "ip"],
        ["revokeSession: empty id", () => s.revokeSession(""), "id"],
        [
          "revokeSession: long reason",
          () => s.revokeSession(session.id, { reason: "r".repeat(501) }),
          "reason",
        ],
        ["revokeUserSessions: blank id", () => s.revokeUserSessions("   "), "userId"],
        ["getSessionInfo: empty id", () => s.getSessionInfo(""), "id"],
        ["setUserStatus: status", () => s.setUserStatus(user.id, "deleted" as UserStatus), "status"],
        ["setUserStatus: empty id", () => s.setUserStatus("", "disabled"), "id"],
        [
          "list: status",
          () => s.listActiveSessions({ filter: { status: "zombie" as SessionStatusFilter } }),
          "filter.status",
        ],
        [
          "list: sort key",
          () => s.listActiveSessions({ sort: { by: "ip" as "createdAt", dir: "asc" } }),
          "sort.by",
        ],
        [
          "list: sort dir",
          () => s.listActiveSessions({ sort: { by: "createdAt", dir: "up" as "asc" } }),
          "sort.dir",
        ],
        [
          "list: bad date",
          () => s.listActiveSessions({ filter: { createdFrom: new Date("nope") } }),
          "filter.createdFrom",
        ],
        [
          "list: inverted range",
          () => s.listActiveSessions({ filter: { createdFrom: new Date(2000), createdTo: new Date(1000) } }),
          "filter.createdFrom",
        ],
        ["list: empty ip", () => s.listActiveSessions({ filter: { ip: " " } }), "filter.ip"],
        [
          "listUserSessions: status",
          () => s.listUserSessions(user.id, { status: "x" as SessionStatusFilter }),
          "status",
        ],
        ["count: long email", () => s.countActiveSessions({ email: "e".repeat(321) }), "filter.email"],
        ["listUsers: status", () => s.listUsers({ status: "x" as UserStatus }), "status"],
        [
          "revokeSessions: status",
          () => s.revokeSessions({ filter: { status: "x" as SessionStatusFilter }, dryRun: false }),
          "filter.status",
        ],
        ["listAudit: empty action", () => s.listAudit({ action: "" }), "action"],
        ["getUser: empty id", () => s.getUser(""), "id"],
        ["listUserSessions: empty id", () => s.listUserSessions(""), "userId"],
        [
          "revokeUserSessions: long reason",
          () => s.revokeUserSessions(user.id, { reason: "r".repeat(501) }),
          "reason",
        ],
        [
          "setUserStatus: long reason",
          () => s.setUserStatus(user.id, "disabled", { reason: "r".repeat(501) }),
          "reason",
        ],
      ];
      for (const [label, call, path] of cases) {
        const error = await expectValidationError(call(), path);
        expect(error.issues.length, label).toBeGreaterThan(0);
        // The message names the field, so it reads on its own (e.g. "limit must be at most 200").
        expect(error.message, label).toContain(path.split(".").pop()!);
      }
      expect(await snapshot(t.service)).toBe(before);
    });

    it("createSession for an unknown user is NotFoundError and writes nothing", async () => {
      await makeUser(t.service);
      const before = await snapshot(t.service);
      const error = await expectRejection(t.service.createSession({ userId: UNKNOWN_ID }), NotFoundError);
      expect(error.code).toBe("not_found");
      expect(await snapshot(t.service)).toBe(before);
    });
  });
}
