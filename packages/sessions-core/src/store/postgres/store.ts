// Postgres store. Works over any drizzle Postgres driver (postgres.js in production, PGlite in
// tests without a server). Multi-statement operations run in one transaction; single conditional
// UPDATE … RETURNING statements make concurrent revokes count each session exactly once.
import {
  and,
  count,
  countDistinct,
  getTableColumns,
  desc,
  eq,
  gte,
  inArray,
  isNotNull,
  lt,
  sql,
  type SQL,
} from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { alias } from "drizzle-orm/pg-core";
import * as q from "../query-parts.js";
import type {
  ChangeFeed,
  InsertSessionResult,
  SessionsStore,
  SessionWithUser,
  StatsQuery,
  StatsRows,
} from "../store.js";
import type { schema } from "./schema.js";
import { apiKeys, auditEvents, sessions, users } from "./schema.js";

export type PgDb = PgDatabase<PgQueryResultHKT, typeof schema>;

/** Rows per multi-row INSERT of the bulk path: 14 columns × 2,000 rows stays far below 65,535 parameters. */
const BULK_ROWS_PER_STATEMENT = 2000;

// Audit lists name who acted and which user was the target, by join: one query per page, no N+1.
const actorUser = alias(users, "actor_user");
const actorKey = alias(apiKeys, "actor_key");
const targetUser = alias(users, "target_user");
const auditSelection = {
  ...getTableColumns(auditEvents),
  actorName: sql<string | null>`coalesce(${actorUser.email}, ${actorKey.name})`,
  targetName: targetUser.email,
};

const sessionUser = {
  id: users.id,
  email: users.email,
  name: users.name,
  status: users.status,
  role: users.role,
};

function isUniqueViolation(error: unknown): boolean {
  // postgres.js and PGlite both expose the SQLSTATE as `code`; drizzle may wrap it in `cause`.
  const code = (e: unknown) => (typeof e === "object" && e !== null && "code" in e ? e.code : undefined);
  const cause = typeof error === "object" && error !== null && "cause" in error ? error.cause : undefined;
  return code(error) === "23505" || code(cause) === "23505";
}

