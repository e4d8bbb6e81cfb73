// The first admin. On a start with no admin in the store, create one: from ADMIN_EMAIL/ADMIN_PASSWORD,
// otherwise admin@example.com with a random password that is printed once, in this log line only.
// Never stops the start: an ADMIN_EMAIL that belongs to a disabled admin or to a non-operator is
// logged as a warning with the way back in, and the server runs (its API keys keep working).
import { randomBytes } from "node:crypto";
import { ConflictError, type SessionsService, type User } from "@sessions/core";
import type { Env } from "./env.js";
import type { Logger } from "./logger.js";

export const DEFAULT_ADMIN_EMAIL = "admin@example.com";

export async function ensureFirstAdmin(
  service: SessionsService,
  env: Pick<Env, "ADMIN_EMAIL" | "ADMIN_PASSWORD">,
  logger: Logger,
): Promise<User | null> {
  const admins = await service.listUsers({ role: "admin", status: "active", limit: 1 });
  if (admins.items.length > 0) return null;
  const email = env.ADMIN_EMAIL ?? DEFAULT_ADMIN_EMAIL;
  const existing = await service.findUserByEmail(email);
  if (existing) {
    // TODO(later issue): name the recovery CLI here once it exists.
    logger.warn(
      { event: "no_active_admin", userId: existing.id, status: existing.status, role: existing.role },
      `No active admin exists and ${email} (ADMIN_EMAIL) already belongs to a ${existing.status} ${existing.role}; ` +
        "to get back in, restart with ADMIN_EMAIL set to an unused address and ADMIN_PASSWORD to its password: " +
        "a new admin is created on start.",
    );
    return null;
  }
  const generated = env.ADMIN_PASSWORD === undefined;
  const password = env.ADMIN_PASSWORD ?? randomBytes(18).toString("base64url");
  let user: User;
  try {
    user = await service.createUser(
      { email, name: "Administrator", role: "admin", password },
      { actor: { type: "system" } },
    );
  } catch (error) {
    // Another instance starting at the same time on the same database created it first.
    if (error instanceof ConflictError) return null;
    throw error;
  }
  if (generated) {
    // The message, not a field: field names like "password" are redacted on purpose.
    logger.warn(
      { event: "first_admin", userId: user.id },
      `First admin created: ${email} with password ${password} (shown once; set ADMIN_EMAIL and ADMIN_PASSWORD to choose them)`,
    );
  } else {
    logger.info(
      { event: "first_admin", userId: user.id, email },
      "first admin created from ADMIN_EMAIL/ADMIN_PASSWORD",
    );
  }
  return user;
}
