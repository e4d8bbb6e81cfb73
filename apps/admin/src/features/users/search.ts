// The users list's URL state: search text, status filter and the keyset cursor.
import { LIMITS, USER_STATUSES, type UserStatus } from "@sessions/core/vocab";

export interface UsersSearch {
  q?: string;
  status?: UserStatus;
  cursor?: string;
}

function isUserStatus(value: unknown): value is UserStatus {
  return typeof value === "string" && (USER_STATUSES as readonly string[]).includes(value);
}

export function parseUsersSearch(raw: Record<string, unknown>): UsersSearch {
  const out: UsersSearch = {};
  if (typeof raw.q === "string" && raw.q.trim()) out.q = raw.q.trim().slice(0, LIMITS.search);
  if (isUserStatus(raw.status)) out.status = raw.status;
  if (typeof raw.cursor === "string" && raw.cursor) out.cursor = raw.cursor.slice(0, LIMITS.cursor);
  return out;
}
