// pnpm --filter @sessions/bench kept-curve SMALL_DIR LARGE_DIR [--rounds R]
// Issue 15's cost curve, re-measured on two data sets kept by `admin-reads --keep DIR` (the same
// generator at two sizes, e.g. 1M and 10M): the index-served operations through the service, both
// stores open at once and measured in interleaved rounds (median of the rounds' medians), with a
// person search of the same size at both (the suite's "<person>" needle matches 10× the sessions
// at 10× the data, since names come from fixed lists). Read-mostly: the touches write lastSeenAt
// and revokeUserSessions ends a few users' sessions, so run it on copies you can spare.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import Database from "better-sqlite3";
import { createSessionsService, openSqliteStore, type SessionsService } from "@sessions/core";
import { median } from "./measure.js";

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args.splice(i, 2)[1] : undefined;
};
const ROUNDS = Number(flag("--rounds") ?? 3);
const dirs = args;
if (dirs.length !== 2) throw new Error("usage: kept-curve SMALL_DIR LARGE_DIR [--rounds R]");

interface Kept {
  label: string;
  service: SessionsService;
  /** A clock 61 s further on each call: every validation then writes lastSeenAt (the touch case). */
  touching: SessionsService;
  close: () => Promise<void>;
  tokens: string[];
  sessionIds: string[];
  person: string;
  personSessions: number;
  users: string[];
}

/**
 * An email needle matching close to `target` active sessions in the raw file: a person's local
 * part ("first.last"), candidates by how many users have it, then each counted exactly.
 */
function personNeedle(file: string, target: number): { needle: string; sessions: number } {
  const db = new Database(file, { readonly: true });
  try {
    // A person's local part, "first.last" (the number some emails add taken off): users per part.
    const users = new Map<string, number>();
    for (const { email } of db.prepare<[], { email: string }>("select email from users").iterate()) {
      const local = /^([a-z]+\.[a-z]+)\d*@/.exec(email);
      if (local) users.set(local[1]!, (users.get(local[1]!) ?? 0) + 1);
    }
    // ~7.5 active sessions a user in the generated data; the exact count decides below.
    const candidates = [...users]
      .sort((a, b) => Math.abs(a[1] * 7.5 - target) - Math.abs(b[1] * 7.5 - target))
      .slice(0, 60);
    const count = db.prepare<[string, number], { n: number }>(
      `select count(*) n from sessions s where s.user_id in (select id from users where email like ?)
         and s.revoked_at is null and s.expires_at > ?`,
    );
    let best = { needle: "", sessions: Infinity };
    for (const [needle] of candidates) {
      const sessions = count.get(`%${needle}%`, Date.now())!.n;
      if (Math.abs(sessions - target) < Math.abs(best.sessions - target)) best = { needle, sessions };
      if (Math.abs(sessions - target) <= target * 0.05) break;
    }
    if (!(best.sessions > 0)) throw new Error(`no email needle matches active sessions in ${file}`);
    return best;
  } finally {
    db.close();
  }
}

function open(dir: string, personTarget: number): Kept {
  const file = join(dir, "bench.sqlite");
  const kept = JSON.parse(readFileSync(join(dir, "bench.json"), "utf8")) as {
    sessions: number;
    tokens: string[];
  };
  const store = openSqliteStore(file);
  let at = Date.now();
  const service = createSessionsService({ store });
  const touching = createSessionsService({ store, clock: { now: () => new Date((at += 61_000)) } });
  const raw = new Database(file, { readonly: true });
  const users = raw
    // Users no earlier run used (revokeUserSessions ends theirs): a random stretch of them.
    .prepare<[number], { id: string }>("select id from users order by rowid limit 200 offset ?")
    .all(1000 + Math.floor(Math.random() * 50_000))
    .map((r) => r.id);
  raw.close();
  const { needle, sessions } = personNeedle(file, personTarget);
  const label = kept.sessions >= 1e6 ? `${kept.sessions / 1e6}M` : `${kept.sessions / 1e3}k`;
  return {
    label,
    service,
    touching,
    close: () => store.close(),
    tokens: kept.tokens,
    sessionIds: [],
    person: needle,
    personSessions: sessions,
    users,
  };
}

type Op = { name: string; run: (k: Kept, i: number) => Promise<unknown> };
const PAGE = { limit: 50, sort: { by: "createdAt" as const, dir: "desc" as const } };

