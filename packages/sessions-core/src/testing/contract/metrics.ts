// What the service counts for metrics (apps/api's /metrics): every validation by what it found,
// every created session by kind, every ended session by the operation that ended it. Counted from
// real store answers, so a store that reported revocations wrongly would count wrongly here too.
import { describe, expect, it } from "vitest";
import type { ServiceMetrics } from "../../service/context.js";
import type { SessionEndReason, SessionKind, ValidationResult } from "../../vocab.js";
import { HOUR } from "../fake-clock.js";
import type { ContractContext } from "./context.js";
import { makeUser, recentlySignedIn } from "./fixtures.js";

function recorder() {
  const created: SessionKind[] = [];
  const validated: ValidationResult[] = [];
  const seconds: number[] = [];
  const ended: Partial<Record<SessionEndReason, number>> = {};
  const metrics: ServiceMetrics = {
    sessionCreated: (kind) => created.push(kind),
    sessionValidated: (result, s) => {
      validated.push(result);
      seconds.push(s);
    },
    sessionsEnded: (reason, count) => {
      ended[reason] = (ended[reason] ?? 0) + count;
    },
  };
  return { metrics, created, validated, seconds, ended };
}

export function metricsContract(t: ContractContext): void {
  describe("metrics", () => {
    it("counts each app validation by what it found, and times it", async () => {
      const r = recorder();
      const service = t.withOptions({ metrics: r.metrics, config: { idleTimeoutMs: 2 * HOUR } });
      const user = await makeUser(service);
      const valid = await service.createSession({ userId: user.id });
      const revoked = await service.createSession({ userId: user.id });
      await service.revokeSession(revoked.session.id);
      const signIn = await service.createConsoleSession({ userId: user.id });
      const short = await t
        .withOptions({ metrics: r.metrics, config: { lifetimeMs: HOUR } })
        .createSession({ userId: user.id });

      expect(await service.validateSession(valid.token)).not.toBeNull();
      expect(await service.validateSession(revoked.token)).toBeNull();
      expect(await service.validateSession("not a token")).toBeNull();
      // A console sign-in is no app session; the console's own checks are not counted.
      expect(await service.validateSession(signIn.token)).toBeNull();
      expect(await service.validateConsoleSession(signIn.token)).not.toBeNull();
      t.clock.advance(90 * 60_000);
      expect(await service.validateSession(short.token)).toBeNull(); // past its 1 h lifetime
      t.clock.advance(3 * HOUR);
      expect(await service.validateSession(valid.token)).toBeNull(); // idle past 2 h

      expect(r.validated).toEqual(["valid", "revoked", "unknown", "unknown", "expired", "idle"]);
      expect(r.seconds.every((s) => s >= 0 && s < 60)).toBe(true);
      expect(r.created).toEqual(["app", "app", "console", "app"]);
    });

    it("counts ended sessions by the operation that ended them, only what was really ended", async () => {
      const r = recorder();
      const service = t.withOptions({ metrics: r.metrics });
      const admin = await makeUser(service, { role: "admin" });
      const asAdmin = recentlySignedIn(t.clock, admin.id);
      const a = await makeUser(service);
      const b = await makeUser(service);
      const c = await makeUser(service);
      const s1 = await service.createSession({ userId: a.id });
      await service.createSession({ userId: a.id });
      await service.createSession({ userId: a.id });
      for (let i = 0; i < 3; i++) await service.createSession({ userId: b.id });
      const cs = await service.createSession({ userId: c.id });
      await service.createSession({ userId: c.id });

      expect((await service.endSession(cs.token)).ok).toBe(true);
      expect((await service.endSession(cs.token)).ok).toBe(false); // already ended: not counted again
      expect((await service.revokeSession(s1.session.id)).ok).toBe(true);
      expect((await service.revokeSession(s1.session.id)).ok).toBe(false);
      expect(await service.revokeUserSessions(a.id)).toBe(2);
      expect((await service.setUserStatus(b.id, "disabled", asAdmin)).ok).toBe(true);
      const bulk = await service.revokeSessions({ filter: { status: "active" }, dryRun: false });
      expect(bulk.revoked).toBe(1); // c's second session

      expect(r.ended).toEqual({ logout: 1, revoked: 1, user_revoked: 2, user_disabled: 3, bulk: 1 });
    });
  });
}
