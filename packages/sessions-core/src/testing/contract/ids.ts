// Ids are UUIDs (issue 10): anything else where an id belongs is the caller's mistake, answered with a
// ValidationError that says so, never with a quiet null/not_found that hides it (a service passing a
// raw session token as an id must learn that it did). Any UUID version passes: ids are opaque.
import { describe, expect, it } from "vitest";
import type { ContractContext } from "./context.js";
import { expectValidationError, makeUser, snapshot, UNKNOWN_ID } from "./fixtures.js";

export function idsContract(t: ContractContext): void {
  describe("ids are UUIDs", () => {
    it("refuses a non-UUID id or a raw token in every id argument, saying an id is a UUID", async () => {
      const user = await makeUser(t.service);
      const { token } = await t.service.createSession({ userId: user.id });
      const before = await snapshot(t.service);
      const s = t.service;
      for (const bad of ["not-a-uuid", token, `${UNKNOWN_ID}x`, UNKNOWN_ID.replaceAll("-", "")]) {
        const calls: [string, Promise<unknown>][] = [
          ["id", s.getSessionInfo(bad)],
          ["id", s.revokeSession(bad)],
          ["userId", s.revokeUserSessions(bad)],
          ["userId", s.listUserSessions(bad)],
          ["id", s.getUser(bad)],
          ["id", s.setUserStatus(bad, "disabled")],
          ["id", s.revokeApiKey(bad)],
          ["userId", s.createSession({ userId: bad })],
          ["filter.userId", s.listActiveSessions({ filter: { userId: bad } })],
        ];
        for (const [path, call] of calls) {
          const error = await expectValidationError(call, path);
          expect(error.message).toMatch(/must be a UUID/);
        }
      }
      expect(await snapshot(t.service)).toBe(before);
    });

    it("accepts any UUID version and either case: an unknown one is still just not found", async () => {
      expect(await t.service.getSessionInfo(UNKNOWN_ID)).toBeNull();
      expect(await t.service.getSessionInfo("9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f")).toBeNull();
      expect(await t.service.revokeSession(UNKNOWN_ID.toUpperCase())).toEqual({
        ok: false,
        error: "not_found",
      });
      const user = await makeUser(t.service);
      const { session } = await t.service.createSession({ userId: user.id });
      expect((await t.service.getSessionInfo(` ${session.id} `))?.id).toBe(session.id);
    });
  });
}
