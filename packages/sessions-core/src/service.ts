// createSessionsService: the only entry point to the domain. Every rule lives here or in domain/;
// the store only persists what this decides, and routers only authenticate and translate.
import { V7Generator } from "uuidv7";
import { systemClock, type Clock } from "./domain/clock.js";
import { resolveConfig, type SessionsConfig } from "./domain/config.js";
import { decodeCursor, toPage } from "./domain/cursor.js";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "./domain/errors.js";
import {
  createApiKeySchema,
  createSessionSchema,
  createUserSchema,
  emailSchema,
  idSchema,
  listAuditSchema,
  listSessionsSchema,
  listUserSessionsSchema,
  listUsersSchema,
  parseInput,
  reasonSchema,
  revokeManySchema,
  sessionFilterSchema,
} from "./domain/inputs.js";
import { dummyPasswordHash, hashPassword, verifyPasswordHash } from "./domain/password.js";
import { localDate, localDays, sessionStatus, statusScope, toSessionInfo } from "./domain/rules.js";
import {
  defaultRandom,
  generateApiKey,
  generateToken,
  hashToken,
  looksLikeToken,
  tokenPreview,
  API_KEY_PREFIX,
  type RandomSource,
} from "./domain/tokens.js";
import type {
  Actor,
  ApiKey,
  AuditAction,
  AuditEvent,
  CallContext,
  CreatedApiKey,
  CreatedSession,
  CreateSessionInput,
  CreateUserInput,
  ListAuditInput,
  ListSessionsInput,
  ListUsersInput,
  Page,
  RevokeManyResult,
  RevokeResult,
  SessionFilter,
  SessionInfo,
  SessionsEvent,
  SessionStats,
  SessionStatusFilter,
  SetUserStatusResult,
  User,
  UserStatus,
  UserWithSessionCount,
  ValidatedSession,
} from "./domain/types.js";
import { parseUserAgent } from "./domain/user-agent.js";
import type {
  ApiKeyRecord,
  AuditRecord,
  SessionQueryFilter,
  SessionRecord,
  SessionsStore,
  UserRecord,
} from "./store/store.js";

export interface SessionsServiceOptions {
  store: SessionsStore;
  clock?: Clock;
  config?: Partial<SessionsConfig>;
  /** Source of token bytes; tests inject a deterministic one. */
  random?: RandomSource;
  /** Called after each committed change. Must not throw; errors are swallowed to protect the caller. */
  onEvent?: (event: SessionsEvent) => void;
}

export type RevokeOptions = CallContext & { reason?: string | null };

const TOP_N = 10;
const SAMPLE_SIZE = 10;
const STATS_DAYS = 30;
/** API key lastUsedAt is informational: write it at most once a minute per key. */
const API_KEY_TOUCH_MS = 60_000;

function actorOf(ctx: CallContext | undefined): Actor {
  return ctx?.actor ?? { type: "system" };
}

/** How an actor is written in revoked_by: "user:<id>", "api_key:<id>" or "system". */
export function actorLabel(actor: Actor): string {
  return actor.type === "system" ? "system" : `${actor.type}:${actor.id}`;
}

