// Password checks. Separate from users.ts because its one rule is about timing, not about users:
// whatever the email, the caller pays the same scrypt work, so a response time says nothing about
// which accounts exist.
import { emailSchema } from "../domain/inputs.js";
import { dummyPasswordHash, verifyPasswordHash } from "../domain/password.js";
import type { User } from "../domain/types.js";
import { toUser, type ServiceContext } from "./context.js";

export function passwords({ store }: ServiceContext) {
  // Computed on first use, then reused: the work factor of a real hash for unknown emails. Per
  // service, not per module, so nothing outlives the service that made it.
  let dummyHash: Promise<string> | undefined;

  return {
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
  };
}
