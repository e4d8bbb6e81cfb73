// SQLite's job locks (store/sqlite/job-locks.ts) on one real file opened twice, as two processes
// would: one holder at a time, held past its lease while the holder renews it, and free again once
// a dead holder's lease has lapsed.
import Database from "better-sqlite3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createSqliteJobLocks } from "../src/store/sqlite/job-locks.js";
import { openSqliteStore } from "../src/store/sqlite/store.js";

const dir = mkdtempSync(join(tmpdir(), "sessions-job-locks-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("SQLite job locks", () => {
  it("one holder at a time; renewed while held; a lapsed lease is taken over", async () => {
    const file = join(dir, "locks.db");
    await openSqliteStore(file, { checkpoints: "inline" }).close(); // migrated
    const a = new Database(file);
    const b = new Database(file);
    a.pragma("busy_timeout = 1000");
    b.pragma("busy_timeout = 1000");
    const first = createSqliteJobLocks(a, 120);
    const second = createSqliteJobLocks(b, 120);

    const held = first.tryJobLock("cleanup");
    expect(held).not.toBeNull();
    expect(second.tryJobLock("cleanup")).toBeNull();
    // Three leases later: still held, because its holder renews it.
    await new Promise((r) => setTimeout(r, 360));
    expect(second.tryJobLock("cleanup")).toBeNull();
    await held!.release();
    const taken = second.tryJobLock("cleanup");
    expect(taken).not.toBeNull();
    await taken!.release();

    // A holder that died: its row stays with a lease in the past, and the next caller takes it.
    a.prepare("insert into job_locks (name, holder, until) values ('cleanup', 'dead', ?)").run(
      Date.now() - 1,
    );
    const afterDeath = second.tryJobLock("cleanup");
    expect(afterDeath).not.toBeNull();
    expect(first.tryJobLock("cleanup")).toBeNull();
    await afterDeath!.release();
    a.close();
    b.close();
  });
});
