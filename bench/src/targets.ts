// Where each dialect's database lives for a run, and the raw-driver "floor" of each hot path: the
// same lookup as one hand-prepared statement on the driver itself (better-sqlite3 prepared
// statement; postgres.js prepared query), SHA-256 of the token included where the service hashes.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import postgres from "postgres";
import { openPostgresStore, openSqliteStore, type SessionsStore } from "@sessions/core";
import { sha256Hex, uuidv7At, type Chunk } from "./data.js";

const FLOOR_UA =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";
const FLOOR_IP = "203.0.113.7";
const FLOOR_AUDIT = "bench.floor";

function floorRecord(userId: string, now: Date) {
  const random = randomBytes(52);
  const id = uuidv7At(now.getTime(), random, 32);
  return {
    id,
    tokenHash: sha256Hex(random.toString("base64url", 0, 32)),
    userId,
    auditId: uuidv7At(now.getTime(), random, 42),
  };
}

export type DialectName = "sqlite" | "postgres";

/** A list as the service runs it, described once for the floor and the deep-cursor lookup. */
export interface ListShape {
  sort: "createdAt" | "lastSeenAt";
  email?: string;
  browser?: string;
}

export interface Floors {
  /**
   * createSession's storage work by hand: in one transaction, read the user, insert the session
   * row and its audit row (no maintained figures). The rows it adds are removed by cleanup().
   */
  createSession(userId: string, now: Date): unknown;
  validate(token: string): unknown;
  sessionInfo(id: string): unknown;
  userSessions(userId: string): unknown;
  activePage(now: Date): unknown;
  countActive(now: Date): unknown;
}

export interface RawAccess {
  /** Deletes what the createSession floor inserted (not timed). */
  cleanupFloorRows(): Promise<void>;
  /** Active rows matching a list, and the (sort value, id) of the row at `offset` in its order. */
  countList(shape: ListShape, now: Date): Promise<number>;
  positionAt(shape: ListShape, now: Date, offset: number): Promise<{ value: Date; id: string } | null>;
  /** Server/library version string, for the report. */
  version(): Promise<string>;
  /** After seeding: what an operator (or autovacuum) would do after a bulk import. */
  afterSeed(): Promise<void>;
  /**
   * The bulk load's floor, where there is one (SQLite): the same rows by hand into a fresh database
   * with the same schema, the fastest way SQLite allows — one transaction, indexes built after the
   * rows, no WAL double write, prepared single-row INSERTs of driver values (no maintained figures).
   * Returns the ms spent inside SQLite (making the batches is not counted).
   */
  seedFloor?(batches: Iterable<Chunk>): Promise<number>;
}

export interface Target {
  dialect: DialectName;
  store: SessionsStore;
  floors: Floors;
  raw: RawAccess;
  /** The SQLite file (for the HTTP part), if any. */
  file: string | null;
  /** The Postgres scratch database's URL (API processes over it: --instances), if any. */
  url: string | null;
  /** Closes the raw connection (the store is closed by the caller). */
  close(): Promise<void>;
  /** Deletes the database. */
  destroy(): Promise<void>;
}

const SESSION_COLUMNS =
  "s.id, s.token_hash, s.user_id, s.created_at, s.expires_at, s.last_seen_at, s.ip, s.user_agent, s.browser, s.os, s.device_type, s.revoked_at, s.revoked_by, s.revoke_reason";
const USER_COLUMNS =
  "u.id, u.email, u.name, u.role, u.status, u.confirmed_at, u.password_hash, u.created_at, u.updated_at";
const LIST_USER_COLUMNS = "u.id, u.email, u.name, u.status, u.role";

function sortColumn(shape: ListShape): string {
  return shape.sort === "createdAt" ? "s.created_at" : "s.last_seen_at";
}

