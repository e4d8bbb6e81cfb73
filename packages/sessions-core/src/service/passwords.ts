// Password checks. Separate from users.ts because its one rule is about timing, not about users:
// whatever the email, the caller pays the same scrypt work, so a response time says nothing about
// which accounts exist. A hash made with less work than today's parameters is upgraded on the next
// successful check (the password is known right then, and only then).
import { emailSchema } from "../domain/inputs.js";
import {
  dummyPasswordHash,
  hashParams,
  hashPassword,
  needsRehash,
  verifyPasswordHash,
} from "../domain/password.js";
import type { User } from "../domain/types.js";
import type { UserRecord } from "../store/store.js";
import { toUser, type ServiceContext } from "./context.js";

/** What a password check found: the record for the email (if any) and whether the password matched. */
export interface PasswordCheck {
  record: UserRecord | null;
  /** The password matched an active user's hash. */
  ok: boolean;
}

/** The check both verifyPassword and signIn run; one per service (its dummy hash is cached). */
export function passwordChecker({ store, hashing, now, auditEvent }: ServiceContext) {
  // Computed on first use, then reused: the work factor of a real hash for unknown emails. Per
  // service, not per module, so nothing outlives the service that made it.
  let dummyHash: Promise<string> | undefined;

  /**
   * Rehashes with the current parameters. Audited (user.password_rehashed, by the user): it changes
   * a credential's stored form, and every stored change is in the log, with the parameters moved
   * from and to (never the hash). It replaces only the hash just verified, so a password changed
   * meanwhile is kept.
   */
  async function upgrade(record: UserRecord, stored: string, password: string): Promise<void> {
    const hash = await hashPassword(password, hashing);
    const from = hashParams(stored);
    await store.setPasswordHash(
      record.id,
      stored,
      hash,
      now(),
      auditEvent(
        { actor: { type: "user", id: record.id } },
        "user.password_rehashed",
        {
          type: "user",
          id: record.id,
        },
        {
          data: {
            from: from && `scrypt N=${from.N},r=${from.r},p=${from.p}`,
            to: `scrypt N=${hashing.N},r=${hashing.r},p=${hashing.p}`,
          },
        },
      ),
    );
  }

  return async function check(email: string, password: string): Promise<PasswordCheck> {
    const parsed = emailSchema.safeParse(email);
    const record = parsed.success ? await store.getUserByEmail(parsed.data) : null;
    const stored = record?.passwordHash ?? null;
    const hash = stored ?? (await (dummyHash ??= dummyPasswordHash(hashing)));
    const matches = await verifyPasswordHash(typeof password === "string" ? password : "", hash);
    const ok = Boolean(record && stored && matches && record.status === "active");
    if (ok && record && stored && needsRehash(stored, hashing)) await upgrade(record, stored, password);
    return { record, ok };
  };
}

export function passwords(ctx: ServiceContext) {
  const check = passwordChecker(ctx);
  return {
    /**
     * The user for an email and password, or null. Unknown emails cost the same scrypt work as wrong
     * passwords, and disabled users are refused only after the check, so timing reveals nothing.
     */
    async verifyPassword(email: string, password: string): Promise<User | null> {
      const { record, ok } = await check(email, password);
      return ok && record ? toUser(record) : null;
    },
  };
}
