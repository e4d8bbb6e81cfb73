// Best-effort writes stay best-effort (issue 11, finding 2): when the database cannot take writes
// (a full disk, a read-only file, a database going away), a validation or an API key check still
// answers from what it read; the skipped lastSeenAt / lastUsedAt touch is counted and reported.
// The store below is the real one with only its two touch methods failing as a full disk makes
// them fail; the fault suite in apps/api proves the same on a real full filesystem.
import { describe, expect, it } from "vitest";
import type { BestEffortWrite } from "../../service/context.js";
import type { SessionsStore } from "../../store/store.js";
import { HOUR } from "../fake-clock.js";
import type { ContractContext } from "./context.js";
import { makeUser } from "./fixtures.js";

export function bestEffortContract(t: ContractContext): void {
  describe("best-effort writes", () => {
    function failingTouches(): SessionsStore {
      const full = () =>
        Promise.reject(Object.assign(new Error("database or disk is full"), { code: "SQLITE_FULL" }));
      return { ...t.store, touchSession: full, touchApiKey: full };
    }

    it("a failed lastSeenAt or lastUsedAt touch is counted and reported, never thrown", async () => {
      const user = await makeUser(t.service);
      const { token, session } = await t.service.createSession({ userId: user.id });
      const { key, apiKey } = await t.service.createApiKey({ name: "svc", scopes: ["sessions:read"] });
      const reported: BestEffortWrite[] = [];
      const service = t.withOptions({
        store: failingTouches(),
        onBestEffortFailure: ({ write }) => reported.push(write),
      });
      t.clock.advance(HOUR);

      const validated = await service.validateSession(token);
      expect(validated?.session.id).toBe(session.id);
      // Not written, so not claimed: what it returns is what is stored.
      expect(validated?.session.lastSeenAt).toEqual(session.lastSeenAt);
      expect((await service.verifyApiKey(key))?.id).toBe(apiKey.id);
      expect(reported).toEqual(["touchSession", "touchApiKey"]);
      expect(service.faults()).toEqual({ failedTouches: { touchSession: 1, touchApiKey: 1 } });
      expect((await t.service.getSessionInfo(session.id))?.lastSeenAt).toEqual(session.lastSeenAt);

      // A reporter that throws changes nothing for the caller.
      const loud = t.withOptions({
        store: failingTouches(),
        onBestEffortFailure: () => {
          throw new Error("logger down");
        },
      });
      expect((await loud.validateSession(token))?.session.id).toBe(session.id);
    });

    it("once writes work again the next validation touches as usual", async () => {
      const user = await makeUser(t.service);
      const { token } = await t.service.createSession({ userId: user.id });
      t.clock.advance(HOUR);
      await t.withOptions({ store: failingTouches() }).validateSession(token);
      const healed = await t.service.validateSession(token);
      expect(healed?.session.lastSeenAt).toEqual(t.clock.now());
      expect(t.service.faults().failedTouches.touchSession).toBe(0);
    });
  });
}