function escapeLike(input: string): string {
  return input.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * A scratch database in a temporary directory, deleted by destroy(); or, with `file`, that database
 * (created if missing), which destroy() keeps so later runs can reuse it (`--db`).
 */
export async function openSqliteTarget(options: { file?: string } = {}): Promise<Target> {
  const dir = options.file ? null : mkdtempSync(join(tmpdir(), "sessions-bench-"));
  const file = options.file ?? join(dir!, "bench.db");
  const store = openSqliteStore(file);
  const db = new Database(file);
  db.pragma("busy_timeout = 5000");
  const byToken = db
    .prepare(
      `select ${SESSION_COLUMNS}, ${USER_COLUMNS} from sessions s join users u on u.id = s.user_id where s.token_hash = ?`,
    )
    .raw();
  const byId = db
    .prepare(
      `select ${SESSION_COLUMNS}, ${LIST_USER_COLUMNS} from sessions s join users u on u.id = s.user_id where s.id = ?`,
    )
    .raw();
  const forUser = db
    .prepare(
      `select ${SESSION_COLUMNS}, ${LIST_USER_COLUMNS} from sessions s join users u on u.id = s.user_id where s.user_id = ? order by s.created_at desc, s.id desc limit 51`,
    )
    .raw();
  // INDEXED BY: left to itself, SQLite's planner (no statistics) reads this through the live-expiry
  // index and sorts every active row (3.6 s at 1M); the hand-written floor takes the sort index.
  const activePage = db
    .prepare(
      `select ${SESSION_COLUMNS}, ${LIST_USER_COLUMNS} from sessions s indexed by sessions_created_at_idx join users u on u.id = s.user_id where s.revoked_at is null and s.expires_at > ? order by s.created_at desc, s.id desc limit 51`,
    )
    .raw();
  const countActive = db
    .prepare("select count(*) from sessions s where s.revoked_at is null and s.expires_at > ?")
    .pluck();
  const userForCreate = db.prepare("select * from users where id = ?");
  const insertSession = db.prepare(
    "insert into sessions (id, token_hash, user_id, created_at, expires_at, last_seen_at, ip, user_agent, browser, os, device_type) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
  );
  const insertAudit = db.prepare(
    "insert into audit_events (id, at, actor_type, actor, action, target_type, target) values (?, ?, 'system', 'system', ?, 'session', ?)",
  );
  const createSession = db.transaction((userId: string, now: Date) => {
    const r = floorRecord(userId, now);
    userForCreate.get(userId);
    const at = now.getTime();
    insertSession.run(
      r.id,
      r.tokenHash,
      userId,
      at,
      at + 60 * 86_400_000,
      at,
      FLOOR_IP,
      FLOOR_UA,
      "Chrome",
      "Windows",
      "desktop",
    );
    insertAudit.run(r.auditId, at, FLOOR_AUDIT, r.id);
  });

  function where(shape: ListShape): { sql: string; params: unknown[] } {
    const parts = ["s.revoked_at is null", "s.expires_at > ?"];
    const params: unknown[] = [];
    if (shape.email) {
      parts.push("u.email like ? escape '\\'");
      params.push(`%${escapeLike(shape.email.toLowerCase())}%`);
    }
    if (shape.browser) {
      parts.push("s.browser = ?");
      params.push(shape.browser);
    }
    return { sql: parts.join(" and "), params };
  }

  return {
    dialect: "sqlite",
    store,
    file,
    url: null,
    floors: {
      createSession: (userId, now) => createSession(userId, now),
      validate: (token) => byToken.get(sha256Hex(token)),
      sessionInfo: (id) => byId.get(id),
      userSessions: (userId) => forUser.all(userId),
      activePage: (now) => activePage.all(now.getTime()),
      countActive: (now) => countActive.get(now.getTime()),
    },
    raw: {
      async cleanupFloorRows() {
        db.transaction(() => {
          db.prepare(
            `delete from sessions where id in (select target from audit_events where action = '${FLOOR_AUDIT}')`,
          ).run();
          db.prepare(`delete from audit_events where action = '${FLOOR_AUDIT}'`).run();
        })();
      },
      async countList(shape, now) {
        const w = where(shape);
        return db
          .prepare(`select count(*) from sessions s join users u on u.id = s.user_id where ${w.sql}`)
          .pluck()
          .get(now.getTime(), ...w.params) as number;
      },
      async positionAt(shape, now, offset) {
        const w = where(shape);
        const column = sortColumn(shape);
        const row = db
          .prepare(
            `select ${column} as value, s.id as id from sessions s join users u on u.id = s.user_id where ${w.sql} order by ${column} desc, s.id desc limit 1 offset ?`,
          )
          .get(now.getTime(), ...w.params, offset) as { value: number; id: string } | undefined;
        return row ? { value: new Date(row.value), id: row.id } : null;
      },
      async version() {
        return db.prepare("select sqlite_version()").pluck().get() as string;
      },
      async afterSeed() {
        // Nothing: SQLite has no background statistics job; the store sees the data as it is.
      },
      async seedFloor(batches) {
        return sqliteSeedFloor(join(dirname(file), "seed-floor.db"), batches);
      },
    },
    async close() {
      db.close();
    },
    async destroy() {
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function openPostgresTarget(serverUrl: string): Promise<Target> {
  const database = `sessions_bench_${randomBytes(5).toString("hex")}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${database}`);
  } catch (error) {
    await admin.end();
    throw new Error(
      `could not create a scratch database on BENCH_POSTGRES_URL (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  // No practical deadline: the bench times operations, including the one-shot revocation of 10% of
  // the sessions that stands for how revokeMany ran before batching (which takes longer than
  // DATABASE_TIMEOUT's 5 s on Postgres at 1M).
  const store = await openPostgresStore(url.toString(), { timeoutMs: 600_000 });
  const sql = postgres(url.toString(), { max: 1, onnotice: () => {}, prepare: true });
  const q = (text: string, params: unknown[]) =>
    sql.unsafe(text, params as postgres.ParameterOrJSON<never>[], { prepare: true }).values();

  const byToken = `select ${SESSION_COLUMNS}, ${USER_COLUMNS} from sessions s join users u on u.id = s.user_id where s.token_hash = $1`;
  const byId = `select ${SESSION_COLUMNS}, ${LIST_USER_COLUMNS} from sessions s join users u on u.id = s.user_id where s.id = $1`;
  const forUser = `select ${SESSION_COLUMNS}, ${LIST_USER_COLUMNS} from sessions s join users u on u.id = s.user_id where s.user_id = $1 order by s.created_at desc, s.id desc limit 51`;
  const activePage = `select ${SESSION_COLUMNS}, ${LIST_USER_COLUMNS} from sessions s join users u on u.id = s.user_id where s.revoked_at is null and s.expires_at > $1 order by s.created_at desc, s.id desc limit 51`;
  const countActive = "select count(*) from sessions s where s.revoked_at is null and s.expires_at > $1";
  const userForCreate = "select * from users where id = $1";
  const insertSession =
    "insert into sessions (id, token_hash, user_id, created_at, expires_at, last_seen_at, ip, user_agent, browser, os, device_type) values ($1, $2, $3, $4, $5, $4, $6, $7, 'Chrome', 'Windows', 'desktop')";
  const insertAudit =
    "insert into audit_events (id, at, actor_type, actor, action, target_type, target) values ($1, $2, 'system', 'system', $3, 'session', $4)";

  function where(shape: ListShape): { sql: string; params: unknown[] } {
    const parts = ["s.revoked_at is null", "s.expires_at > $1"];
    const params: unknown[] = [];
    if (shape.email) {
      params.push(`%${escapeLike(shape.email.toLowerCase())}%`);
      parts.push(`u.email like $${params.length + 1} escape '\\'`);
    }
    if (shape.browser) {
      params.push(shape.browser);
      parts.push(`s.browser = $${params.length + 1}`);
    }
    return { sql: parts.join(" and "), params };
  }

  return {
    dialect: "postgres",
    store,
    file: null,
    url: url.toString(),
    floors: {
      createSession: (userId, now) =>
        sql.begin(async (tx) => {
          const r = floorRecord(userId, now);
          const run = (text: string, params: unknown[]) =>
            tx.unsafe(text, params as postgres.ParameterOrJSON<never>[], { prepare: true });
          await run(userForCreate, [userId]);
          await run(insertSession, [
            r.id,
            r.tokenHash,
            userId,
            now,
            new Date(now.getTime() + 60 * 86_400_000),
            FLOOR_IP,
            FLOOR_UA,
          ]);
          await run(insertAudit, [r.auditId, now, FLOOR_AUDIT, r.id]);
        }),
      validate: (token) => q(byToken, [sha256Hex(token)]),
      sessionInfo: (id) => q(byId, [id]),
      userSessions: (userId) => q(forUser, [userId]),
      activePage: (now) => q(activePage, [now]),
      countActive: (now) => q(countActive, [now]),
    },
    raw: {
      async cleanupFloorRows() {
        await sql.begin(async (tx) => {
          await tx.unsafe(
            `delete from sessions where id in (select target from audit_events where action = '${FLOOR_AUDIT}')`,
          );
          await tx.unsafe(`delete from audit_events where action = '${FLOOR_AUDIT}'`);
        });
      },
      async countList(shape, now) {
        const w = where(shape);
        const [row] = await sql.unsafe(
          `select count(*)::int as n from sessions s join users u on u.id = s.user_id where ${w.sql}`,
          [now, ...w.params] as postgres.ParameterOrJSON<never>[],
        );
        return Number(row?.n ?? 0);
      },
      async positionAt(shape, now, offset) {
        const w = where(shape);
        const column = sortColumn(shape);
        const [row] = await sql.unsafe(
          `select ${column} as value, s.id as id from sessions s join users u on u.id = s.user_id where ${w.sql} order by ${column} desc, s.id desc limit 1 offset $${w.params.length + 2}`,
          [now, ...w.params, offset] as postgres.ParameterOrJSON<never>[],
        );
        return row ? { value: row.value as Date, id: row.id as string } : null;
      },
      async version() {
        const [row] = await sql`show server_version`;
        return String(row?.server_version);
      },
      async afterSeed() {
        // What autovacuum does shortly after a bulk load; without it the planner has no statistics.
        await sql.unsafe("vacuum (analyze)");
      },
    },
    async close() {
      await sql.end({ timeout: 5 });
    },
    async destroy() {
      await admin.unsafe(`drop database if exists ${database} with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}

async function sqliteSeedFloor(file: string, batches: Iterable<Chunk>): Promise<number> {
  await openSqliteStore(file).close(); // the schema, by the store's own migrations
  const db = new Database(file);
  try {
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    db.pragma("cache_size = -1048576");
    db.pragma("journal_mode = delete");
    const ms = (d: Date | null) => (d === null ? null : d.getTime());
    const insertUser = db.prepare(
      "insert into users (id, email, name, role, status, confirmed_at, password_hash, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    );
    const insertSession = db.prepare(
      "insert into sessions (id, token_hash, user_id, created_at, expires_at, last_seen_at, ip, user_agent, browser, os, device_type, revoked_at, revoked_by, revoke_reason) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    );
    const indexes = db
      .prepare<[], { name: string; sql: string }>(
        "select name, sql from sqlite_master where type = 'index' and tbl_name in ('users', 'sessions') and sql is not null",
      )
      .all();
    // The trigram search tables are filled once at the end, not row by row by their triggers
    // (row by row inside one transaction grows quadratically: see the store's dropSearchTriggers).
    const triggers = db
      .prepare<[], { name: string; sql: string }>(
        "select name, sql from sqlite_master where type = 'trigger' and tbl_name = 'users' and name like 'users_%_search_%'",
      )
      .all();
    const load = db.transaction((chunks: Iterable<Chunk>) => {
      for (const index of indexes) db.exec(`drop index "${index.name}"`);
      for (const trigger of triggers) db.exec(`drop trigger "${trigger.name}"`);
      for (const chunk of chunks) {
        for (const u of chunk.users) {
          insertUser.run(
            u.id,
            u.email,
            u.name,
            u.role,
            u.status,
            ms(u.confirmedAt),
            u.passwordHash,
            ms(u.createdAt),
            ms(u.updatedAt),
          );
        }
        for (const x of chunk.sessions) {
          insertSession.run(
            x.id,
            x.tokenHash,
            x.userId,
            ms(x.createdAt),
            ms(x.expiresAt),
            ms(x.lastSeenAt),
            x.ip,
            x.userAgent,
            x.browser,
            x.os,
            x.deviceType,
            ms(x.revokedAt),
            x.revokedBy,
            x.revokeReason,
          );
        }
      }
      db.exec("insert into users_email_search (user_id, email) select id, email from users");
      db.exec(
        "insert into users_name_search (user_id, name) select id, name from users where name is not null",
      );
      for (const trigger of triggers) db.exec(trigger.sql);
      for (const index of indexes) db.exec(index.sql);
    });
    let generating = 0;
    function* timed(): Generator<Chunk> {
      const iterator = batches[Symbol.iterator]();
      for (;;) {
        const t0 = performance.now();
        const next = iterator.next();
        generating += performance.now() - t0;
        if (next.done) return;
        yield next.value;
      }
    }
    const started = performance.now();
    load(timed());
    db.pragma("journal_mode = wal");
    return performance.now() - started - generating;
  } finally {
    db.close();
    for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(file + suffix, { force: true });
  }
}
