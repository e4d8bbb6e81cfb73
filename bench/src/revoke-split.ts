// pnpm --filter @sessions/bench revoke-split FILE… — where one revokeUserSessions call's time goes,
// statement by statement (the store's logger marks when each starts), and how many 4 KiB pages it
// read: through read syscalls (rchar: the OS page cache included) and from storage (read_bytes).
// 12 users from a random stretch of each SQLite file (their sessions get revoked: use scratch files).
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
const rchar = () => Number(/rchar: (\d+)/.exec(readFileSync("/proc/self/io", "utf8"))![1]);
const disk = () => Number(/read_bytes: (\d+)/.exec(readFileSync("/proc/self/io", "utf8"))![1]);
import Database from "better-sqlite3";
import { createSessionsService, openSqliteStore } from "@sessions/core";
for (const file of process.argv.slice(2)) {
  let marks: { q: string; t: number }[] = [];
  const store = openSqliteStore(file, {
    logger: {
      logQuery: (q: string) => marks.push({ q: q.replace(/\s+/g, " ").slice(0, 70), t: performance.now() }),
    },
  });
  const service = createSessionsService({ store });
  const raw = new Database(file, { readonly: true });
  const users = raw
    .prepare<[number], { id: string }>("select id from users order by rowid limit 12 offset ?")
    .all(60_000 + Math.floor(Math.random() * 30_000))
    .map((r) => r.id);
  raw.close();
  const per = new Map<string, number[]>();
  const totals: number[] = [];
  const pages: number[] = [];
  const diskPages: number[] = [];
  for (const id of users) {
    marks = [];
    const r0 = rchar();
    const d0 = disk();
    const s = performance.now();
    await service.revokeUserSessions(id);
    const end = performance.now();
    pages.push((rchar() - r0) / 4096);
    diskPages.push((disk() - d0) / 4096);
    totals.push(end - s);
    marks.push({ q: "(end)", t: end });
    per.set("(before first statement)", [...(per.get("(before first statement)") ?? []), marks[0]!.t - s]);
    for (let i = 0; i + 1 < marks.length; i++)
      per.set(marks[i]!.q, [...(per.get(marks[i]!.q) ?? []), marks[i + 1]!.t - marks[i]!.t]);
  }
  totals.sort((a, b) => a - b);
  pages.sort((a, b) => a - b);
  console.log(
    `${file}: revokeUserSessions median ${totals[6]!.toFixed(2)} ms, ${pages[6]!.toFixed(0)} pages read (rchar / 4096), ${diskPages.sort((a, b) => a - b)[6]!.toFixed(0)} from storage (read_bytes / 4096)`,
  );
  for (const [q, t] of per) {
    t.sort((a, b) => a - b);
    console.log(`  ${t[Math.floor(t.length / 2)]!.toFixed(3)} ms  ${q}`);
  }
  await store.close();
}
