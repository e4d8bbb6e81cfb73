// Operators (admins, viewers) are managed only by console admins; API keys expire and die with the
// key that made them (issue 10, findings 2, 3 and 6). The last-admin rule is checked in the store's
// transaction, so the concurrent cases below are the ones that matter.
import { describe, expect, it } from "vitest";
import { ForbiddenError, ValidationError } from "../../domain/errors.js";
import type { Actor } from "../../domain/types.js";
import { DAY } from "../fake-clock.js";
import type { ContractContext } from "./context.js";
import { allAudit, expectRejection, makeUser, recentlySignedIn, UNKNOWN_ID } from "./fixtures.js";

const asKey = (id: string): { actor: Actor } => ({ actor: { type: "api_key", id } });

export function operatorsContract(t: ContractContext): void {
  // A console admin whose password was just checked: these tests are about the operator rules, not
  // the reauth window (reauth.ts covers that).
  const asUser = (id: string) => recentlySignedIn(t.clock, id);
  describe("operators", () => {
    it("an API key cannot create an admin or a viewer, nor set a password", async () => {
      const key = await t.service.createApiKey({ name: "svc", scopes: ["users:write"] });
      const ctx = asKey(key.apiKey.id);
      for (const role of ["admin", "viewer"] as const) {
        await expectRejection(
          t.service.createUser({ email: `${role}@example.com`, role }, ctx),
          ForbiddenError,
        );
      }
      await expectRejection(
        t.service.createUser({ email: "u@example.com", password: "a long password" }, ctx),
        ForbiddenError,
      );
      expect(await t.service.findUserByEmail("admin@example.com")).toBeNull();
      expect(await t.service.findUserByEmail("u@example.com")).toBeNull();
      // End users without a password are what a key may create.
      expect(await t.service.createUser({ email: "end@example.com" }, ctx)).toMatchObject({ role: "user" });
    });

    it("an API key cannot change an operator's status or anyone's role", async () => {
      const admin = await makeUser(t.service, { role: "admin" });
      const viewer = await makeUser(t.service, { role: "viewer" });
      const user = await makeUser(t.service);
      const ctx = asKey("key-1");
      await expectRejection(t.service.setUserStatus(viewer.id, "disabled", ctx), ForbiddenError);
      await expectRejection(t.service.setUserStatus(admin.id, "disabled", ctx), ForbiddenError);
      await expectRejection(t.service.setUserRole(user.id, "admin", ctx), ForbiddenError);
      expect((await t.service.getUser(viewer.id))?.status).toBe("active");
      expect((await t.service.getUser(user.id))?.role).toBe("user");
      // An end user's status is still the key's to change.
      expect(await t.service.setUserStatus(user.id, "disabled", ctx)).toMatchObject({ ok: true });
    });

    it("nobody disables or demotes themselves", async () => {
      const me = await makeUser(t.service, { role: "admin" });
      await makeUser(t.service, { role: "admin" });
      const disable = await expectRejection(
        t.service.setUserStatus(me.id, "disabled", asUser(me.id)),
        ValidationError,
      );
      expect(disable.message).toMatch(/own account/);
      const demote = await expectRejection(
        t.service.setUserRole(me.id, "viewer", asUser(me.id)),
        ValidationError,
      );
      expect(demote.message).toMatch(/own role/);
      expect(await t.service.getUser(me.id)).toMatchObject({ role: "admin", status: "active" });
    });

    it("the last active admin cannot be disabled or demoted; another can, audited", async () => {
      const first = await makeUser(t.service, { role: "admin" });
      const second = await makeUser(t.service, { role: "admin" });
      const viewer = await makeUser(t.service, { role: "viewer" });
      expect(await t.service.setUserRole(second.id, "viewer", asUser(first.id))).toMatchObject({
        ok: true,
        user: { role: "viewer" },
      });
      const [event] = (await allAudit(t.service)).filter((e) => e.action === "user.role_changed");
      expect(event).toMatchObject({
        actor: first.id,
        target: second.id,
        data: { from: "admin", to: "viewer" },
      });
      for (const change of [
        () => t.service.setUserStatus(first.id, "disabled", asUser(viewer.id)),
        () => t.service.setUserRole(first.id, "user", asUser(viewer.id)),
        () => t.service.setUserStatus(first.id, "disabled"),
      ]) {
        const error = await expectRejection(change(), ValidationError);
        expect(error.message).toMatch(/last active admin/);
      }
      expect(await t.service.getUser(first.id)).toMatchObject({ role: "admin", status: "active" });
      // A disabled admin does not count: promoting it back is fine, disabling the other is not.
      await t.service.setUserRole(second.id, "admin", asUser(first.id));
      await t.service.setUserStatus(second.id, "disabled", asUser(first.id));
      await expectRejection(
        t.service.setUserStatus(first.id, "disabled", asUser(second.id)),
        ValidationError,
      );
      expect(await t.service.setUserRole(UNKNOWN_ID, "viewer", asUser(first.id))).toEqual({
        ok: false,
        error: "not_found",
      });
    });

    it("of two concurrent demotions or disables of the last two admins, exactly one succeeds", async () => {
      for (let round = 0; round < 6; round++) {
        const a = await makeUser(t.service, { role: "admin" });
        const b = await makeUser(t.service, { role: "admin" });
        // Every other admin from earlier rounds is already gone, so a and b are the last two.
        const changes =
          round % 2 === 0
            ? [
                t.service.setUserRole(a.id, "user", asUser(b.id)),
                t.service.setUserRole(b.id, "user", asUser(a.id)),
              ]
            : [t.service.setUserStatus(a.id, "disabled"), t.service.setUserStatus(b.id, "disabled")];
        const settled = await Promise.allSettled(changes);
        expect(
          settled.filter((s) => s.status === "fulfilled"),
          `round ${round}`,
        ).toHaveLength(1);
        const rejected = settled.find((s) => s.status === "rejected");
        expect(rejected?.status === "rejected" && rejected.reason).toBeInstanceOf(ValidationError);
        const active = await t.service.listUsers({ role: "admin", status: "active" });
        expect(active.items).toHaveLength(1);
        // Leave no admin behind for the next round (the store without a guard, as a repair would).
        await t.store.setUserStatus(active.items[0]!.id, "disabled", t.clock.now(), null, {
          id: `${round}-cleanup`,
          at: t.clock.now(),
          actorType: "system",
          actor: "system",
          action: "user.disabled",
          targetType: "user",
          target: active.items[0]!.id,
          ip: null,
          reason: null,
          count: null,
          data: null,
        });
      }
    });
  });

  describe("api key lifetimes", () => {
    it("an expired key is refused like a revoked one", async () => {
      const { key, apiKey } = await t.service.createApiKey({
        name: "short",
        scopes: ["audit:read"],
        expiresInDays: 2,
      });
      expect(apiKey.expiresAt).toEqual(new Date(t.clock.now().getTime() + 2 * DAY));
      t.clock.advance(2 * DAY - 1);
      expect(await t.service.verifyApiKey(key)).not.toBeNull();
      t.clock.advance(1);
      expect(await t.service.verifyApiKey(key)).toBeNull();
    });

    it("a key's child gets no scope and no life beyond its parent's, and records its parent", async () => {
      const parent = await t.service.createApiKey({
        name: "parent",
        scopes: ["keys:manage", "sessions:read"],
        expiresInDays: 10,
      });
      const ctx = asKey(parent.apiKey.id);
      const error = await expectRejection(
        t.service.createApiKey({ name: "wider", scopes: ["sessions:read", "users:write"] }, ctx),
        ForbiddenError,
      );
      expect(error.message).toMatch(/users:write/);
      await expectRejection(
        t.service.createApiKey({ name: "longer", scopes: ["sessions:read"], expiresInDays: 11 }, ctx),
        ForbiddenError,
      );
      const inherits = await t.service.createApiKey({ name: "inherits", scopes: ["sessions:read"] }, ctx);
      expect(inherits.apiKey).toMatchObject({
        parentKeyId: parent.apiKey.id,
        createdBy: `api_key:${parent.apiKey.id}`,
        expiresAt: parent.apiKey.expiresAt,
      });
      const shorter = await t.service.createApiKey(
        { name: "shorter", scopes: ["sessions:read"], expiresInDays: 3 },
        ctx,
      );
      expect(shorter.apiKey.expiresAt).toEqual(new Date(t.clock.now().getTime() + 3 * DAY));
      // A parent without an expiry lets the child choose one, or none.
      const open = await t.service.createApiKey({ name: "open", scopes: ["keys:manage"] });
      const child = await t.service.createApiKey(
        { name: "child", scopes: ["keys:manage"] },
        asKey(open.apiKey.id),
      );
      expect(child.apiKey.expiresAt).toBeNull();
    });

    it("revoking a key revokes every key it made, transitively, in one audited change", async () => {
      const root = await t.service.createApiKey({ name: "root", scopes: ["keys:manage"] });
      const child = await t.service.createApiKey(
        { name: "child", scopes: ["keys:manage"] },
        asKey(root.apiKey.id),
      );
      const grandchild = await t.service.createApiKey(
        { name: "grandchild", scopes: ["keys:manage"] },
        asKey(child.apiKey.id),
      );
      const sibling = await t.service.createApiKey({ name: "sibling", scopes: ["keys:manage"] });
      expect(await t.service.revokeApiKey(root.apiKey.id, asUser("admin-1"))).toEqual({ ok: true });
      for (const k of [root, child, grandchild]) expect(await t.service.verifyApiKey(k.key)).toBeNull();
      expect(await t.service.verifyApiKey(sibling.key)).not.toBeNull();
      const revoked = (await allAudit(t.service)).filter((e) => e.action === "api_key.revoked");
      expect(revoked).toEqual([expect.objectContaining({ target: root.apiKey.id, count: 3 })]);
      // A revoked key makes no more keys.
      await expectRejection(
        t.service.createApiKey({ name: "late", scopes: ["keys:manage"] }, asKey(child.apiKey.id)),
        ForbiddenError,
      );
    });

    it("a child created while its parent is revoked concurrently never outlives the parent", async () => {
      for (let round = 0; round < 5; round++) {
        const parent = await t.service.createApiKey({ name: `p${round}`, scopes: ["keys:manage"] });
        const ctx = asKey(parent.apiKey.id);
        const children = Array.from({ length: 4 }, (_, i) =>
          t.service.createApiKey({ name: `c${i}`, scopes: ["keys:manage"] }, ctx).catch(() => null),
        );
        const [, made] = await Promise.all([t.service.revokeApiKey(parent.apiKey.id), Promise.all(children)]);
        for (const c of made) if (c) expect(await t.service.verifyApiKey(c.key), `round ${round}`).toBeNull();
      }
    });
  });
}
