// WAL checkpoints run in a worker thread, not in the commits of the store's connection
// (store/sqlite/checkpointer.ts), on a real database file: a commit that fills the log returns
// without copying it into the file, the worker copies it soon after, and once the worker is gone
// the connection checkpoints inline again.
import Database from "better-sqlite3";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startCheckpointer } from "../src/store/sqlite/checkpointer.js";
import { openSqliteStore } from "../src/store/sqlite/store.js";

const dir = mkdtempSync(join(tmpdir(), "sessions-checkpoint-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const until = async (check: () => boolean, ms = 5_000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
};

/** ~8 MiB in one commit: some 2,000 pages, twice what makes a commit checkpoint inline. */
function fillLog(db: Database.Database) {
  const insert = db.prepare("insert into blobs (body) values (?)");
  db.transaction(() => {
    for (let i = 0; i < 2_000; i++) insert.run(Buffer.alloc(4_000, i % 251));
  })();
}

function open(name: string) {
  const file = join(dir, name);
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.exec("create table blobs (id integer primary key, body blob)");
  return { db, file };
}

describe("background checkpoints", () => {
  it("a commit leaves the log to the worker, which copies it into the file; closed, commits checkpoint again", async () => {
    const { db, file } = open("worker.db");
    const checkpointer = startCheckpointer(db, file, 300);
    await until(() => db.pragma("wal_autocheckpoint", { simple: true }) === 0);
    // Nothing left in the log for the worker (the table's creation): else its next round may copy
    // those pages between here and the commit below (it did under load: the file grew one page).
    db.pragma("wal_checkpoint(TRUNCATE)");
    const before = statSync(file).size;

    fillLog(db);
    // The commit returned without a checkpoint: the pages are in the log, not yet in the file.
    expect(statSync(file).size).toBe(before);
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(8_000_000);
    await until(() => statSync(file).size > before + 8_000_000);

    await checkpointer.close();
    expect(db.pragma("wal_autocheckpoint", { simple: true })).toBe(1000);
    const grown = statSync(file).size;
    fillLog(db);
    // Inline again: this commit itself copied the log into the file.
    expect(statSync(file).size).toBeGreaterThan(grown);
    db.close();
  });

  it("without the worker (checkpoints: inline) the commit that fills the log checkpoints it", () => {
    const { db, file } = open("inline.db");
    const before = statSync(file).size;
    fillLog(db);
    expect(statSync(file).size).toBeGreaterThan(before + 8_000_000);
    db.close();
  });

  it("a store on a file closes its worker with it, and the last connection removes the log", async () => {
    const file = join(dir, "store.db");
    const store = openSqliteStore(file);
    await store.ping();
    await store.close();
    expect(() => statSync(`${file}-wal`)).toThrow(/ENOENT/);
    // Opened again, with its own worker: the file is intact.
    const again = openSqliteStore(file);
    await again.ping();
    await again.close();
  });
});
