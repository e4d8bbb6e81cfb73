// Keyset pagination: stable pages while rows are inserted between fetches, ties broken by id,
// cursors bound to their sort order, and limit bounds.
import { describe, expect, it } from "vitest";
import { encodeCursor } from "../../domain/cursor.js";
import type { SessionInfo, SessionSortKey, SortDirection } from "../../domain/types.js";
import { DAY, HOUR, MINUTE, SECOND } from "../fake-clock.js";
import type { ContractContext } from "./context.js";
import { collectPages, expectValidationError, makeUser, sessionAt } from "./fixtures.js";

const SORTS: SessionSortKey[] = ["createdAt", "lastSeenAt", "expiresAt"];
const DIRS: SortDirection[] = ["asc", "desc"];

type Position = { value: number; id: string };

/** Compares two rows in the list order: (sort value, id), both in the given direction. */
function compare(a: Position, b: Position, dir: SortDirection): number {
  const raw = a.value !== b.value ? a.value - b.value : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  return dir === "asc" ? raw : -raw;
}

const positionOf = (s: SessionInfo, by: SessionSortKey): Position => ({ value: s[by].getTime(), id: s.id });

export function paginationContract(t: ContractContext): void {
  /**
   * 36 active sessions with scrambled orders: two groups sharing one instant (ties on every sort
   * key), different lifetimes (expiresAt order differs from createdAt order), and some validated
   * later (lastSeenAt order differs too). Leaves the clock at t0 + 3 h and returns t0.
   */
  async function scrambledFixture(): Promise<{ t0: number }> {
    const users = [await makeUser(t.service), await makeUser(t.service)];
    const lifetimes = [
      t.service,
      t.withConfig({ lifetimeMs: 90 * DAY }),
      t.withConfig({ lifetimeMs: 30 * DAY }),
    ];
    const t0 = t.clock.now().getTime() - 3 * HOUR;
    const tokens: string[] = [];
    const add = async (at: number, i: number, service = lifetimes[i % 3]!) =>
      tokens.push((await sessionAt(t, new Date(at), { userId: users[i % 2]!.id }, service)).token);
    for (let i = 0; i < 12; i++) await add(t0, i, t.service); // ties on every key
    for (let i = 0; i < 16; i++) await add(t0 + (i + 1) * 7 * SECOND, i);
    for (let i = 0; i < 8; i++) await add(t0 + HOUR, i, lifetimes[1]); // a second tie group
    // Validations at one instant: a third tie group, on lastSeenAt only.
    t.clock.set(new Date(t0 + 2 * HOUR));
    for (let i = 0; i < tokens.length; i += 3) await t.service.validateSession(tokens[i]!);
    t.clock.set(new Date(t0 + 3 * HOUR));
    return { t0 };
  }

  describe("keyset pagination", () => {
    for (const by of SORTS) {
      for (const dir of DIRS) {
        it(`pages by ${by} ${dir}: no duplicates, no gaps, while rows are inserted between fetches`, async () => {
          const { t0 } = await scrambledFixture();
          const writer = await makeUser(t.service);
          const initial = (
            await collectPages((cursor) => t.service.listActiveSessions({ limit: 200, cursor }))
          ).map((s) => s.id);
          expect(initial).toHaveLength(36);

          // Insert times: before everything, on each tie instant, between rows, and now.
          const insertTimes = [
            t0 - DAY,
            t0,
            t0 + HOUR,
            t0 + 3 * 7 * SECOND + 1,
            t0,
            t0 + 2 * HOUR,
            t0 + 3 * HOUR,
          ];
          const inserted: { position: Position; mustBeSeen: boolean }[] = [];
          const seen: SessionInfo[] = [];
          let cursor: string | null = null;
          for (let round = 0; round < 100; round++) {
            const page = await t.service.listActiveSessions({ sort: { by, dir }, limit: 5, cursor });
            expect(page.items.length).toBeLessThanOrEqual(5);
            seen.push(...page.items);
            if (page.nextCursor === null) break;
            expect(page.items).toHaveLength(5);
            cursor = page.nextCursor;
            const last = positionOf(page.items[page.items.length - 1]!, by);
            for (const at of [
              insertTimes[round % insertTimes.length]!,
              insertTimes[(round + 3) % insertTimes.length]!,
            ]) {
              const { session } = await sessionAt(t, new Date(at), { userId: writer.id });
              const position = positionOf(session, by);
              inserted.push({ position, mustBeSeen: compare(position, last, dir) > 0 });
            }
          }

          const seenIds = seen.map((s) => s.id);
          expect(new Set(seenIds).size, "a row appeared on two pages").toBe(seenIds.length);
          expect(
            initial.filter((id) => !seenIds.includes(id)),
            "rows skipped",
          ).toEqual([]);
          for (let i = 1; i < seen.length; i++) {
            expect(compare(positionOf(seen[i - 1]!, by), positionOf(seen[i]!, by), dir)).toBeLessThan(0);
          }
          // Rows inserted behind the cursor are not shown; rows inserted ahead of it are.
          for (const row of inserted) expect(seenIds.includes(row.position.id)).toBe(row.mustBeSeen);
          expect(inserted.some((r) => r.mustBeSeen)).toBe(true);
          expect(inserted.some((r) => !r.mustBeSeen)).toBe(true);
        });
      }
    }

    it("breaks ties by id: many rows with the same timestamps page cleanly in every order", async () => {
      const user = await makeUser(t.service);
      const created: string[] = [];
      for (let i = 0; i < 25; i++)
        created.push((await t.service.createSession({ userId: user.id })).session.id);
      for (const by of SORTS) {
        for (const dir of DIRS) {
          const pages: string[][] = [];
          let cursor: string | null = null;
          do {
            const page = await t.service.listActiveSessions({ sort: { by, dir }, limit: 4, cursor });
            pages.push(page.items.map((s) => s.id));
            cursor = page.nextCursor;
            // Same-instant rows inserted mid-listing have newer ids: after the cursor when ascending.
            if (cursor && pages.length === 2) {
              created.push((await t.service.createSession({ userId: user.id })).session.id);
            }
          } while (cursor);
          const flat = pages.flat();
          const expected = [...created].sort();
          expect(flat, `${by} ${dir}`).toEqual(
            dir === "asc" ? expected : expected.slice(0, flat.length).reverse(),
          );
          if (dir === "desc") expect(flat).toHaveLength(created.length - 1);
          expect(pages.slice(0, -1).every((p) => p.length === 4)).toBe(true);
        }
      }
    });

    it("rejects a malformed cursor, or one from another sort or another list, with a ValidationError", async () => {
      const user = await makeUser(t.service);
      for (let i = 0; i < 3; i++) await t.service.createSession({ userId: user.id });
      for (let i = 0; i < 2; i++) await makeUser(t.service);
      const first = await t.service.listActiveSessions({ limit: 1 });
      expect(first.nextCursor).not.toBeNull();
      const cursor = first.nextCursor!;
      // The cursor works where it came from.
      expect((await t.service.listActiveSessions({ limit: 1, cursor })).items).toHaveLength(1);
      expect((await t.service.listUserSessions(user.id, { limit: 1, cursor })).items).toHaveLength(1);

      const asc = { by: "createdAt", dir: "asc" } as const;
      await expectValidationError(t.service.listActiveSessions({ limit: 1, cursor, sort: asc }), "cursor");
      await expectValidationError(
        t.service.listActiveSessions({ limit: 1, cursor, sort: { by: "expiresAt", dir: "desc" } }),
        "cursor",
      );
      const usersCursor = (await t.service.listUsers({ limit: 1 })).nextCursor!;
      const auditCursor = (await t.service.listAudit({ limit: 1 })).nextCursor!;
      await expectValidationError(t.service.listActiveSessions({ cursor: usersCursor }), "cursor");
      await expectValidationError(t.service.listUsers({ cursor }), "cursor");
      await expectValidationError(t.service.listAudit({ cursor: usersCursor }), "cursor");
      await expectValidationError(t.service.listUsers({ cursor: auditCursor }), "cursor");

      const forged = [
        "garbage",
        "!!!!",
        Buffer.from("not json").toString("base64url"),
        Buffer.from(JSON.stringify({ order: "createdAt:desc" })).toString("base64url"),
        Buffer.from(JSON.stringify(["createdAt:desc", "yesterday", "x"])).toString("base64url"),
        Buffer.from(JSON.stringify(["createdAt:desc", 1.5, "x"])).toString("base64url"),
        Buffer.from(JSON.stringify(["createdAt:desc", 0, ""])).toString("base64url"),
        encodeCursor("createdAt:sideways", new Date(), "x"),
      ];
      for (const bad of forged) {
        await expectValidationError(t.service.listActiveSessions({ cursor: bad }), "cursor");
      }
      await expectValidationError(t.service.listActiveSessions({ cursor: "A".repeat(501) }), "cursor");
      // A well-formed cursor for the right order is accepted even if its row is gone.
      const vanished = encodeCursor("createdAt:desc", new Date(0), "zzz");
      expect((await t.service.listActiveSessions({ cursor: vanished })).items).toEqual([]);
    });

    it("accepts limits 1 to 200 (default 50) and rejects 0, 201, 1.5 and -1", async () => {
      const user = await makeUser(t.service);
      for (let i = 0; i < 51; i++) {
        await t.service.createSession({ userId: user.id });
        t.clock.advance(MINUTE);
      }
      const first = await t.service.listActiveSessions();
      expect(first.items).toHaveLength(50);
      expect(first.nextCursor).not.toBeNull();
      const second = await t.service.listActiveSessions({ cursor: first.nextCursor });
      expect(second.items).toHaveLength(1);
      expect(second.nextCursor).toBeNull();
      expect((await t.service.listActiveSessions({ limit: 200 })).items).toHaveLength(51);
      expect((await t.service.listActiveSessions({ limit: 200 })).nextCursor).toBeNull();
      expect((await t.service.listActiveSessions({ limit: 1 })).items).toHaveLength(1);
      expect((await t.service.listUserSessions(user.id)).items).toHaveLength(50);

      for (const limit of [0, 201, 1.5, -1, Number.NaN]) {
        const error = await expectValidationError(t.service.listActiveSessions({ limit }), "limit");
        expect(error.message).toMatch(/limit/);
        await expectValidationError(t.service.listUserSessions(user.id, { limit }), "limit");
        await expectValidationError(t.service.listUsers({ limit }), "limit");
        await expectValidationError(t.service.listAudit({ limit }), "limit");
      }
    });
  });
}
