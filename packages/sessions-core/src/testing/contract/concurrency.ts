// Concurrent callers: each session is revoked exactly once, counts add up, nothing is lost.
// On SQLite the driver serializes; on a real Postgres server these calls race on a connection pool.
import { describe, expect, it } from "vitest";
import { ConflictError, ForbiddenError, NotFoundError } from "../../domain/errors.js";
import type { CreatedSession } from "../../domain/types.js";
import type { SessionRecord } from "../../store/store.js";
import type { ContractContext } from "./context.js";
import { allAudit, allSessions, makeUser, snapshot, UNKNOWN_ID } from "./fixtures.js";

export function concurrencyContract(t: ContractContext): void {
  describe("concurrency", () => {
    it("20 concurrent revokes of one session: exactly one ok, 19 not_found, one audit event", async () => {
      const user = await makeUser(t.service);
      const { session } = await t.service.createSession({ userId: user.id });
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          t.service.revokeSession(session.id, { actor: { type: "api_key", id: `key${i}` }, reason: `r${i}` }),
        ),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok && r.error === "not_found")).toHaveLength(19);
      const winner = results.findIndex((r) => r.ok);
      const info = await t.service.getSessionInfo(session.id);
      expect(info).toMatchObject({
        status: "revoked",
        revokedBy: `api_key:key${winner}`,
        revokeReason: `r${winner}`,
      });
      const events = (await allAudit(t.service)).filter((e) => e.action === "session.revoked");
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        actor: `key${winner}`,
        target: session.id,
        reason: `r${winner}`,
        count: 1,
      });
    });

    it("revokeUserSessions racing createSession: every session is revoked and counted once, or still active", async () => {
      const user = await makeUser(t.service);
      const bystander = await makeUser(t.service);
      const bystanders = [];
      for (let i = 0; i < 3; i++) bystanders.push(await t.service.createSession({ userId: bystander.id }));
      const existing: string[] = [];
      for (let i = 0; i < 5; i++)
        existing.push((await t.service.createSession({ userId: user.id })).session.id);

      const revokes: Promise<number>[] = [];
      const creates: Promise<CreatedSession>[] = [];
      for (let i = 0; i < 40; i++) {
        creates.push(t.service.createSession({ userId: user.id }));
        if (i % 10 === 5)
          revokes.push(t.service.revokeUserSessions(user.id, { reason: `round ${revokes.length}` }));
      }
      const [counts] = await Promise.all([Promise.all(revokes), Promise.all(creates)]);

      const sessions = (await allSessions(t.service)).filter((s) => s.user.id === user.id);
      expect(sessions).toHaveLength(45);
      for (const s of sessions) {
        expect(["active", "revoked"]).toContain(s.status);
        if (s.status === "revoked") expect(s.revokeReason).toMatch(/^round \d$/);
      }
      // Each call's count is exactly the sessions carrying its reason: none lost, none counted twice.
      counts.forEach((count, round) => {
        expect(
          sessions.filter((s) => s.revokeReason === `round ${round}`),
          `round ${round}`,
        ).toHaveLength(count);
      });
      const revoked = sessions.filter((s) => s.status === "revoked").length;
      expect(counts.reduce((a, b) => a + b, 0)).toBe(revoked);
      // Sessions that existed before any revoke started are revoked by one of them, whichever ran first.
      for (const id of existing) expect(sessions.find((s) => s.id === id)?.status).toBe("revoked");
      expect(await t.service.countActiveSessions({ userId: user.id })).toBe(45 - revoked);

      // The audit trail says the same: one event per call that revoked something, with its count.
      const events = (await allAudit(t.service)).filter((e) => e.action === "user.sessions_revoked");
      expect(events.map((e) => e.count).sort()).toEqual(counts.filter((c) => c > 0).sort());

      // A final revoke takes exactly what is left; the total equals every session ever revoked.
      const last = await t.service.revokeUserSessions(user.id);
      expect(last).toBe(45 - revoked);
      expect(await t.service.countActiveSessions({ userId: user.id })).toBe(0);
      for (const b of bystanders) expect(await t.service.validateSession(b.token)).not.toBeNull();
    });

    it("repeated concurrent revokeUserSessions never double-count", async () => {
      const user = await makeUser(t.service);
      for (let i = 0; i < 12; i++) await t.service.createSession({ userId: user.id });
      const counts = await Promise.all(
        Array.from({ length: 8 }, () => t.service.revokeUserSessions(user.id)),
      );
      expect(counts.reduce((a, b) => a + b, 0)).toBe(12);
      const events = (await allAudit(t.service)).filter((e) => e.action === "user.sessions_revoked");
      expect(events.reduce((a, e) => a + (e.count ?? 0), 0)).toBe(12);
    });

    it("disabling a user while sessions are created concurrently: every session that got through is revoked", async () => {
      // Several rounds: on a real server the interleaving differs from run to run.
      for (let round = 0; round < 10; round++) {
        const user = await makeUser(t.service);
        for (let i = 0; i < 4; i++) await t.service.createSession({ userId: user.id });
        const creates = Array.from({ length: 10 }, () =>
          t.service.createSession({ userId: user.id }).then(
            (c) => c,
            (e: unknown) => {
              expect(e).toBeInstanceOf(ForbiddenError);
              return null;
            },
          ),
        );
        const [status, created] = await Promise.all([
          t.service.setUserStatus(user.id, "disabled"),
          Promise.all(creates),
        ]);
        expect(status.ok && status.revokedSessions).toBeGreaterThanOrEqual(4);
        for (const c of created) if (c) expect(await t.service.validateSession(c.token)).toBeNull();
        // A session issued concurrently with the disable must not come back when the user is re-enabled.
        await t.service.setUserStatus(user.id, "active");
        expect(await t.service.countActiveSessions({ userId: user.id }), `round ${round}`).toBe(0);
      }
    });

    // The store checks the user's status and inserts in one transaction (share-locking the user row
    // on Postgres), so the race above has no gap to replay step by step; these pin the store's half.
    it("the store refuses to insert a session for a disabled or unknown user, and writes nothing", async () => {
      const user = await makeUser(t.service);
      const { session } = await t.service.createSession({ userId: user.id });
      await t.service.setUserStatus(user.id, "disabled");
      const before = await snapshot(t.service);
      const at = t.clock.now();
      const record: SessionRecord = {
        id: `${session.id}-x`,
        kind: "app",
        tokenHash: "f".repeat(64),
        userId: user.id,
        createdAt: at,
        expiresAt: new Date(at.getTime() + 60_000),
        lastSeenAt: at,
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
      };
      expect(await t.store.insertSession(record, null)).toEqual({ ok: false, error: "user_disabled" });
      expect(await t.store.insertSession({ ...record, userId: "no-such-user" }, null)).toEqual({
        ok: false,
        error: "user_not_found",
      });
      expect(await snapshot(t.service)).toEqual(before);
      await expect(t.service.createSession({ userId: user.id })).rejects.toBeInstanceOf(ForbiddenError);
      await expect(t.service.createSession({ userId: UNKNOWN_ID })).rejects.toBeInstanceOf(NotFoundError);
    });

    it("concurrent createUser with one email: exactly one wins, the rest are ConflictError", async () => {
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) =>
          t.service.createUser({ email: i % 2 ? "Race@Example.com" : "race@example.com" }),
        ),
      );
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const rejected = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
      expect(rejected).toHaveLength(7);
      for (const r of rejected) expect(r.reason).toBeInstanceOf(ConflictError);
      expect((await t.service.listUsers()).items).toHaveLength(1);
      expect((await allAudit(t.service)).filter((e) => e.action === "user.created")).toHaveLength(1);
    });

    it("concurrent validations after the touch interval all succeed and store one lastSeenAt", async () => {
      const user = await makeUser(t.service);
      const { token, session } = await t.service.createSession({ userId: user.id });
      t.clock.advance(5 * 60_000);
      const results = await Promise.all(Array.from({ length: 10 }, () => t.service.validateSession(token)));
      expect(results.every((r) => r?.session.id === session.id)).toBe(true);
      expect((await t.service.getSessionInfo(session.id))?.lastSeenAt).toEqual(t.clock.now());
    });
  });
}
