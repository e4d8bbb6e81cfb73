// The users list's URL state: search text, status filter and the keyset cursor.

export const USER_STATUSES = ["active", "disabled"] as const;
export type UserStatusFilter = (typeof USER_STATUSES)[number];

export interface UsersSearch {
  q?: string;
  status?: UserStatusFilter;
  cursor?: string;
}

export function parseUsersSearch(raw: Record<string, unknown>): UsersSearch {
  const out: UsersSearch = {};
  if (typeof raw.q === "string" && raw.q.trim()) out.q = raw.q.trim().slice(0, 320);
  if (raw.status === "active" || raw.status === "disabled") out.status = raw.status;
  if (typeof raw.cursor === "string" && raw.cursor) out.cursor = raw.cursor.slice(0, 500);
  return out;
}
