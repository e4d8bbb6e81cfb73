// Users: creating, reading, listing and enabling or disabling them. Separate from the session
// concerns because a user outlives its sessions; the one place they meet is setUserStatus, where
// disabling revokes every session of the user in the store's same transaction.
//
// Operators (admins and viewers) hold the console's power, so they are managed only by console
// admins: an API key (a service credential) can never create one, set a password, or change an
// operator's status or role. Nobody disables or demotes themselves, and the last active admin
// stays: the store checks that inside the change's own transaction (see OperatorGuard).
import { decodeCursor, decodeTextCursor, toPage } from "../domain/cursor.js";
import { ConflictError, ForbiddenError, ValidationError } from "../domain/errors.js";
import {
  createUserSchema,
  emailSchema,
  idSchema,
  listUsersSchema,
  parseInput,
  passwordSchema,
  reasonSchema,
} from "../domain/inputs.js";
import { hashPassword } from "../domain/password.js";
import { statusScope } from "../domain/rules.js";
import type {
  CallContext,
  CreateUserInput,
  ListUsersInput,
  Page,
  SetUserRoleResult,
  SetUserStatusResult,
  User,
  UserRole,
  UserStatus,
  UserDetail,
  UserWithSessionCount,
} from "../domain/types.js";
import { USER_ROLES } from "../vocab.js";
import type { OperatorGuard, UserChangeRefusal, UserRecord } from "../store/store.js";
import { inBatches } from "./batches.js";
import { actorOf, toUser, type RevokeOptions, type ServiceContext } from "./context.js";

/**
 * How many of a user's sessions the disabling transaction revokes itself; a user with more gets
 * the rest revoked in batches after it (setUserStatus). Every user with a normal number of
 * sessions is disabled and signed out everywhere in one transaction; one with 100k sessions held
 * SQLite (and so the event loop) for seconds.
 */
export const DISABLE_REVOKE_LIMIT = 200;

/** What a refusal of the store's guard means to the caller. */
function refused(refusal: UserChangeRefusal["error"]): { ok: false; error: "not_found" } {
  switch (refusal) {
    case "not_found":
      return { ok: false, error: "not_found" };
    case "is_operator":
      throw new ForbiddenError(
        "An API key cannot change an operator (admin or viewer); a console admin can.",
      );
    case "last_admin":
      throw new ValidationError(
        "This is the last active admin: promote or enable another admin first, or the console has nobody left to manage it.",
      );
  }
}

/** The caller's own user id when a signed-in user acts, else null. */
function selfId(ctx: CallContext | undefined): string | null {
  const actor = actorOf(ctx);
  return actor.type === "user" ? actor.id : null;
}

/** Where a user sits in the list's (createdAt, id) order; the next page's cursor starts after it. */
const userPosition = (u: UserRecord) => ({ value: u.createdAt, id: u.id });

