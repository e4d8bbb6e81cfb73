// Users: creation, unicode emails, duplicates, lookups, lists with search and keyset pages,
// and password verification.
import { describe, expect, it } from "vitest";
import { ConflictError } from "../../domain/errors.js";
import type { ListUsersInput, User, UserWithSessionCount } from "../../domain/types.js";
import { HOUR, MINUTE } from "../fake-clock.js";
import type { ContractContext } from "./context.js";
import {
  collectPages,
  expectRejection,
  expectValidationError,
  makeUser,
  snapshot,
  UNKNOWN_ID,
} from "./fixtures.js";

export function usersContract(t: ContractContext): void {
  describe("users", () => {
    it("creates a user with defaults and normalized email, and finds it again", async () => {
      const user = await t.service.createUser({ email: "  Ada.Lovelace@Example.COM ", name: " Ada " });
      expect(user).toEqual({
        id: expect.stringMatching(
          /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
        ) as string,
        email: "ada.lovelace@example.com",
        name: "Ada",
        role: "user",
        status: "active",
        confirmedAt: null,
        createdAt: t.clock.now(),
        updatedAt: t.clock.now(),
      });
      expect(await t.service.getUser(user.id)).toEqual({ ...user, activeSessions: 0, sessionLimit: null });
      // With MAX_SESSIONS_PER_USER the user page says how many of the allowed app sessions are used.
      const limited = t.withConfig({ maxSessionsPerUser: 3, sessionLimitPolicy: "deny" });
      await limited.createSession({ userId: user.id });
      expect((await limited.getUser(user.id))?.sessionLimit).toEqual({
        max: 3,
        appSessions: 1,
        policy: "deny",
      });
      expect(await t.service.findUserByEmail("ADA.LOVELACE@example.com")).toEqual(user);
      expect(await t.service.findUserByEmail("nobody@example.com")).toBeNull();
      expect(await t.service.findUserByEmail("not an email")).toBeNull();
      expect(await t.service.getUser(UNKNOWN_ID)).toBeNull();
      const admin = await t.service.createUser({
        email: "root@example.com",
        role: "admin",
        status: "disabled",
      });
      expect(admin).toMatchObject({ role: "admin", status: "disabled", name: null });
    });

    it("stores unicode emails lower-case NFC and finds them in any case or normalization form", async () => {
      const nfd = "Zoe\u0308@Exa\u0308mple.com"; // "Zoë@Exämple.com" with combining marks
      const user = await t.service.createUser({ email: nfd });
      expect(user.email).toBe("zo\u00eb@ex\u00e4mple.com");
      expect(user.email).toBe(user.email.normalize("NFC"));
      for (const form of ["Zoë@Exämple.com", "ZOË@EXÄMPLE.COM", "zoë@exämple.com", nfd, nfd.toUpperCase()]) {
        expect((await t.service.findUserByEmail(form))?.id, form).toBe(user.id);
      }
      const { session } = await t.service.createSession({ userId: user.id });
      for (const needle of ["zoë", "ZOË", "EXÄMPLE", "Zoe\u0308", "ë@ex"]) {
        const found = await t.service.listActiveSessions({ filter: { email: needle } });
        expect(
          found.items.map((s) => s.id),
          needle,
        ).toEqual([session.id]);
        const users = await t.service.listUsers({ search: needle });
        expect(
          users.items.map((u) => u.id),
          needle,
        ).toEqual([user.id]);
      }
      expect((await t.service.listActiveSessions({ filter: { email: "zoe@" } })).items).toEqual([]);
    });

    it("rejects a duplicate email (any case or form) with ConflictError and writes nothing", async () => {
      await t.service.createUser({ email: "Zoë@Exämple.com" });
      await t.service.createUser({ email: "dup@example.com" });
      const before = await snapshot(t.service);
      for (const email of [
        "dup@example.com",
        "DUP@Example.com",
        " dup@example.com",
        "ZOË@EXÄMPLE.COM",
        "Zoe\u0308@exa\u0308mple.com",
      ]) {
        const error = await expectRejection(t.service.createUser({ email, name: "second" }), ConflictError);
        expect(error.code).toBe("conflict");
        expect(error.message).toMatch(/email/i);
      }
      expect(await snapshot(t.service)).toBe(before);
    });

    it("getUser and listUsers count only active sessions", async () => {
      const user = await makeUser(t.service);
      const short = t.withConfig({ lifetimeMs: HOUR });
      await t.service.createSession({ userId: user.id });
      await t.service.createSession({ userId: user.id });
      await short.createSession({ userId: user.id });
      const revoked = await t.service.createSession({ userId: user.id });
      await t.service.revokeSession(revoked.session.id);
      const lonely = await makeUser(t.service);
      t.clock.advance(HOUR);
      expect((await t.service.getUser(user.id))?.activeSessions).toBe(2);
      expect((await t.service.getUser(lonely.id))?.activeSessions).toBe(0);
      const listed = await t.service.listUsers();
      expect(Object.fromEntries(listed.items.map((u) => [u.id, u.activeSessions]))).toEqual({
        [user.id]: 2,
        [lonely.id]: 0,
      });
    });

    it("lists users newest first with search, status and role filters, paging through ties by id", async () => {
      const created: UserWithSessionCount[] = [];
      // 23 users at the same instant, then 4 more later.
      for (let i = 0; i < 23; i++) {
        const u = await t.service.createUser({
          email: i === 7 ? "under_score@x.io" : `member${i}@x.io`,
          name: i % 5 === 0 ? `Team Lead ${i}` : null,
          role: i % 4 === 0 ? "viewer" : "user",
        });
        created.push({ ...u, activeSessions: 0 });
      }
      t.clock.advance(HOUR);
      for (let i = 0; i < 4; i++) {
        created.push({
          ...(await t.service.createUser({ email: `late${i}@y.io`, role: "admin" })),
          activeSessions: 0,
        });
      }
      await t.service.setUserStatus(created[3]!.id, "disabled");
      await t.service.setUserStatus(created[24]!.id, "disabled");

      const newestFirst = [...created].sort(
        (a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0),
      );
      const pageIds = async (input: {
        search?: string;
        status?: "active" | "disabled";
        role?: "admin" | "viewer" | "user";
      }) =>
        (await collectPages((cursor) => t.service.listUsers({ ...input, limit: 4, cursor }))).map(
          (u) => u.id,
        );

      const all = await pageIds({});
      expect(all).toEqual(newestFirst.map((u) => u.id));
      expect(new Set(all).size).toBe(27);

      expect(await pageIds({ search: "LATE" })).toEqual(
        newestFirst.filter((u) => u.email.startsWith("late")).map((u) => u.id),
      );
      expect(await pageIds({ search: "team lead" })).toEqual(
        newestFirst.filter((u) => u.name).map((u) => u.id),
      );
      expect(await pageIds({ search: "_" })).toEqual([created[7]!.id]);
      expect(await pageIds({ search: "%" })).toEqual([]);
      expect(await pageIds({ search: "" })).toEqual(all);
      expect(await pageIds({ status: "disabled" })).toEqual([created[24]!.id, created[3]!.id]);
      expect(await pageIds({ status: "active" })).toHaveLength(25);
      expect(await pageIds({ role: "viewer" })).toEqual(
        newestFirst.filter((u) => u.role === "viewer").map((u) => u.id),
      );
      expect(await pageIds({ role: "admin", status: "active", search: "@y.io" })).toHaveLength(3);

      const first = await t.service.listUsers();
      expect(first.items).toHaveLength(27);
      expect(first.nextCursor).toBeNull();
      expect(first.items[0]).toMatchObject({ email: "late3@y.io", role: "admin", activeSessions: 0 });
    });

    it("sorts users by email either way and oldest first, with filters, page by page", async () => {
      // Plain lower-case names: every collation (SQLite's binary, Postgres's locale) orders them alike.
      const names = ["mira", "anna", "zoe", "carl", "bert", "olga", "dave", "emil", "finn", "gus", "hugo"];
      const made: User[] = [];
      for (const [i, name] of names.entries()) {
        made.push(
          await t.service.createUser({
            email: `${name}@sort.io`,
            role: i % 3 === 0 ? "viewer" : "user",
          }),
        );
        if (i % 2 === 0) t.clock.advance(MINUTE);
      }
      await t.service.setUserStatus(made[4]!.id, "disabled");
      await t.service.setUserStatus(made[5]!.id, "disabled");
      const emails = async (input: Omit<ListUsersInput, "cursor" | "limit">) =>
        (
          await collectPages((cursor) =>
            t.service.listUsers({ ...input, search: "@sort.io", limit: 3, cursor }),
          )
        ).map((u) => u.email);
      const byEmail = made.map((u) => u.email).sort();
      expect(await emails({ sort: { by: "email", dir: "asc" } })).toEqual(byEmail);
      expect(await emails({ sort: { by: "email", dir: "desc" } })).toEqual([...byEmail].reverse());
      // Oldest first: creation order, ties (two per minute) by id.
      const oldest = [...made].sort(
        (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
      );
      expect(await emails({ sort: { by: "createdAt", dir: "asc" } })).toEqual(oldest.map((u) => u.email));
      expect(await emails({ role: "viewer", sort: { by: "email", dir: "asc" } })).toEqual(
        made
          .filter((u) => u.role === "viewer")
          .map((u) => u.email)
          .sort(),
      );
      expect(await emails({ status: "disabled", sort: { by: "email", dir: "desc" } })).toEqual([
        "olga@sort.io",
        "bert@sort.io",
      ]);
      expect(await emails({ status: "active", role: "user", sort: { by: "createdAt", dir: "asc" } })).toEqual(
        oldest
          .filter((u) => u.role === "user" && u.email !== "bert@sort.io" && u.email !== "olga@sort.io")
          .map((u) => u.email),
      );

      // A cursor belongs to its order: another order refuses it instead of skipping rows.
      const page = await t.service.listUsers({
        search: "@sort.io",
        sort: { by: "email", dir: "asc" },
        limit: 2,
      });
      await expectValidationError(
        t.service.listUsers({ search: "@sort.io", limit: 2, cursor: page.nextCursor }),
        "cursor",
      );
      await expectValidationError(
        t.service.listUsers({
          search: "@sort.io",
          sort: { by: "email", dir: "desc" },
          limit: 2,
          cursor: page.nextCursor,
        }),
        "cursor",
      );
      const timePage = await t.service.listUsers({
        search: "@sort.io",
        sort: { by: "createdAt", dir: "asc" },
        limit: 2,
      });
      await expectValidationError(
        t.service.listUsers({
          search: "@sort.io",
          sort: { by: "email", dir: "asc" },
          limit: 2,
          cursor: timePage.nextCursor,
        }),
        "cursor",
      );
      await expectValidationError(
        t.service.listUsers({ sort: { by: "name" as "email", dir: "asc" } }),
        "sort.by",
      );
    });

    // SQLite's own lower() folds ASCII only; its store registers a Unicode-aware unicode_lower.
    it("searches names case-insensitively beyond ASCII", async () => {
      const user = await t.service.createUser({ email: "e@x.io", name: "ÉLODIE Dupont" });
      // Non-ASCII searches lower-case the name; ASCII ones ("DUPONT") rely on case-insensitive LIKE.
      for (const search of ["élodie", "ÉLODIE", "Élodie", "DUPONT", "dupont", "odie dup"]) {
        expect(
          (await t.service.listUsers({ search })).items.map((u) => u.id),
          search,
        ).toEqual([user.id]);
      }
    });

    it("verifyPassword: right password → user; wrong, unknown, password-less or disabled → null", async () => {
      const user = await t.service.createUser({
        email: "Pass@Example.com",
        password: "correct horse battery",
      });
      await t.service.createUser({ email: "nopass@example.com" });
      const verified = await t.service.verifyPassword("pass@example.com", "correct horse battery");
      expect(verified).toEqual(user);
      expect(JSON.stringify(verified)).not.toMatch(/scrypt|password/i);
      expect((await t.service.verifyPassword(" PASS@example.COM ", "correct horse battery"))?.id).toBe(
        user.id,
      );
      expect(await t.service.verifyPassword("pass@example.com", "correct horse battery ")).toBeNull();
      expect(await t.service.verifyPassword("pass@example.com", "Correct horse battery")).toBeNull();
      expect(await t.service.verifyPassword("pass@example.com", "")).toBeNull();
      expect(await t.service.verifyPassword("unknown@example.com", "correct horse battery")).toBeNull();
      expect(await t.service.verifyPassword("nopass@example.com", "")).toBeNull();
      expect(await t.service.verifyPassword("not an email", "correct horse battery")).toBeNull();
      await t.service.setUserStatus(user.id, "disabled");
      expect(await t.service.verifyPassword("pass@example.com", "correct horse battery")).toBeNull();
      await t.service.setUserStatus(user.id, "active");
      expect((await t.service.verifyPassword("pass@example.com", "correct horse battery"))?.id).toBe(user.id);
    });
  });
}
