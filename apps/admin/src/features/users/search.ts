// The users list's URL state: search text, status and role filters, the order and the keyset cursor.
import { LIMITS, USER_ROLES, USER_STATUSES, type UserRole, type UserStatus } from "@sessions/core/vocab";

/** The orders the list offers, as they read in the URL (?sort=email). */
export const USER_ORDERS = {
  newest: { by: "createdAt", dir: "desc", label: "Newest first" },
  oldest: { by: "createdAt", dir: "asc", label: "Oldest first" },
  email: { by: "email", dir: "asc", label: "Email A–Z" },
  "email-desc": { by: "email", dir: "desc", label: "Email Z–A" },
} as const;
export type UserOrder = keyof typeof USER_ORDERS;

export interface UsersSearch {
  q?: string;
  status?: UserStatus;
  role?: UserRole;
  /** Absent: newest first. */
  sort?: Exclude<UserOrder, "newest">;
  cursor?: string;
}

function isOneOf<T extends string>(list: readonly T[], value: unknown): value is T {
  return typeof value === "string" && (list as readonly string[]).includes(value);
}

export function parseUsersSearch(raw: Record<string, unknown>): UsersSearch {
  const out: UsersSearch = {};
  if (typeof raw.q === "string" && raw.q.trim()) out.q = raw.q.trim().slice(0, LIMITS.search);
  if (isOneOf(USER_STATUSES, raw.status)) out.status = raw.status;
  if (isOneOf(USER_ROLES, raw.role)) out.role = raw.role;
  // Own keys only: `in` would also accept "toString" from the prototype.
  if (typeof raw.sort === "string" && raw.sort !== "newest" && Object.hasOwn(USER_ORDERS, raw.sort))
    out.sort = raw.sort as Exclude<UserOrder, "newest">;
  if (typeof raw.cursor === "string" && raw.cursor) out.cursor = raw.cursor.slice(0, LIMITS.cursor);
  return out;
}
