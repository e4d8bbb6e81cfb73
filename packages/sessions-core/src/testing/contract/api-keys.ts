// API keys: shown once, stored hashed, verified, throttled lastUsedAt, revoked once.
import { describe, expect, it } from "vitest";
import { API_KEY_SCOPES } from "../../domain/types.js";
import { MINUTE, SECOND } from "../fake-clock.js";
import type { ContractContext } from "./context.js";
import {
  allAudit,
  expectValidationError,
  recentlySignedIn,
  sha256Hex,
  snapshot,
  UNKNOWN_ID,
} from "./fixtures.js";

export function apiKeysContract(t: ContractContext): void {
  describe("api keys", () => {
    it("creates a key shown once, with ≥ 256 random bits and a preview of its hash", async () => {
      const { key, apiKey } = await t.service.createApiKey(
        { name: "billing", scopes: ["sessions:read", "sessions:read", "users:read"] },
        recentlySignedIn(t.clock, "admin-1"),
      );
      expect(key).toMatch(/^sk_sess_[A-Za-z0-9_-]{43,}$/);
      expect(Buffer.from(key.slice("sk_sess_".length), "base64url").length).toBeGreaterThanOrEqual(32);
      expect(apiKey).toEqual({
        id: expect.any(String) as string,
        name: "billing",
        keyPreview: sha256Hex(key).slice(0, 8),
        scopes: ["sessions:read", "users:read"],
        createdBy: "user:admin-1",
        createdAt: t.clock.now(),
        lastUsedAt: null,
        revokedAt: null,
        expiresAt: null,
        parentKeyId: null,
      });
      expect(await t.service.listApiKeys()).toEqual([apiKey]);
      const [event] = (await allAudit(t.service)).filter((e) => e.action === "api_key.created");
      expect(event).toMatchObject({
        target: apiKey.id,
        data: { name: "billing", scopes: ["sessions:read", "users:read"] },
      });
      const second = await t.service.createApiKey({ name: "billing", scopes: [...API_KEY_SCOPES] });
      expect(second.key).not.toBe(key);
    });

    it("verifies a key, writes lastUsedAt at most once a minute, and refuses unknown keys", async () => {
      const { key, apiKey } = await t.service.createApiKey({ name: "svc", scopes: ["sessions:issue"] });
      const verified = await t.service.verifyApiKey(key);
      expect(verified).toMatchObject({
        id: apiKey.id,
        scopes: ["sessions:issue"],
        lastUsedAt: t.clock.now(),
      });
      const firstUse = t.clock.now();
      t.clock.advance(30 * SECOND);
      expect((await t.service.verifyApiKey(key))?.lastUsedAt).toEqual(firstUse);
      expect((await t.service.listApiKeys())[0]?.lastUsedAt).toEqual(firstUse);
      t.clock.advance(30 * SECOND);
      const atBoundary = await t.service.verifyApiKey(key);
      expect(atBoundary?.lastUsedAt).toEqual((await t.service.listApiKeys())[0]?.lastUsedAt);
      t.clock.advance(1);
      expect((await t.service.verifyApiKey(key))?.lastUsedAt).toEqual(t.clock.now());
      expect((await t.service.listApiKeys())[0]?.lastUsedAt).toEqual(t.clock.now());

      for (const bad of [
        key + "x",
        key.slice(0, -1),
        key.replace("sk_sess_", "sk_live_"),
        "",
        "sk_sess_",
        "sk_sess_" + "a".repeat(300),
      ]) {
        expect(await t.service.verifyApiKey(bad)).toBeNull();
      }
    });

    it("revokes a key once; a revoked key no longer verifies", async () => {
      const { key, apiKey } = await t.service.createApiKey({ name: "old", scopes: ["audit:read"] });
      const keep = await t.service.createApiKey({ name: "new", scopes: ["audit:read"] });
      t.clock.advance(MINUTE);
      expect(await t.service.revokeApiKey(apiKey.id, { actor: { type: "user", id: "admin-2" } })).toEqual({
        ok: true,
      });
      expect(await t.service.revokeApiKey(apiKey.id)).toEqual({ ok: false, error: "not_found" });
      expect(await t.service.revokeApiKey(UNKNOWN_ID)).toEqual({ ok: false, error: "not_found" });
      expect(await t.service.verifyApiKey(key)).toBeNull();
      expect(await t.service.verifyApiKey(keep.key)).not.toBeNull();
      const listed = await t.service.listApiKeys();
      expect(listed.find((k) => k.id === apiKey.id)?.revokedAt).toEqual(t.clock.now());
      const events = (await allAudit(t.service)).filter((e) => e.action === "api_key.revoked");
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ actor: "admin-2", target: apiKey.id });
    });

    it("rejects a bad name or scopes with a ValidationError and writes nothing", async () => {
      await t.service.createApiKey({ name: "existing", scopes: ["audit:read"] });
      const before = await snapshot(t.service);
      await expectValidationError(t.service.createApiKey({ name: "", scopes: ["audit:read"] }), "name");
      await expectValidationError(t.service.createApiKey({ name: "   ", scopes: ["audit:read"] }), "name");
      await expectValidationError(
        t.service.createApiKey({ name: "x".repeat(101), scopes: ["audit:read"] }),
        "name",
      );
      await expectValidationError(t.service.createApiKey({ name: "k", scopes: [] }), "scopes");
      await expectValidationError(t.service.createApiKey({ name: "k", scopes: ["root"] }), "scopes.0");
      await expectValidationError(t.service.revokeApiKey(""), "id");
      expect(await snapshot(t.service)).toBe(before);
    });
  });
}