export function createPostgresStore(
  db: PgDb,
  close: () => Promise<void>,
  changeFeed: ChangeFeed | null = null,
): SessionsStore {
  const idsMatching = (condition: SQL | undefined) =>
    db
      .select({ id: sessions.id })
      .from(sessions)
      .innerJoin(users, eq(sessions.userId, users.id))
      .where(condition);

  const byTokenHash = db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(sessions.userId, users.id))
    .where(eq(sessions.tokenHash, sql.placeholder("tokenHash")))
    .prepare("sessions_by_token_hash");

  async function countWhere(condition: SQL | undefined, on: PgDb = db): Promise<number> {
    const [row] = await on.select({ n: count() }).from(sessions).where(condition);
    return row?.n ?? 0;
  }

  /** Every figure from `on`: inside sessionStats that is one read-only snapshot transaction. */
  async function stats(on: PgDb, query: StatsQuery): Promise<StatsRows> {
    const active = q.activeCondition(sessions, query.scope);
    const grouped = (column: typeof sessions.browser | typeof sessions.os) =>
      on
        .select({ name: sql<string>`coalesce(${column}, 'Unknown')`, count: count() })
        .from(sessions)
        .where(active)
        .groupBy(column)
        .orderBy(desc(count()), sql`1`)
        .limit(query.topN);
    const bucket = q.dayBucket(sessions.createdAt, query.dayStarts);
    const [totals, expiredSessions, sessionsToday, revokedToday, byBrowser, byOs, perDay] = await Promise.all(
      [
        on
          .select({ total: count(), users: countDistinct(sessions.userId) })
          .from(sessions)
          .where(active),
        countWhere(q.expiredCondition(sessions, query.scope), on),
        countWhere(and(gte(sessions.createdAt, query.todayStart), lt(sessions.createdAt, query.end)), on),
        countWhere(and(isNotNull(sessions.revokedAt), gte(sessions.revokedAt, query.todayStart)), on),
        grouped(sessions.browser),
        grouped(sessions.os),
        on
          .select({ bucket: sql<number>`${bucket}`.mapWith(Number), count: count() })
          .from(sessions)
          .where(and(gte(sessions.createdAt, query.dayStarts[0]!), lt(sessions.createdAt, query.end)))
          .groupBy(sql`1`),
      ],
    );
    return {
      totalActive: totals[0]?.total ?? 0,
      uniqueUsers: totals[0]?.users ?? 0,
      expiredSessions,
      sessionsToday,
      revokedToday,
      byBrowser,
      byOs,
      createdPerDay: query.dayStarts.map((_, i) => perDay.find((r) => r.bucket === i)?.count ?? 0),
    };
  }

  return {
    dialect: "postgres",
    changeFeed,

    async insertUser(user, audit) {
      try {
        await db.transaction(async (tx) => {
          await tx.insert(users).values(user);
          if (audit) await tx.insert(auditEvents).values(audit);
        });
        return { ok: true };
      } catch (error) {
        if (isUniqueViolation(error)) return { ok: false, error: "email_taken" };
        throw error;
      }
    },

    async getUserById(id) {
      const [row] = await db.select().from(users).where(eq(users.id, id));
      return row ?? null;
    },

    async getUserByEmail(email) {
      const [row] = await db.select().from(users).where(eq(users.email, email));
      return row ?? null;
    },

    async listUsers(query) {
      return db
        .select()
        .from(users)
        .where(
          and(
            query.search ? q.userSearchCondition(users, query.search, "lower") : undefined,
            query.status ? eq(users.status, query.status) : undefined,
            query.role ? eq(users.role, query.role) : undefined,
            q.keysetAfter(users.createdAt, users.id, "desc", query.after),
          ),
        )
        .orderBy(...q.keysetOrder(users.createdAt, users.id, "desc"))
        .limit(query.limit);
    },

    async countActiveSessionsByUser(userIds, scope) {
      if (userIds.length === 0) return new Map();
      const rows = await db
        .select({ userId: sessions.userId, n: count() })
        .from(sessions)
        .where(and(inArray(sessions.userId, userIds), q.activeCondition(sessions, scope)))
        .groupBy(sessions.userId);
      return new Map(rows.map((r) => [r.userId, r.n]));
    },

    async setUserStatus(userId, status, at, revocation, audit) {
      return db.transaction(async (tx) => {
        const [user] = await tx
          .update(users)
          .set({ status, updatedAt: at })
          .where(eq(users.id, userId))
          .returning();
        if (!user) return null;
        let revokedSessions = 0;
        if (revocation) {
          const revoked = await tx
            .update(sessions)
            .set({ revokedAt: revocation.at, revokedBy: revocation.by, revokeReason: revocation.reason })
            .where(q.revokeSelectorCondition(sessions, users, { kind: "user", userId }, idsMatching))
            .returning({ id: sessions.id });
          revokedSessions = revoked.length;
        }
        await tx.insert(auditEvents).values({ ...audit, count: revokedSessions });
        return { user, revokedSessions };
      });
    },

    async insertSession(session, audit) {
      return db.transaction(async (tx): Promise<InsertSessionResult> => {
        // FOR SHARE: a concurrent disable (UPDATE users) waits for this commit, and its revocation
        // then sees the new row; if the disable committed first, this reads the disabled status.
        const [user] = await tx.select().from(users).where(eq(users.id, session.userId)).for("share");
        if (!user) return { ok: false, error: "user_not_found" };
        if (user.status !== "active") return { ok: false, error: "user_disabled" };
        await tx.insert(sessions).values(session);
        if (audit) await tx.insert(auditEvents).values(audit);
        return { ok: true, user };
      });
    },

    async insertSessionsBulk(userRecords, sessionRecords) {
      await db.transaction(async (tx) => {
        for (let i = 0; i < userRecords.length; i += BULK_ROWS_PER_STATEMENT) {
          await tx.insert(users).values(userRecords.slice(i, i + BULK_ROWS_PER_STATEMENT));
        }
        for (let i = 0; i < sessionRecords.length; i += BULK_ROWS_PER_STATEMENT) {
          await tx.insert(sessions).values(sessionRecords.slice(i, i + BULK_ROWS_PER_STATEMENT));
        }
      });
    },

    async findSessionByTokenHash(tokenHash) {
      const [row] = await byTokenHash.execute({ tokenHash });
      return row ?? null;
    },

    async touchSession(id, at, staleBefore) {
      await db
        .update(sessions)
        .set({ lastSeenAt: at })
        .where(and(eq(sessions.id, id), lt(sessions.lastSeenAt, staleBefore)));
    },

    async getSession(id) {
      const [row] = await db
        .select({ session: sessions, user: sessionUser })
        .from(sessions)
        .innerJoin(users, eq(sessions.userId, users.id))
        .where(eq(sessions.id, id));
      return row ?? null;
    },

    async listSessions(query): Promise<SessionWithUser[]> {
      const column = q.sortColumn(sessions, query.sort);
      return db
        .select({ session: sessions, user: sessionUser })
        .from(sessions)
        .innerJoin(users, eq(sessions.userId, users.id))
        .where(
          and(
            q.sessionFilterCondition(sessions, users, query.filter, query.scope),
            q.keysetAfter(column, sessions.id, query.sort.dir, query.after),
          ),
        )
        .orderBy(...q.keysetOrder(column, sessions.id, query.sort.dir))
        .limit(query.limit);
    },

    async countSessions(filter, scope) {
      const condition = q.sessionFilterCondition(sessions, users, filter, scope);
      if (!q.filterNeedsUsers(filter)) return countWhere(condition);
      const [row] = await db
        .select({ n: count() })
        .from(sessions)
        .innerJoin(users, eq(sessions.userId, users.id))
        .where(condition);
      return row?.n ?? 0;
    },

    async revokeSessions(selector, revocation, audit) {
      return db.transaction(async (tx) => {
        const revoked = await tx
          .update(sessions)
          .set({ revokedAt: revocation.at, revokedBy: revocation.by, revokeReason: revocation.reason })
          .where(q.revokeSelectorCondition(sessions, users, selector, idsMatching))
          .returning({ id: sessions.id });
        if (revoked.length > 0) {
          const target =
            revoked.length === 1 && audit.targetType === "session" ? revoked[0]!.id : audit.target;
          await tx.insert(auditEvents).values({ ...audit, target, count: revoked.length });
        }
        return revoked.length;
      });
    },

    async sessionStats(query) {
      // One snapshot for every figure, so they agree with each other.
      return db.transaction((tx) => stats(tx, query), {
        isolationLevel: "repeatable read",
        accessMode: "read only",
      });
    },

    async prune(cutoff, audit) {
      return db.transaction(async (tx) => {
        let removed = 0;
        for (const condition of q.pruneConditions(sessions, cutoff)) {
          removed += (await tx.delete(sessions).where(condition).returning({ id: sessions.id })).length;
        }
        if (removed > 0) await tx.insert(auditEvents).values({ ...audit, count: removed });
        return removed;
      });
    },

    async listAudit(query) {
      return db
        .select(auditSelection)
        .from(auditEvents)
        .leftJoin(actorUser, and(eq(auditEvents.actorType, "user"), eq(actorUser.id, auditEvents.actor)))
        .leftJoin(actorKey, and(eq(auditEvents.actorType, "api_key"), eq(actorKey.id, auditEvents.actor)))
        .leftJoin(targetUser, and(eq(auditEvents.targetType, "user"), eq(targetUser.id, auditEvents.target)))
        .where(
          and(
            query.action ? eq(auditEvents.action, query.action) : undefined,
            query.actor ? eq(auditEvents.actor, query.actor) : undefined,
            query.target ? eq(auditEvents.target, query.target) : undefined,
            q.keysetAfter(auditEvents.at, auditEvents.id, "desc", query.after),
          ),
        )
        .orderBy(...q.keysetOrder(auditEvents.at, auditEvents.id, "desc"))
        .limit(query.limit);
    },

    async insertApiKey(key, audit) {
      await db.transaction(async (tx) => {
        await tx.insert(apiKeys).values(key);
        await tx.insert(auditEvents).values(audit);
      });
    },

    async findApiKeyByHash(keyHash) {
      const [row] = await db.select().from(apiKeys).where(eq(apiKeys.keyHash, keyHash));
      return row ?? null;
    },

    async listApiKeys() {
      return db
        .select()
        .from(apiKeys)
        .orderBy(...q.keysetOrder(apiKeys.createdAt, apiKeys.id, "desc"));
    },

    async revokeApiKey(id, at, audit) {
      return db.transaction(async (tx) => {
        const [row] = await tx
          .update(apiKeys)
          .set({ revokedAt: at })
          .where(and(eq(apiKeys.id, id), sql`${apiKeys.revokedAt} is null`))
          .returning({ id: apiKeys.id });
        if (!row) return false;
        await tx.insert(auditEvents).values(audit);
        return true;
      });
    },

    async touchApiKey(id, at, staleBefore) {
      await db
        .update(apiKeys)
        .set({ lastUsedAt: at })
        .where(and(eq(apiKeys.id, id), q.staleOrNull(apiKeys.lastUsedAt, staleBefore)));
    },

    async ping() {
      await db.execute(sql`select 1`);
    },

    close,
  };
}
