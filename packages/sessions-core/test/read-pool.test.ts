// The long reads' worker threads (store/sqlite/read-pool.ts) on a real database file: a read runs
// while the main thread's event loop keeps turning, sees what the main connection committed just
// before, reports the driver's error codes (so faults.ts classifies them), and the workers stop
// and start again around a bulk load and stop for good on close.
import Database from "better-sqlite3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startReadPool } from "../src/store/sqlite/read-pool.js";

const dir = mkdtempSync(join(tmpdir(), "sessions-read-pool-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function open(name: string) {
  const file = join(dir, name);
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.exec("create table items (id integer primary key, name text)");
  return { db, file };
}

/** Counts to n in SQL alone: a read that keeps a worker busy for a while. */
const LONG_READ = `with recursive c(x) as (select 1 union all select x + 1 from c where x < ?) select count(*) from c`;

describe("the read pool", () => {
  it("runs a read while the main event loop keeps turning", async () => {
    const { db, file } = open("loop.db");
    const pool = startReadPool(file, 1);
    try {
      let turns = 0;
      let done = false;
      const read = pool.query(LONG_READ, [3_000_000], "get").finally(() => (done = true));
      // setImmediate callbacks run only between event-loop turns: a read on this thread would let
      // none run until it finished.
      await new Promise<void>((resolve) => {
        const spin = () => (done ? resolve() : (turns++, setImmediate(spin)));
        spin();
      });
      expect(await read).toEqual({ rows: [3_000_000] });
      expect(turns).toBeGreaterThan(10);
    } finally {
      await pool.close();
      db.close();
    }
  });

  it("sees what the main connection committed just before; raw rows, and no row for an empty get", async () => {
    const { db, file } = open("fresh.db");
    const pool = startReadPool(file, 2);
    try {
      expect(await pool.query("select count(*) from items", [], "get")).toEqual({ rows: [0] });
      db.prepare("insert into items (name) values (?), (?)").run("a", "b");
      expect(await pool.query("select count(*) from items", [], "get")).toEqual({ rows: [2] });
      expect(await pool.query("select id, name from items order by id", [], "all")).toEqual({
        rows: [
          [1, "a"],
          [2, "b"],
        ],
      });
      expect(await pool.query("select id from items where name = ?", ["zzz"], "get")).toEqual({
        rows: undefined,
      });
      // The same function the main connection registers for non-ASCII case folding.
      expect(await pool.query("select unicode_lower(?)", ["ÄÖÜ"], "get")).toEqual({ rows: ["äöü"] });
    } finally {
      await pool.close();
      db.close();
    }
  });

  it("reports the driver's error codes, refuses writes, and stops for good on close", async () => {
    const { db, file } = open("errors.db");
    const pool = startReadPool(file, 1);
    try {
      await expect(pool.query("select * from nowhere", [], "all")).rejects.toMatchObject({
        name: "SqliteError",
        code: "SQLITE_ERROR",
      });
      await expect(pool.query("select * from nowhere", [], "all")).rejects.toThrow(/no such table/);
      // Read-only connections: a write is refused by SQLite itself.
      await expect(
        pool.query("insert into items (name) values ('x') returning id", [], "all"),
      ).rejects.toMatchObject({ code: "SQLITE_READONLY" });
      expect(db.prepare("select count(*) as n from items").get()).toEqual({ n: 0 });
      // Suspended workers come back on the next read.
      await pool.suspend();
      expect(await pool.query("select 7", [], "get")).toEqual({ rows: [7] });
    } finally {
      await pool.close();
      db.close();
    }
    await expect(pool.query("select 1", [], "get")).rejects.toMatchObject({ code: "SQLITE_MISUSE" });
  });

  it("a file that cannot be opened fails the call as unavailable, not as a bug", async () => {
    const pool = startReadPool(join(dir, "missing.db"), 1);
    try {
      await expect(pool.query("select 1", [], "get")).rejects.toMatchObject({ code: "SQLITE_CANTOPEN" });
    } finally {
      await pool.close();
    }
  });
});
