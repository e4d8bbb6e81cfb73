// Records for the store's bulk path: two users and twelve sessions in every state (active,
// expired, revoked; with and without browser and OS), distinct per `n`.
import type { SessionRecord, UserRecord } from "../store/store.js";
import { DAY, HOUR, MINUTE } from "./fake-clock.js";

export function bulkRecords(now: Date, n: number): { users: UserRecord[]; sessions: SessionRecord[] } {
  const users: UserRecord[] = [0, 1].map((i) => ({
    id: `0190bulk-user-${n}-${i}`,
    email: `bulk${n}-${i}@example.org`,
    name: null,
    role: "user",
    status: "active",
    confirmedAt: null,
    passwordHash: null,
    createdAt: new Date(now.getTime() - 20 * DAY),
    updatedAt: new Date(now.getTime() - 20 * DAY),
  }));
  const sessions: SessionRecord[] = [];
  for (let i = 0; i < 12; i++) {
    const createdAt = new Date(now.getTime() - (i + 1) * 7 * HOUR - i * MINUTE);
    const expired = i % 4 === 1;
    const revoked = i % 4 === 2;
    sessions.push({
      id: `0190bulk-session-${n}-${String(i).padStart(2, "0")}`,
      kind: "app",
      tokenHash: `${n}`.padStart(4, "0") + String(i).padStart(60, "0"),
      userId: users[i % 2]!.id,
      createdAt,
      expiresAt: expired ? new Date(now.getTime() - HOUR) : new Date(createdAt.getTime() + 60 * DAY),
      lastSeenAt: createdAt,
      authenticatedAt: null,
      authMethod: null,
      ip: "192.0.2.1",
      userAgent: null,
      browser: i % 3 === 0 ? "Firefox" : i % 3 === 1 ? "Chrome" : null,
      os: i % 2 === 0 ? "Linux" : null,
      deviceType: null,
      revokedAt: revoked ? new Date(now.getTime() - 30 * MINUTE) : null,
      revokedBy: revoked ? "system" : null,
      revokeReason: revoked ? "imported" : null,
      endReason: revoked ? "revoked" : null,
    });
  }
  return { users, sessions };
}
