// The sign-in limits (domain/sign-in.ts, service/sign-in.ts) on every store: the counter table's
// upsert (counts, windows, isolation between addresses, exact counts under concurrency), what
// signIn decides from it, the security log (auth.login_failed) and the upgrade of old hashes.
import { describe, expect, it } from "vitest";
import { LEGACY_PASSWORD_HASHING, PASSWORD_HASHING, hashParams } from "../../domain/password.js";
import { EVERY_ADDRESS, SIGN_IN_LIMITS, emailDelayMs } from "../../domain/sign-in.js";
import { HOUR, MINUTE, SECOND } from "../fake-clock.js";
import type { ContractContext } from "./context.js";
import { allAudit, makeUser } from "./fixtures.js";

const PASSWORD = "correct horse battery";
const WRONG = "wrong horse battery";

export function signInLimitsContract(t: ContractContext): void {
  describe("sign-in limits", () => {
    const count = (email: string, address: string, windowMs = 15 * MINUTE) =>
      t.store.countSignInAttempt(email, address, t.clock.now(), new Date(t.clock.now().getTime() - windowMs));
    const attempt = (email: string, password: string, ip: string, service = t.service) =>
      service.signIn({ email, password, ip, userAgent: "contract" });

    it("counts per (email, address), restarts after a quiet window, and keeps addresses apart", async () => {
      const start = t.clock.now();
      expect(await count("a@example.com", "192.0.2.1")).toEqual({ attempts: 1, windowStart: start });
      t.clock.advance(15 * MINUTE - 1);
      expect(await count("a@example.com", "192.0.2.1")).toEqual({ attempts: 2, windowStart: start });
      // Another address, another email: counters of their own.
      expect((await count("a@example.com", "192.0.2.2")).attempts).toBe(1);
      expect((await count("b@example.com", "192.0.2.1")).attempts).toBe(1);
      // A whole window without an attempt: the count starts again at now.
      t.clock.advance(15 * MINUTE);
      expect(await count("a@example.com", "192.0.2.1")).toEqual({ attempts: 1, windowStart: t.clock.now() });
      expect((await count("a@example.com", "192.0.2.1")).attempts).toBe(2);
      await t.store.clearSignInAttempts("a@example.com", "192.0.2.1");
      expect((await count("a@example.com", "192.0.2.1")).attempts).toBe(1);
      expect((await count("a@example.com", "192.0.2.2")).attempts).toBe(1);
    });

    it("counts 20 concurrent attempts exactly: each gets its own count, 1 to 20", async () => {
      const counts = await Promise.all(Array.from({ length: 20 }, () => count("c@example.com", "192.0.2.9")));
      expect(counts.map((c) => c.attempts).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
      expect((await count("c@example.com", "192.0.2.9")).attempts).toBe(21);
    });

    it("20 concurrent wrong guesses from one address: at most 5 are evaluated, the rest rate limited", async () => {
      const admin = await makeUser(t.service, { role: "admin", password: PASSWORD });
      const results = await Promise.all(
        Array.from({ length: 20 }, () => attempt(admin.email, WRONG, "198.51.100.1")),
      );
      expect(results.filter((r) => !r.ok && r.reason === "bad_credentials")).toHaveLength(5);
      const limited = results.filter((r) => !r.ok && r.reason === "rate_limited");
      expect(limited).toHaveLength(15);
      for (const r of limited) expect(r).toMatchObject({ retryAfterSeconds: 15 * 60 });
      // The same email from another address is not stopped; the blocked address is, right password or not.
      expect(await attempt(admin.email, PASSWORD, "198.51.100.2")).toMatchObject({ ok: true });
      expect(await attempt(admin.email, PASSWORD, "198.51.100.1")).toMatchObject({ reason: "rate_limited" });
      t.clock.advance(15 * MINUTE + 1);
      expect(await attempt(admin.email, PASSWORD, "198.51.100.1")).toMatchObject({ ok: true });
    });

    it("a success clears the address's failures; a retry while blocked blocks it 15 minutes more", async () => {
      const admin = await makeUser(t.service, { role: "admin", password: PASSWORD });
      for (let i = 0; i < 4; i++) expect((await attempt(admin.email, WRONG, "203.0.113.5")).ok).toBe(false);
      expect(await attempt(admin.email, PASSWORD, "203.0.113.5")).toMatchObject({ ok: true });
      // Cleared: five more failures are evaluated before the sixth is refused.
      for (let i = 0; i < 5; i++) {
        expect(await attempt(admin.email, WRONG, "203.0.113.5")).toMatchObject({ reason: "bad_credentials" });
      }
      t.clock.advance(10 * MINUTE);
      expect(await attempt(admin.email, PASSWORD, "203.0.113.5")).toEqual({
        ok: false,
        reason: "rate_limited",
        retryAfterSeconds: 15 * 60,
      });
      t.clock.advance(15 * MINUTE - 1);
      expect(await attempt(admin.email, PASSWORD, "203.0.113.5")).toMatchObject({ reason: "rate_limited" });
      t.clock.advance(15 * MINUTE);
      expect(await attempt(admin.email, PASSWORD, "203.0.113.5")).toMatchObject({ ok: true });
    });

    it("past 50 attempts an hour for an email every attempt waits a growing delay, and is never refused", async () => {
      const waits: number[] = [];
      const service = t.withOptions({ wait: async (ms) => void waits.push(ms) });
      const admin = await makeUser(service, { role: "admin", password: PASSWORD });
      // 50 attempts from 10 addresses (5 each, the most each may make) leave the email at its threshold.
      for (let i = 0; i < SIGN_IN_LIMITS.perEmailBeforeDelay; i++) {
        await count(admin.email, EVERY_ADDRESS, HOUR);
      }
      expect(await attempt(admin.email, WRONG, "192.0.2.51", service)).toMatchObject({
        reason: "bad_credentials",
        delayedMs: 250,
      });
      for (let i = 0; i < 10; i++) await count(admin.email, EVERY_ADDRESS, HOUR);
      // The real admin, from an address of their own: slowed (the 62nd attempt: 250 ms · 2^1.1), signed in.
      const signedIn = await attempt(admin.email, PASSWORD, "192.0.2.200", service);
      expect(signedIn).toMatchObject({
        ok: true,
        delayedMs: emailDelayMs({ attempts: 62, windowStart: t.clock.now() }),
      });
      expect(waits).toEqual([250, 536]);
      // The curve is capped, and an hour without attempts restarts it.
      expect(emailDelayMs({ attempts: 10_000, windowStart: t.clock.now() })).toBe(SIGN_IN_LIMITS.maxDelayMs);
      t.clock.advance(HOUR + SECOND);
      expect(await attempt(admin.email, PASSWORD, "192.0.2.200", service)).toMatchObject({ delayedMs: 0 });
    });

    it("records failed sign-ins as auth.login_failed: target user, IP, user agent, reason, never the password", async () => {
      const admin = await makeUser(t.service, { role: "admin", password: PASSWORD });
      const user = await makeUser(t.service, { role: "user", password: PASSWORD });
      const disabled = await makeUser(t.service, { role: "viewer", password: PASSWORD });
      await t.service.setUserStatus(disabled.id, "disabled");
      expect(await attempt(` ${disabled.email.toUpperCase()} `, PASSWORD, "192.0.2.6")).toMatchObject({
        ok: false,
        reason: "disabled",
      });
      await attempt(admin.email, WRONG, "192.0.2.7");
      await attempt("nobody@example.com", WRONG, "192.0.2.7");
      await attempt(user.email, PASSWORD, "192.0.2.7");
      // Five evaluated, the sixth refused unevaluated.
      for (let i = 0; i < 6; i++) await attempt(admin.email, WRONG, "192.0.2.8");
      const events = (await allAudit(t.service)).filter((e) => e.action === "auth.login_failed");
      expect(events).toHaveLength(10);
      expect(events.find((e) => e.reason === "account disabled")).toMatchObject({
        target: disabled.id,
        data: { email: disabled.email },
      });
      const byReason = (reason: string) => events.filter((e) => e.reason === reason);
      expect(byReason("bad credentials")).toHaveLength(7);
      expect(byReason("no console role")[0]).toMatchObject({ targetType: "user", target: user.id });
      expect(byReason("rate limited")).toHaveLength(1);
      expect(byReason("rate limited")[0]).toMatchObject({ target: admin.id, ip: "192.0.2.8" });
      const unknown = events.find((e) => e.target === null);
      expect(unknown).toMatchObject({
        ip: "192.0.2.7",
        data: { email: "nobody@example.com", userAgent: "contract" },
      });
      expect(JSON.stringify(events)).not.toContain("horse battery");
      // A success writes no failure.
      await attempt(admin.email, PASSWORD, "192.0.2.9");
      expect((await allAudit(t.service)).filter((e) => e.action === "auth.login_failed")).toHaveLength(10);
    });

    it("upgrades an older hash on the next successful sign-in, audited, and never on a failure", async () => {
      const legacy = t.withOptions({ passwordHashing: LEGACY_PASSWORD_HASHING });
      const admin = await makeUser(legacy, { role: "admin", password: PASSWORD });
      const hashOf = async () => (await t.store.getUserByEmail(admin.email))!.passwordHash!;
      const old = await hashOf();
      expect(hashParams(old)).toEqual(LEGACY_PASSWORD_HASHING);
      await attempt(admin.email, WRONG, "192.0.2.20");
      expect(await hashOf()).toBe(old);
      expect(await attempt(admin.email, PASSWORD, "192.0.2.20")).toMatchObject({ ok: true });
      const upgraded = await hashOf();
      expect(hashParams(upgraded)).toEqual(PASSWORD_HASHING);
      // Still the same password, and a service with cheaper settings does not downgrade it.
      expect((await t.service.verifyPassword(admin.email, PASSWORD))?.id).toBe(admin.id);
      await legacy.verifyPassword(admin.email, PASSWORD);
      expect(await hashOf()).toBe(upgraded);
      const events = (await allAudit(t.service)).filter((e) => e.action === "user.password_rehashed");
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ actor: admin.id, target: admin.id });
      expect(JSON.stringify(events)).not.toContain(upgraded.split("$")[5]!);
      // A rehash replaces only the hash it verified: a hash changed meanwhile stays.
      expect(await t.store.setPasswordHash(admin.id, old, "scrypt$x", t.clock.now(), null)).toBe(false);
      expect(await hashOf()).toBe(upgraded);
    });

    it("pruneSignInAttempts and prune delete counters untouched for two hours, in bounded batches", async () => {
      for (let i = 0; i < 5; i++) await count(`old${i}@example.com`, "192.0.2.30");
      t.clock.advance(2 * HOUR + 1);
      await count("fresh@example.com", "192.0.2.30");
      expect(await t.store.pruneSignInAttempts(new Date(t.clock.now().getTime() - 2 * HOUR), 2)).toBe(2);
      await t.service.prune();
      expect(await t.store.pruneSignInAttempts(new Date(t.clock.now().getTime() - 2 * HOUR), 100)).toBe(0);
      expect((await count("fresh@example.com", "192.0.2.30")).attempts).toBe(2);
      expect((await count("old0@example.com", "192.0.2.30")).attempts).toBe(1);
    });
  });
}