export function users({
  store,
  config,
  hashing,
  now,
  newId,
  emit,
  metrics,
  auditEvent,
  revocation,
  requireRecentSignIn,
  lacksRecentSignIn,
  reauthRequired,
}: ServiceContext) {
  return {
    async createUser(input: CreateUserInput, ctx?: CallContext): Promise<User> {
      const parsed = parseInput(createUserSchema, input);
      if (actorOf(ctx).type === "api_key") {
        // A key with users:write manages end users; an operator or a password made by a key would
        // turn a service credential into console power (issue 10, finding 2).
        if (parsed.role !== "user") {
          throw new ForbiddenError(
            "An API key cannot create an operator (admin or viewer); a console admin can.",
          );
        }
        if (parsed.password) throw new ForbiddenError("An API key cannot set a password.");
      }
      if (parsed.role !== "user") requireRecentSignIn(ctx, "Creating an operator");
      const at = now();
      const record: UserRecord = {
        id: newId(),
        email: parsed.email,
        name: parsed.name ?? null,
        role: parsed.role,
        status: parsed.status,
        confirmedAt: null,
        passwordHash: parsed.password ? await hashPassword(parsed.password, hashing) : null,
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

    async getUser(id: string): Promise<UserDetail | null> {
      const record = await store.getUserById(parseInput(idSchema, id, "id"));
      if (!record) return null;
      const scope = statusScope(now(), config);
      const max = config.maxSessionsPerUser;
      const [counts, appSessions] = await Promise.all([
        store.countActiveSessionsByUser([record.id], scope),
        // What MAX_SESSIONS_PER_USER counts: active app sessions only (one user's rows, by index).
        max === null
          ? null
          : store.countSessions({ userId: record.id, kind: "app", status: "active" }, scope),
      ]);
      return {
        ...toUser(record),
        activeSessions: counts.get(record.id) ?? 0,
        sessionLimit:
          max === null || appSessions === null
            ? null
            : { max, appSessions, policy: config.sessionLimitPolicy },
      };
    },

    /**
     * A new password for an operator who lost theirs, and an end to every session they hold (a
     * reset usually follows a lost or shared password): the ops CLI's recovery path
     * (`sessions admin reset-password`). Only the CLI (or the system) may: it runs on the host, with
     * the database in reach anyway; nothing over HTTP sets a password this way.
     */
    async resetPassword(
      email: string,
      password: string,
      ctx?: CallContext,
    ): Promise<{ ok: true; user: User; endedSessions: number } | { ok: false; error: "not_found" }> {
      const type = actorOf(ctx).type;
      if (type !== "cli" && type !== "system") {
        throw new ForbiddenError("Passwords are reset with the ops CLI (`sessions admin reset-password`).");
      }
      const parsedEmail = parseInput(emailSchema, email, "email");
      const parsedPassword = parseInput(passwordSchema, password, "password");
      const record = await store.getUserByEmail(parsedEmail);
      if (!record) return { ok: false, error: "not_found" };
      if (record.role === "user")
        throw new ValidationError("Only operators (admins and viewers) have passwords.");
      const hash = await hashPassword(parsedPassword, hashing);
      const at = now();
      const target = { type: "user", id: record.id } as const;
      const changed = await store.setPasswordHash(
        record.id,
        record.passwordHash,
        hash,
        at,
        auditEvent(ctx, "user.password_reset", target),
      );
      if (!changed) throw new ConflictError("The password changed meanwhile; run the reset again.");
      const reason = "password reset";
      const audit = auditEvent(ctx, "user.sessions_revoked", target, { reason });
      const how = revocation(ctx, "password_reset", reason);
      const selector = { kind: "user", userId: record.id, exceptSessionId: null } as const;
      const endedSessions = await inBatches(store, audit, (batch) =>
        store.revokeSessions(selector, how, audit, batch),
      );
      if (endedSessions > 0) {
        metrics.sessionsEnded("password_reset", endedSessions);
        emit({ type: "user.sessions_revoked", userId: record.id, count: endedSessions });
      }
      return { ok: true, user: toUser({ ...record, passwordHash: hash, updatedAt: at }), endedSessions };
    },

    async findUserByEmail(email: string): Promise<User | null> {
      const parsed = emailSchema.safeParse(email);
      if (!parsed.success) return null;
      const record = await store.getUserByEmail(parsed.data);
      return record ? toUser(record) : null;
    },

    /** Users newest first, with their active-session counts (one grouped query per page, no N+1). */
    async listUsers(input: ListUsersInput = {}): Promise<Page<UserWithSessionCount>> {
      const { search, status, role, sort, limit, cursor } = parseInput(listUsersSchema, input);
      // "users" is newest first, the order (and cursor) the list had before it could sort.
      const order = sort.by === "createdAt" && sort.dir === "desc" ? "users" : `users:${sort.by}:${sort.dir}`;
      const after = sort.by === "email" ? decodeTextCursor(order, cursor) : decodeCursor(order, cursor);
      const rows = await store.listUsers({
        search: search || undefined,
        status,
        role,
        sort,
        after,
        limit: limit + 1,
      });
      const position = sort.by === "email" ? (u: UserRecord) => ({ value: u.email, id: u.id }) : userPosition;
      const page = toPage(rows, limit, (r) => r, position, order);
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
      if (status === "disabled" && selfId(opts) === userId) {
        throw new ValidationError("You cannot disable your own account; ask another admin.");
      }
      // Whether the target is an operator is known only inside the store's transaction, so both
      // refusals ride on its guard: a key may never change an operator, and a console user may
      // only with a recent password check (an operator's status is operator power either way).
      const byKey = actorOf(opts).type === "api_key";
      const stale = lacksRecentSignIn(opts);
      const guard: OperatorGuard = { refuseOperator: byKey || stale, keepAnAdmin: true };
      const how = status === "disabled" ? revocation(opts, "user_disabled", reason ?? "user disabled") : null;
      const result = await store.setUserStatus(
        userId,
        status,
        now(),
        how,
        auditEvent(
          opts,
          status === "disabled" ? "user.disabled" : "user.enabled",
          { type: "user", id: userId },
          { reason },
        ),
        guard,
        DISABLE_REVOKE_LIMIT,
      );
      if (!result.ok) {
        if (result.error === "is_operator" && !byKey) {
          throw reauthRequired(`${status === "disabled" ? "Disabling" : "Enabling"} an operator`);
        }
        return refused(result.error);
      }
      let { revokedSessions } = result;
      if (result.moreSessions && how) {
        // A user with more sessions than one transaction should hold (a shared or automated
        // account): the status is already disabled, which every validation checks, so none of the
        // rest can be used meanwhile; they are revoked in batches that yield (service/batches.ts),
        // audited once as user.sessions_revoked with their count, after user.disabled's own.
        const rest = auditEvent(
          opts,
          "user.sessions_revoked",
          { type: "user", id: userId },
          {
            reason: how.reason,
            data: { after: "user.disabled" },
          },
        );
        const selector = { kind: "user", userId, exceptSessionId: null } as const;
        revokedSessions += await inBatches(store, rest, (batch) =>
          store.revokeSessions(selector, how, rest, batch),
        );
      }
      if (revokedSessions > 0) metrics.sessionsEnded("user_disabled", revokedSessions);
      emit({ type: "user.status_changed", userId, status, revokedSessions });
      return { ok: true, user: toUser(result.user), revokedSessions };
    },

    /**
     * Promotes or demotes a user. Only a signed-in console admin may (the API's users.setRole);
     * an API key is refused here too, so no other entry point can grant operator power to a key.
     */
    async setUserRole(
      id: string,
      role: UserRole,
      ctx?: CallContext,
    ): Promise<SetUserRoleResult | { ok: false; error: "not_found" }> {
      const userId = parseInput(idSchema, id, "id");
      if (!USER_ROLES.includes(role)) {
        throw new ValidationError(`role must be one of ${USER_ROLES.join(", ")}`, [
          { path: "role", message: "is invalid" },
        ]);
      }
      if (actorOf(ctx).type === "api_key") {
        throw new ForbiddenError("An API key cannot change a user's role; a console admin can.");
      }
      if (selfId(ctx) === userId) {
        throw new ValidationError("You cannot change your own role; ask another admin.");
      }
      requireRecentSignIn(ctx, "Changing a role");
      const result = await store.setUserRole(
        userId,
        role,
        now(),
        auditEvent(ctx, "user.role_changed", { type: "user", id: userId }, { data: { role } }),
        { refuseOperator: false, keepAnAdmin: true },
      );
      if (!result.ok) return refused(result.error);
      return { ok: true, user: toUser(result.user) };
    },
  };
}
