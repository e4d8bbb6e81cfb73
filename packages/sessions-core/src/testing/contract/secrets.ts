// Secrets never leak: a raw token (or its full hash) appears only in createSession's result, a raw
// API key only in createApiKey's. Checked on the serialized JSON of everything the service returns.
import { describe, expect, it } from "vitest";
import { createSessionsService } from "../../service/index.js";
import { MINUTE } from "../fake-clock.js";
import type { ContractContext } from "./context.js";
import { allAudit, allSessions, allUsers, makeUser, recentlySignedIn, sha256Hex, UA } from "./fixtures.js";

export function secretsContract(t: ContractContext): void {
  describe("secrets", () => {
    it("issues tokens of ≥ 256 random bits, base64url, with tokenPreview = first 8 hex of SHA-256", async () => {
      const user = await makeUser(t.service);
      const tokens = new Set<string>();
      for (let i = 0; i < 20; i++) {
        const { token, session } = await t.service.createSession({ userId: user.id });
        expect(token).toMatch(/^[A-Za-z0-9_-]{43,}$/);
        expect(Buffer.from(token, "base64url").length).toBeGreaterThanOrEqual(32);
        expect(Buffer.from(token, "base64url").toString("base64url")).toBe(token);
        expect(session.tokenPreview).toBe(sha256Hex(token).slice(0, 8));
        expect((await t.service.getSessionInfo(session.id))?.tokenPreview).toBe(sha256Hex(token).slice(0, 8));
        expect((await t.service.validateSession(token))?.session.tokenPreview).toBe(
          sha256Hex(token).slice(0, 8),
        );
        expect(session.id).not.toBe(token);
        tokens.add(token);
      }
      expect(tokens.size).toBe(20);
    });

    it("takes token bytes from the injected random source", async () => {
      const bytes = new Uint8Array(32).map((_, i) => i * 7);
      const seeded = createSessionsService({
        store: t.store,
        clock: t.clock,
        random: (n) => bytes.slice(0, n),
      });
      const user = await makeUser(seeded);
      const { token } = await seeded.createSession({ userId: user.id });
      expect(token).toBe(Buffer.from(bytes).toString("base64url"));
      expect(await seeded.validateSession(token)).not.toBeNull();
    });

    it("no returned object contains a raw token or its hash, except the creating result's token", async () => {
      const admin = await makeUser(t.service, { role: "admin", password: "admin password" });
      const user = await makeUser(t.service, { name: "Eve" });
      const actor = { type: "user" as const, id: admin.id };
      const created = [];
      for (let i = 0; i < 4; i++) {
        created.push(
          await t.service.createSession(
            { userId: i === 0 ? admin.id : user.id, userAgent: UA.chromeWindows.ua, ip: "10.1.1.1" },
            { actor },
          ),
        );
      }
      const apiKey = await t.service.createApiKey(
        { name: "svc", scopes: ["sessions:read"] },
        recentlySignedIn(t.clock, admin.id),
      );
      const mine = { actor, currentSessionId: created[0]!.session.id };
      t.clock.advance(5 * MINUTE);

      const returned: [string, unknown][] = [];
      const keep = (label: string, value: unknown) => returned.push([label, value]);
      for (const c of created) {
        keep("validate", await t.service.validateSession(c.token));
        keep("get", await t.service.getSessionInfo(c.session.id, mine));
      }
      keep("list", await t.service.listActiveSessions({ filter: { status: "all" } }, mine));
      keep("listUser", await t.service.listUserSessions(user.id, {}, mine));
      keep("count", await t.service.countActiveSessions());
      keep("stats", await t.service.getSessionStats());
      keep("users", await t.service.listUsers());
      keep("getUser", await t.service.getUser(user.id));
      keep("findUser", await t.service.findUserByEmail(user.email));
      keep("verifyPassword", await t.service.verifyPassword(admin.email, "admin password"));
      keep("verifyApiKey", await t.service.verifyApiKey(apiKey.key));
      keep("listApiKeys", await t.service.listApiKeys());
      keep("preview", await t.service.revokeSessions({ filter: { userId: user.id }, dryRun: true }, mine));
      keep("revoke", await t.service.revokeSession(created[1]!.session.id, { ...mine, reason: "r" }));
      keep(
        "revokeMany",
        await t.service.revokeSessions({ filter: { userId: user.id }, dryRun: false }, mine),
      );
      keep("end", await t.service.endSession(created[0]!.token));
      keep("disable", await t.service.setUserStatus(user.id, "disabled", mine));
      keep("revokeUser", await t.service.revokeUserSessions(admin.id, mine));
      keep("revokeKey", await t.service.revokeApiKey(apiKey.apiKey.id, mine));
      keep("prune", await t.service.prune());
      keep("audit", await allAudit(t.service));
      keep("allSessions", await allSessions(t.service));
      keep("allUsers", await allUsers(t.service));

      const secrets = [
        ...created.flatMap((c) => [c.token, sha256Hex(c.token)]),
        apiKey.key,
        sha256Hex(apiKey.key),
        apiKey.key.slice("sk_sess_".length),
      ];
      for (const [label, value] of returned) {
        const json = JSON.stringify(value);
        for (const secret of secrets) expect(json.includes(secret), `${label} leaks a secret`).toBe(false);
        expect(json, label).not.toMatch(/scrypt\$|passwordHash|tokenHash|keyHash/);
      }
      // The creating results carry their own secret once, and nothing else secret.
      for (const c of created) {
        const json = JSON.stringify(c);
        expect(json.split(c.token)).toHaveLength(2);
        expect(JSON.stringify(c.session).includes(c.token)).toBe(false);
        for (const secret of secrets.filter((s) => s !== c.token)) expect(json.includes(secret)).toBe(false);
      }
      const keyJson = JSON.stringify(apiKey);
      expect(keyJson.split(apiKey.key)).toHaveLength(2);
      expect(JSON.stringify(apiKey.apiKey).includes(apiKey.key)).toBe(false);
      expect(keyJson.includes(sha256Hex(apiKey.key))).toBe(false);
    });

    it("events emitted to listeners carry no token", async () => {
      const events: unknown[] = [];
      const service = t.withOptions({ onEvent: (e) => events.push(e) });
      const user = await makeUser(service);
      const { token, session } = await service.createSession({ userId: user.id });
      await service.revokeSession(session.id);
      const second = await service.createSession({ userId: user.id });
      await service.endSession(second.token);
      expect(events.length).toBeGreaterThanOrEqual(4);
      const json = JSON.stringify(events);
      for (const secret of [token, sha256Hex(token), second.token, sha256Hex(second.token)]) {
        expect(json.includes(secret)).toBe(false);
      }
    });
  });
}