async function main(): Promise<void> {
  const small = open(dirs[0]!, 80);
  const large = open(dirs[1]!, small.personSessions);
  const sets = [small, large];
  for (const k of sets) {
    for (const token of k.tokens.slice(0, 200)) {
      const v = await k.service.validateSession(token, { touch: false });
      if (v) k.sessionIds.push(v.session.id);
    }
    console.log(`${k.label}: person needle "${k.person}" matches ${k.personSessions} active sessions`);
  }
  // Cursors ~20 pages deep, as the console reaches them.
  const deep = new Map<Kept, Map<string, string | null>>();
  const listInputs = (k: Kept) => ({
    "no filter": { ...PAGE },
    person: { ...PAGE, filter: { email: k.person } },
    "sort lastSeenAt": { ...PAGE, sort: { by: "lastSeenAt" as const, dir: "desc" as const } },
  });
  for (const k of sets) {
    const cursors = new Map<string, string | null>();
    for (const [name, input] of Object.entries(listInputs(k))) {
      let cursor: string | null = null;
      for (let i = 0; i < 20; i++) {
        const page = await k.service.listActiveSessions({ ...input, cursor: cursor ?? undefined });
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      cursors.set(name, cursor);
    }
    deep.set(k, cursors);
  }
  let revoked = 0;
  const revokedSessions = new Map<Kept, number>();
  const ops: Op[] = [
    {
      name: "validateSession (fresh)",
      run: (k, i) => k.service.validateSession(k.tokens[i % 200]!, { touch: false }),
    },
    {
      name: "validateSession (lastSeenAt touch)",
      run: (k, i) => k.touching.validateSession(k.tokens[200 + (i % 1500)]!),
    },
    {
      name: "getSessionInfo",
      run: (k, i) => k.service.getSessionInfo(k.sessionIds[i % k.sessionIds.length]!),
    },
    { name: "listUserSessions", run: (k, i) => k.service.listUserSessions(k.users[i % 100]!) },
    ...(["no filter", "person", "sort lastSeenAt"] as const).flatMap((name): Op[] => [
      {
        name: `listActiveSessions [${name}] page 1`,
        run: (k) => k.service.listActiveSessions(listInputs(k)[name]),
      },
      {
        name: `listActiveSessions [${name}] page 21`,
        run: (k) =>
          k.service.listActiveSessions({
            ...listInputs(k)[name],
            cursor: deep.get(k)!.get(name) ?? undefined,
          }),
      },
    ]),
    { name: "countActiveSessions", run: (k) => k.service.countActiveSessions() },
    {
      name: "revokeUserSessions (10 sessions)",
      run: async (k) => {
        const ended = await k.service.revokeUserSessions(k.users[100 + (revoked++ % 100)]!);
        revokedSessions.set(k, (revokedSessions.get(k) ?? 0) + ended);
      },
    },
  ];
  const CALLS: Record<string, number> = { "revokeUserSessions (10 sessions)": 10 };
  const medians = new Map<string, number[]>();
  for (let round = 1; round <= ROUNDS; round++) {
    for (const op of ops) {
      for (const k of sets) {
        const times: number[] = [];
        const calls = CALLS[op.name] ?? 60;
        for (let i = 0; i < calls; i++) {
          const started = performance.now();
          await op.run(k, i + round * calls);
          times.push((performance.now() - started) * 1000);
        }
        const key = `${op.name}|${k.label}`;
        medians.set(key, [...(medians.get(key) ?? []), median(times)]);
      }
    }
    console.log(`round ${round}/${ROUNDS} done`);
  }
  const fmt = (us: number) => (us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(1)} µs`);
  console.log(
    `\n| operation | ${small.label} | ${large.label} | ${large.label} ÷ ${small.label} | target ≤ 1.5× |`,
  );
  console.log("| --- | ---: | ---: | ---: | --- |");
  for (const op of ops) {
    const a = median(medians.get(`${op.name}|${small.label}`)!);
    const b = median(medians.get(`${op.name}|${large.label}`)!);
    console.log(
      `| ${op.name} | ${fmt(a)} | ${fmt(b)} | ${(b / a).toFixed(2)}× | ${b / a <= 1.5 ? "met" : "**missed**"} |`,
    );
  }
  for (const k of sets)
    console.log(
      `${k.label}: revokeUserSessions ended ${revokedSessions.get(k) ?? 0} sessions of ${ROUNDS * 10} users`,
    );
  for (const k of sets) await k.close();
}

await main();