function toUser(r: UserRecord): User {
  return {
    id: r.id,
    email: r.email,
    name: r.name,
    role: r.role,
    status: r.status,
    confirmedAt: r.confirmedAt,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

function toApiKey(r: ApiKeyRecord): ApiKey {
  return {
    id: r.id,
    name: r.name,
    keyPreview: tokenPreview(r.keyHash),
    scopes: r.scopes,
    createdBy: r.createdBy,
    createdAt: r.createdAt,
    lastUsedAt: r.lastUsedAt,
    revokedAt: r.revokedAt,
  };
}

export function createSessionsService(options: SessionsServiceOptions) {
  const { store } = options;
  const clock = options.clock ?? systemClock;
  const config = resolveConfig(options.config);
  const random = options.random ?? defaultRandom;
  const ids = new V7Generator();
  // Computed on first use, then reused: the work factor of a real hash for unknown emails.
  let dummyHash: Promise<string> | undefined;

  const now = () => clock.now();
  const newId = () => ids.generateOrResetCore(clock.now().getTime(), 10_000).toString();

  function emit(event: SessionsEvent): void {
    try {
      options.onEvent?.(event);
    } catch {
      // A listener's failure must not turn a committed change into an error for the caller.
    }
  }

  function auditEvent(
    ctx: CallContext | undefined,
    action: AuditAction,
    target: { type: NonNullable<AuditEvent["targetType"]>; id: string } | null,
    extra: { reason?: string | null; count?: number | null; data?: Record<string, unknown> | null } = {},
  ): AuditRecord {
    const actor = actorOf(ctx);
    return {
      id: newId(),
      at: now(),
      actorType: actor.type,
      actor: actor.type === "system" ? "system" : actor.id,
      action,
      targetType: target?.type ?? null,
      target: target?.id ?? null,
      ip: ctx?.ip ?? null,
      reason: extra.reason ?? null,
      count: extra.count ?? null,
      data: extra.data ?? null,
    };
  }

  function revocation(ctx: CallContext | undefined, reason: string | null | undefined) {
    return { at: now(), by: actorLabel(actorOf(ctx)), reason: reason ?? null };
  }

  function refuseCurrent(id: string, ctx: CallContext | undefined): void {
    if (ctx?.currentSessionId && ctx.currentSessionId === id) {
      throw new ValidationError(
        "You cannot revoke the session you are signed in with; sign out instead (auth.logout).",
        [{ path: "id", message: "is your current session" }],
      );
    }
  }

  async function listSessions(
    filter: SessionFilter,
    sort: { by: "createdAt" | "lastSeenAt" | "expiresAt"; dir: "asc" | "desc" },
    limit: number,
    cursor: string | null | undefined,
    ctx: CallContext | undefined,
  ): Promise<Page<SessionInfo>> {
    const order = `${sort.by}:${sort.dir}`;
    const after = decodeCursor(order, cursor);
    const scope = statusScope(now(), config);
    const rows = await store.listSessions({ filter, scope, sort, after, limit: limit + 1 });
    return toPage(
      rows,
      limit,
      (r) => toSessionInfo(r.session, r.user, scope, ctx?.currentSessionId),
      (r) => ({ value: r.session[sort.by], id: r.session.id }),
      order,
    );
  }

  const service = {
    config,

    // ---- sessions: the seed's seven ----

    /** Sessions matching a filter (default: active), newest first unless sorted otherwise. */
    async listActiveSessions(input: ListSessionsInput = {}, ctx?: CallContext): Promise<Page<SessionInfo>> {
      const { limit, cursor, filter, sort } = parseInput(listSessionsSchema, input);
      return listSessions(filter, sort, limit, cursor, ctx);
    },

    /** One user's sessions, newest first (default: all statuses, so revoked and expired show as such). */
    async listUserSessions(
      userId: string,
      input: { limit?: number; cursor?: string | null; status?: SessionStatusFilter } = {},
      ctx?: CallContext,
    ): Promise<Page<SessionInfo>> {
      const id = parseInput(idSchema, userId, "userId");
      const { limit, cursor, status } = parseInput(listUserSessionsSchema, input);
      return listSessions({ userId: id, status }, { by: "createdAt", dir: "desc" }, limit, cursor, ctx);
    },

    async getSessionInfo(id: string, ctx?: CallContext): Promise<SessionInfo | null> {
      const sessionId = parseInput(idSchema, id, "id");
      const row = await store.getSession(sessionId);
      return row
        ? toSessionInfo(row.session, row.user, statusScope(now(), config), ctx?.currentSessionId)
        : null;
    },

    /** Revokes one live session. Unknown and already-revoked ids are both not_found. */
    async revokeSession(id: string, opts: RevokeOptions = {}): Promise<RevokeResult> {
      const sessionId = parseInput(idSchema, id, "id");
      const reason = parseInput(reasonSchema, opts.reason, "reason");
      refuseCurrent(sessionId, opts);
      const revoked = await store.revokeSessions(
        { kind: "id", id: sessionId },
        revocation(opts, reason),
        auditEvent(opts, "session.revoked", { type: "session", id: sessionId }, { reason }),
      );
      if (revoked === 0) return { ok: false, error: "not_found" };
      emit({ type: "session.revoked", sessionId, userId: null });
      return { ok: true };
    },

    /** Revokes every live session of a user, except the caller's own; returns how many. */
    async revokeUserSessions(userId: string, opts: RevokeOptions = {}): Promise<number> {
      const id = parseInput(idSchema, userId, "userId");
      const reason = parseInput(reasonSchema, opts.reason, "reason");
      const count = await store.revokeSessions(
        { kind: "user", userId: id, exceptSessionId: opts.currentSessionId ?? null },
        revocation(opts, reason),
        auditEvent(opts, "user.sessions_revoked", { type: "user", id }, { reason }),
      );
      if (count > 0) emit({ type: "user.sessions_revoked", userId: id, count });
      return count;
    },

    /**
     * Revokes every session matching a filter (never the caller's own). With dryRun, only reports
     * how many match and a sample, so a console can show exactly what a confirmation will do.
     */
    async revokeSessions(
      input: { filter: SessionFilter; dryRun?: boolean; reason?: string | null },
      ctx?: CallContext,
    ): Promise<RevokeManyResult> {
      const { filter, dryRun, reason } = parseInput(revokeManySchema, input);
      const scope = statusScope(now(), config);
      // Revoked sessions cannot be revoked again, so "all" means every live one; the caller's own
      // session is never included (sign out for that), matching revokeUserSessions.
      const target: SessionQueryFilter = {
        ...filter,
        status: filter.status === "all" ? "live" : filter.status,
        excludeId: ctx?.currentSessionId ?? null,
      };
      if (target.status === "revoked") return { matched: 0, revoked: 0, sample: [] };
      const [matched, sampleRows] = await Promise.all([
        store.countSessions(target, scope),
        store.listSessions({
          filter: target,
          scope,
          sort: { by: "createdAt", dir: "desc" },
          after: null,
          limit: SAMPLE_SIZE,
        }),
      ]);
      const sample = sampleRows.map((r) => toSessionInfo(r.session, r.user, scope, ctx?.currentSessionId));
      if (dryRun || matched === 0) return { matched, revoked: 0, sample };
      const revoked = await store.revokeSessions(
        { kind: "filter", filter: target, scope },
        revocation(ctx, reason),
        auditEvent(ctx, "sessions.revoked_many", null, { reason, data: { filter: serializeFilter(filter) } }),
      );
      if (revoked > 0) emit({ type: "sessions.revoked_many", count: revoked });
      return { matched, revoked, sample };
    },

    /** Number of active sessions, optionally narrowed by the same filters as the list. */
    async countActiveSessions(filter: Omit<SessionFilter, "status"> = {}): Promise<number> {
      const parsed = parseInput(listSessionsSchema, { filter: { ...filter, status: "active" } }).filter;
      return store.countSessions(parsed, statusScope(now(), config));
    },

    /** Number of sessions matching the same filter as the list (default: active): "N matching". */
    async countSessions(filter: SessionFilter = {}): Promise<number> {
      const parsed = parseInput(sessionFilterSchema, filter, "filter");
      return store.countSessions(parsed, statusScope(now(), config));
    },

    async getSessionStats(): Promise<SessionStats> {
      const at = now();
      const { starts, end } = localDays(at, config.timezone, STATS_DAYS);
      const rows = await store.sessionStats({
        scope: statusScope(at, config),
        todayStart: starts[starts.length - 1]!,
        dayStarts: starts,
        end,
        topN: TOP_N,
      });
      return {
        ...rows,
        createdPerDay: starts.map((start, i) => ({
          date: localDate(start, config.timezone),
          count: rows.createdPerDay[i] ?? 0,
        })),
        timezone: config.timezone,
        generatedAt: at,
      };
    },

    // ---- sessions: issue, validate, end ----

    /** Creates a session. The raw token is in this result only; the store keeps SHA-256(token). */
    async createSession(input: CreateSessionInput, ctx?: CallContext): Promise<CreatedSession> {
      const parsed = parseInput(createSessionSchema, input);
      const at = now();
      const token = generateToken(random);
      const tokenHash = hashToken(token);
      const ua = parseUserAgent(parsed.userAgent);
      const record: SessionRecord = {
        id: newId(),
        tokenHash,
        userId: parsed.userId,
        createdAt: at,
        expiresAt: new Date(at.getTime() + config.lifetimeMs),
        lastSeenAt: at,
        ip: parsed.ip ?? null,
        userAgent: parsed.userAgent ?? null,
        ...ua,
        revokedAt: null,
        revokedBy: null,
        revokeReason: null,
      };
      // The store checks the user and inserts in one transaction, so a concurrent disable cannot
      // miss this session (see SessionsStore.insertSession).
      const inserted = await store.insertSession(
        record,
        auditEvent(ctx, "session.created", { type: "session", id: record.id }),
      );
      if (!inserted.ok) {
        if (inserted.error === "user_not_found") throw new NotFoundError("No user with this id.");
        throw new ForbiddenError("This user is disabled; it cannot get new sessions.");
      }
      const user = inserted.user;
      emit({ type: "session.created", sessionId: record.id, userId: user.id });
      return { token, session: toSessionInfo(record, user, statusScope(at, config), ctx?.currentSessionId) };
    },

    /**
     * The hot path: the session and its user for a raw token, or null when the token is unknown,
     * expired, idle, revoked or its user disabled. Writes lastSeenAt at most once per touch interval.
     */
    async validateSession(token: string): Promise<ValidatedSession | null> {
      if (typeof token !== "string" || !looksLikeToken(token)) return null;
      const row = await store.findSessionByTokenHash(hashToken(token));
      if (!row) return null;
      const at = now();
      const scope = statusScope(at, config);
      if (sessionStatus(row.session, scope) !== "active" || row.user.status !== "active") return null;
      let session = row.session;
      const staleBefore = new Date(at.getTime() - config.touchIntervalMs);
      // Strictly older than the interval, the same comparison the store's conditional UPDATE makes, so
      // what this returns is what was stored.
      if (session.lastSeenAt.getTime() < staleBefore.getTime()) {
        await store.touchSession(session.id, at, staleBefore);
        session = { ...session, lastSeenAt: at };
      }
      return { session: toSessionInfo(session, row.user, scope, session.id), user: toUser(row.user) };
    },

    /** Ends (logs out) the session a raw token belongs to. */
    async endSession(token: string, ctx?: CallContext): Promise<{ ok: boolean }> {
      if (typeof token !== "string" || !looksLikeToken(token)) return { ok: false };
      const tokenHash = hashToken(token);
      const row = await store.findSessionByTokenHash(tokenHash);
      if (!row) return { ok: false };
      // Logging out acts for the session's own user unless a caller says otherwise.
      const actorCtx: CallContext = { ...ctx, actor: ctx?.actor ?? { type: "user", id: row.user.id } };
      const ended = await store.revokeSessions(
        { kind: "tokenHash", tokenHash },
        revocation(actorCtx, "logout"),
        auditEvent(actorCtx, "session.ended", { type: "session", id: row.session.id }, { reason: "logout" }),
      );
      if (ended > 0) emit({ type: "session.revoked", sessionId: row.session.id, userId: row.user.id });
      return { ok: ended > 0 };
    },

    // ---- users ----

    async createUser(input: CreateUserInput, ctx?: CallContext): Promise<User> {
      const parsed = parseInput(createUserSchema, input);
      const at = now();
      const record: UserRecord = {
        id: newId(),
        email: parsed.email,
        name: parsed.name ?? null,
        role: parsed.role,
        status: parsed.status,
        confirmedAt: null,
        passwordHash: parsed.password ? await hashPassword(parsed.password) : null,
        createdAt: at,
        updatedAt: at,
      };
      const result = await store.insertUser(
        record,
        auditEvent(
          ctx,
          "user.created",
          { type: "user", id: record.id },
          { data: { email: record.email, role: record.role } },
        ),
      );
      if (!result.ok) throw new ConflictError("A user with this email already exists.");
      return toUser(record);
    },

    async getUser(id: string): Promise<UserWithSessionCount | null> {
      const record = await store.getUserById(parseInput(idSchema, id, "id"));
      if (!record) return null;
      const counts = await store.countActiveSessionsByUser([record.id], statusScope(now(), config));
      return { ...toUser(record), activeSessions: counts.get(record.id) ?? 0 };
    },

    async findUserByEmail(email: string): Promise<User | null> {
      const parsed = emailSchema.safeParse(email);
      if (!parsed.success) return null;
      const record = await store.getUserByEmail(parsed.data);
      return record ? toUser(record) : null;
    },

    /** Users newest first, with their active-session counts (one grouped query per page, no N+1). */
    async listUsers(input: ListUsersInput = {}): Promise<Page<UserWithSessionCount>> {
      const { search, status, role, limit, cursor } = parseInput(listUsersSchema, input);
      const after = decodeCursor("users", cursor);
      const rows = await store.listUsers({
        search: search || undefined,
        status,
        role,
        after,
        limit: limit + 1,
      });
      const page = toPage(
        rows,
        limit,
        (r) => r,
        (r) => ({ value: r.createdAt, id: r.id }),
        "users",
      );
      const counts = await store.countActiveSessionsByUser(
        page.items.map((u) => u.id),
        statusScope(now(), config),
      );
      return {
        items: page.items.map((u) => ({ ...toUser(u), activeSessions: counts.get(u.id) ?? 0 })),
        nextCursor: page.nextCursor,
      };
    },

    /** Enables or disables a user. Disabling revokes every session of the user in the same transaction. */
    async setUserStatus(
      id: string,
      status: UserStatus,
      opts: RevokeOptions = {},
    ): Promise<SetUserStatusResult> {
      const userId = parseInput(idSchema, id, "id");
      if (status !== "active" && status !== "disabled") {
        throw new ValidationError('status must be "active" or "disabled"', [
          { path: "status", message: "is invalid" },
        ]);
      }
      const reason = parseInput(reasonSchema, opts.reason, "reason");
      const result = await store.setUserStatus(
        userId,
        status,
        now(),
        status === "disabled" ? revocation(opts, reason ?? "user disabled") : null,
        auditEvent(
          opts,
          status === "disabled" ? "user.disabled" : "user.enabled",
          { type: "user", id: userId },
          { reason },
        ),
      );
      if (!result) return { ok: false, error: "not_found" };
      const { revokedSessions } = result;
      emit({ type: "user.status_changed", userId, status, revokedSessions });
      return { ok: true, user: toUser(result.user), revokedSessions };
    },

    /**
     * The user for an email and password, or null. Unknown emails cost the same scrypt work as wrong
     * passwords, and disabled users are refused only after the check, so timing reveals nothing.
     */
    async verifyPassword(email: string, password: string): Promise<User | null> {
      const parsed = emailSchema.safeParse(email);
      const record = parsed.success ? await store.getUserByEmail(parsed.data) : null;
      const hash = record?.passwordHash ?? (await (dummyHash ??= dummyPasswordHash()));
      const matches = await verifyPasswordHash(typeof password === "string" ? password : "", hash);
      if (!record?.passwordHash || !matches || record.status !== "active") return null;
      return toUser(record);
    },

    // ---- audit ----

    async listAudit(input: ListAuditInput = {}): Promise<Page<AuditEvent>> {
      const { action, actor, target, limit, cursor } = parseInput(listAuditSchema, input);
      const after = decodeCursor("audit", cursor);
      const rows = await store.listAudit({ action, actor, target, after, limit: limit + 1 });
      return toPage(
        rows,
        limit,
        (r) => r,
        (r) => ({ value: r.at, id: r.id }),
        "audit",
      );
    },

    // ---- API keys ----

    async createApiKey(input: { name: string; scopes: string[] }, ctx?: CallContext): Promise<CreatedApiKey> {
      const parsed = parseInput(createApiKeySchema, input);
      const key = generateApiKey(random);
      const actor = actorOf(ctx);
      const record: ApiKeyRecord = {
        id: newId(),
        name: parsed.name,
        keyHash: hashToken(key),
        scopes: parsed.scopes,
        createdBy: actorLabel(actor),
        createdAt: now(),
        lastUsedAt: null,
        revokedAt: null,
      };
      await store.insertApiKey(
        record,
        auditEvent(
          ctx,
          "api_key.created",
          { type: "api_key", id: record.id },
          { data: { name: record.name, scopes: record.scopes } },
        ),
      );
      return { key, apiKey: toApiKey(record) };
    },

    /** The key's record for a raw API key, or null when unknown or revoked. */
    async verifyApiKey(key: string): Promise<ApiKey | null> {
      if (typeof key !== "string" || !key.startsWith(API_KEY_PREFIX) || key.length > 200) return null;
      const record = await store.findApiKeyByHash(hashToken(key));
      if (!record || record.revokedAt) return null;
      const at = now();
      const staleBefore = new Date(at.getTime() - API_KEY_TOUCH_MS);
      if (!record.lastUsedAt || record.lastUsedAt.getTime() < staleBefore.getTime()) {
        await store.touchApiKey(record.id, at, staleBefore);
        record.lastUsedAt = at;
      }
      return toApiKey(record);
    },

    async listApiKeys(): Promise<ApiKey[]> {
      return (await store.listApiKeys()).map(toApiKey);
    },

    async revokeApiKey(id: string, ctx?: CallContext): Promise<RevokeResult> {
      const keyId = parseInput(idSchema, id, "id");
      const ok = await store.revokeApiKey(
        keyId,
        now(),
        auditEvent(ctx, "api_key.revoked", { type: "api_key", id: keyId }),
      );
      return ok ? { ok: true } : { ok: false, error: "not_found" };
    },

    // ---- maintenance ----

    /** Deletes sessions that expired or were revoked longer than the retention period ago. */
    async prune(ctx?: CallContext): Promise<number> {
      const before = new Date(now().getTime() - config.retentionMs);
      const count = await store.prune(
        {
          before,
          lastSeenBefore:
            config.idleTimeoutMs === null ? null : new Date(before.getTime() - config.idleTimeoutMs),
        },
        auditEvent(ctx, "sessions.pruned", null),
      );
      if (count > 0) emit({ type: "sessions.pruned", count });
      return count;
    },
  };
  return service;
}

function serializeFilter(filter: SessionFilter): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(filter)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]),
  );
}

export type SessionsService = ReturnType<typeof createSessionsService>;
