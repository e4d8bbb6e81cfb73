// The bulk writer (store/sqlite/bulk-writer.ts) on real database files: a batch's transaction runs
// on the worker while the main event loop keeps turning, commits or rolls back as a whole, reports
// the driver's error codes; and in a store, the main connection's writes during a bulk revoke wait
// for the gate instead of for SQLite's lock (which would hold the event loop driving the batch:
// both would wait until busy_timeout ran out and the write failed as busy).
import Database from "better-sqlite3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createSessionsService } from "../src/service/index.js";
import { startBulkWriter } from "../src/store/sqlite/bulk-writer.js";
import { openSqliteStore } from "../src/store/sqlite/store.js";
import { bulkRecords } from "../src/testing/bulk-records.js";

const dir = mkdtempSync(join(tmpdir(), "sessions-bulk-writer-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function open(name: string) {
  const file = join(dir, name);
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.exec("create table items (id integer primary key, name text)");
  return { db, file };
}

const options = { busyTimeoutMs: 200, backgroundCheckpoints: false };
const count = (db: Database.Database) =>
  (db.prepare("select count(*) as n from items").get() as { n: number }).n;
/** Counts to n in SQL alone: a statement that keeps the worker busy for a while. */
const LONG = `with recursive c(x) as (select 1 union all select x + 1 from c where x < ?) select count(*) from c`;

describe("the bulk writer", () => {
  it("runs a transaction's statements on the worker, committed together, while the event loop turns", async () => {
    const { db, file } = open("commit.db");
    const writer = startBulkWriter(file, options);
    try {
      let turns = 0;
      let done = false;
      const job = writer
        .transaction(async () => {
          expect(writer.gate.held).toBe(true);
          await writer.runAll([
            { sql: "insert into items (name) values (?)", params: ["a"] },
            { sql: "insert into items (name) values (?)", params: ["b"] },
          ]);
          // Not visible to the main connection before the commit.
          expect(count(db)).toBe(0);
          await writer.query(LONG, [2_000_000], "get");
          return writer.query("update items set name = upper(name) returning id, name", [], "all");
        })
        .finally(() => (done = true));
      await new Promise<void>((resolve) => {
        const spin = () => (done ? resolve() : (turns++, setImmediate(spin)));
        spin();
      });
      expect(await job).toEqual({
        rows: [
          [1, "A"],
          [2, "B"],
        ],
      });
      expect(turns).toBeGreaterThan(10);
      expect(writer.gate.held).toBe(false);
      expect(db.prepare("select name from items order by id").pluck().all()).toEqual(["A", "B"]);
    } finally {
      await writer.close();
      db.close();
    }
  });

  it("rolls the whole transaction back when its work fails, with the driver's error code; works again after", async () => {
    const { db, file } = open("rollback.db");
    const writer = startBulkWriter(file, options);
    try {
      const failed = writer.transaction(async () => {
        await writer.runAll([{ sql: "insert into items (name) values (?)", params: ["kept?"] }]);
        await writer.query("insert into nowhere values (1)", [], "run");
      });
      await expect(failed).rejects.toMatchObject({ name: "SqliteError", code: "SQLITE_ERROR" });
      expect(count(db)).toBe(0);
      expect(writer.gate.held).toBe(false);
      await writer.transaction(() =>
        writer.runAll([{ sql: "insert into items (name) values ('x')", params: [] }]),
      );
      expect(count(db)).toBe(1);
    } finally {
      await writer.close();
      db.close();
    }
  });

  it("runs one transaction at a time, and another connection's lock is a busy error after busy_timeout", async () => {
    const { db, file } = open("serial.db");
    const writer = startBulkWriter(file, options);
    try {
      const order: string[] = [];
      const job = (name: string) =>
        writer.transaction(async () => {
          order.push(`${name} begins`);
          await writer.query(LONG, [300_000], "get");
          await writer.runAll([{ sql: "insert into items (name) values (?)", params: [name] }]);
          order.push(`${name} ends`);
        });
      await Promise.all([job("first"), job("second")]);
      expect(order).toEqual(["first begins", "first ends", "second begins", "second ends"]);

      db.exec("begin immediate");
      const started = Date.now();
      await expect(writer.transaction(async () => {})).rejects.toMatchObject({ code: "SQLITE_BUSY" });
      expect(Date.now() - started).toBeGreaterThanOrEqual(150);
      db.exec("rollback");
      expect(writer.gate.held).toBe(false);
    } finally {
      await writer.close();
      db.close();
    }
    await expect(writer.transaction(async () => {})).rejects.toMatchObject({ code: "SQLITE_MISUSE" });
  });
});

describe("a file store's bulk changes", () => {
  it("writes on the main connection during a bulk revoke wait for the batch, not for SQLite's lock: none fails", async () => {
    const file = join(dir, "store.db");
    // busy_timeout 200 ms: a write that waited for the worker's lock while holding the event loop
    // that drives the worker's transaction would be refused as busy (the deadlock the gate prevents).
    const store = openSqliteStore(file, { busyTimeoutMs: 200 });
    const service = createSessionsService({ store });
    try {
      const now = new Date();
      const groups = 300;
      await store.insertSessionsBulk(Array.from({ length: groups }, (_, n) => bulkRecords(now, n)));
      // bulkRecords: 12 sessions per group, 3 of them revoked already.
      expect(await service.countSessions({ status: "all" })).toBe(groups * 12);
      const live = groups * 9;
      const owner = await service.createUser({ email: "owner@example.com" });
      const token = (await service.createSession({ userId: owner.id })).token;

      let revoking = true;
      const revoke = service
        .revokeSessions({ filter: { status: "all", email: "bulk" }, dryRun: false, reason: "incident" })
        .finally(() => (revoking = false));
      const writes: Promise<unknown>[] = [];
      let during = 0;
      while (revoking) {
        during++;
        writes.push(
          service.createSession({ userId: owner.id }),
          service.validateSession(token),
          service.createUser({ email: `during-${during}@example.com` }),
        );
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      const result = await revoke;
      const outcomes = await Promise.allSettled(writes);
      expect(outcomes.filter((o) => o.status === "rejected")).toEqual([]);
      expect(during).toBeGreaterThan(3);
      expect(result).toMatchObject({ matched: live, revoked: live });
      // What the worker committed and what the main connection wrote meanwhile both landed, and
      // the maintained figures agree with a recount.
      expect(await service.countSessions({ status: "active", email: "bulk" })).toBe(0);
      expect(await service.countActiveSessions({ userId: owner.id })).toBe(during + 1);
      expect((await service.getSessionStats()).totalActive).toBe(during + 1);
      const events = await service.listAudit({ action: "sessions.revoked_many" });
      expect(events.items.map((e) => e.count)).toEqual([live]);
    } finally {
      await store.close();
    }
  });
});
