// Users: creating, reading, listing and enabling or disabling them. Separate from the session
// concerns because a user outlives its sessions; the one place they meet is setUserStatus, where
// disabling revokes every session of the user in the store's same transaction.
import { decodeCursor, toPage } from "../domain/cursor.js";
import { ConflictError, ValidationError } from "../domain/errors.js";
import {
  createUserSchema,
  emailSchema,
  idSchema,
  listUsersSchema,
  parseInput,
  reasonSchema,
} from "../domain/inputs.js";
import { hashPassword } from "../domain/password.js";
import { statusScope } from "../domain/rules.js";
import type {
  CallContext,
  CreateUserInput,
  ListUsersInput,
  Page,
  SetUserStatusResult,
  User,
  UserStatus,
  UserWithSessionCount,
} from "../domain/types.js";
import type { UserRecord } from "../store/store.js";
import { toUser, type RevokeOptions, type ServiceContext } from "./context.js";

/** Where a user sits in the list's (createdAt, id) order; the next page's cursor starts after it. */
const userPosition = (u: UserRecord) => ({ value: u.createdAt, id: u.id });

export function users({ store, config, hashing, now, newId, emit, auditEvent, revocation }: ServiceContext) {
  return {
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
      const page = toPage(rows, limit, (r) => r, userPosition, "users");
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
  };
}
