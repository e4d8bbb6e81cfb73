// The bulk path (seeding, imports): many batches in one transaction. Into an empty table the SQLite
// store drops the secondary indexes, loads, and builds them again at the end, outside WAL when it
// can. These tests prove what that must never change: every index is back, the journal is WAL
// again, a duplicate found only when a unique index is rebuilt rolls everything back, and the
// loaded rows are found through every lookup (token, email search, counts).
import { describe, expect, it } from "vitest";
import { useContractContext, type ContractContext } from "../src/testing/contract/context.js";
import { bulkRecords } from "../src/testing/bulk-records.js";
import type { BulkBatch } from "../src/store/store.js";

const INDEXES = {
  // Triggers too: the load drops the ones keeping the trigram search tables and restores them.
  sqlite:
    "select name from sqlite_master where type in ('index', 'trigger') and tbl_name in ('users', 'sessions') order by name",
  postgres: "select indexname as name from pg_indexes where tablename in ('users', 'sessions') order by 1",
};

for (const kind of ["sqlite-memory", "sqlite-file", "postgres"] as const) {
  describe(`bulk load: ${kind}`, () => {
    const t: ContractContext = useContractContext(kind);
    const canInspect = kind !== "sqlite-memory";
    const indexes = async () =>
      (await t.harness.query(INDEXES[kind === "postgres" ? "postgres" : "sqlite"])).map((r) => r.name);

    function twoBatches(): BulkBatch[] {
      return [bulkRecords(t.clock.now(), 1), bulkRecords(t.clock.now(), 2)];
    }

    it("loads every batch into an empty store, with every index back", async () => {
      const before = canInspect ? await indexes() : [];
      const batches = twoBatches();
      await t.store.insertSessionsBulk(batches);

      if (canInspect) expect(await indexes()).toEqual(before);
      const all = batches.flatMap((b) => b.sessions);
      const page = await t.service.listActiveSessions({ filter: { status: "all" }, limit: 100 });
      expect(page.items.map((s) => s.id).sort()).toEqual(all.map((s) => s.id).sort());
      const active = all.filter((s) => s.revokedAt === null && s.expiresAt > t.clock.now());
      expect(await t.service.countActiveSessions()).toBe(active.length);
      // Found through the token-hash index, the users' unique email and the email search.
      expect((await t.store.findSessionByTokenHash(all[5]!.tokenHash))?.session.id).toBe(all[5]!.id);
      expect((await t.service.findUserByEmail("bulk2-1@example.org"))?.id).toBe(batches[1]!.users[1]!.id);
      const search = await t.service.listActiveSessions({ filter: { status: "all", email: "bulk2-" } });
      expect(search.items).toHaveLength(12);
      // The unique indexes hold again after the load.
      await expect(t.service.createUser({ email: "bulk1-0@example.org" })).rejects.toThrow();
      // The search tables were filled from the loaded users and follow later changes again.
      const later = await t.service.createUser({ email: "later-bulk@example.org", name: "Zelda Quist" });
      expect((await t.service.listUsers({ search: "quist" })).items.map((u) => u.id)).toEqual([later.id]);
      expect((await t.service.listUsers({ search: "later-bulk" })).items.map((u) => u.id)).toEqual([
        later.id,
      ]);
      expect((await t.service.listUsers({ search: "bulk1-" })).items).toHaveLength(batches[0]!.users.length);
    });

    it("leaves the planner statistics of the loaded tables (ANALYZE), not rules of thumb", async () => {
      if (!canInspect) return;
      await t.store.insertSessionsBulk(twoBatches());
      const stats =
        kind === "postgres"
          ? "select distinct tablename as name from pg_stats where tablename in ('users', 'sessions') order by 1"
          : "select distinct tbl as name from sqlite_stat1 where tbl in ('users', 'sessions') order by 1";
      expect((await t.harness.query(stats)).map((r) => r.name)).toEqual(["sessions", "users"]);
      if (kind === "sqlite-file") {
        // Rows per browser as loaded: 24 sessions, 3 browsers (Firefox, Chrome, none).
        const [browser] = await t.harness.query(
          "select stat from sqlite_stat1 where idx = 'sessions_browser_idx'",
        );
        expect(String(browser!.stat).split(" ").slice(0, 2)).toEqual(["24", "8"]);
      }
    });

    it("rolls the whole load back when a later batch repeats an email", async () => {
      const before = canInspect ? await indexes() : [];
      const [first, second] = twoBatches();
      second!.users[1]!.email = first!.users[0]!.email;
      await expect(t.store.insertSessionsBulk([first!, second!])).rejects.toThrow();

      expect(await t.service.listUsers({})).toMatchObject({ items: [] });
      expect(await t.service.countSessions({ status: "all" })).toBe(0);
      expect(await t.service.countActiveSessions()).toBe(0);
      if (canInspect) expect(await indexes()).toEqual(before);
      // Still usable, and the unique index still refuses duplicates.
      const user = await t.service.createUser({ email: "after@example.org" });
      await t.service.createSession({ userId: user.id });
      await expect(t.service.createUser({ email: "after@example.org" })).rejects.toThrow();
    });

    it("rolls the whole load back when a later batch repeats a token hash", async () => {
      const [first, second] = twoBatches();
      second!.sessions[3]!.tokenHash = first!.sessions[7]!.tokenHash;
      await expect(t.store.insertSessionsBulk([first!, second!])).rejects.toThrow();
      expect(await t.service.countSessions({ status: "all" })).toBe(0);
      expect(await t.store.findSessionByTokenHash(first!.sessions[7]!.tokenHash)).toBeNull();
    });

    it("adds to a store that has rows, keeping its indexes", async () => {
      const [first, second] = twoBatches();
      await t.store.insertSessionsBulk([first!]);
      const before = canInspect ? await indexes() : [];
      await t.store.insertSessionsBulk([second!]);
      if (canInspect) expect(await indexes()).toEqual(before);
      expect(await t.service.countSessions({ status: "all" })).toBe(24);
    });

    if (kind === "sqlite-file") {
      it("is back in WAL mode afterwards, and still loads while another connection is open", async () => {
        const [first, second] = twoBatches();
        await t.store.insertSessionsBulk([first!]);
        expect(await t.harness.query("pragma journal_mode")).toEqual([{ journal_mode: "wal" }]);

        const fresh = await t.harness.fresh();
        const other = await t.harness.openSecond();
        expect(other).not.toBeNull();
        await other!.getUserById("nobody");
        await fresh.insertSessionsBulk([second!]);
        expect(await t.harness.query("pragma journal_mode")).toEqual([{ journal_mode: "wal" }]);
        expect((await other!.findSessionByTokenHash(second!.sessions[0]!.tokenHash))?.session.id).toBe(
          second!.sessions[0]!.id,
        );
      });
    }
  });
}
