// Pure rules: when a session is valid, how it is shown, where days begin. The stores express the
// same "active" rule in SQL (store/shared/query-parts.ts); the contract suite checks that they agree.
import { TZDate } from "@date-fns/tz";
import { addDays, startOfDay } from "date-fns";
import type { SessionRecord, SessionUserRecord, StatusScope } from "../store/store.js";
import type { SessionsConfig } from "./config.js";
import { tokenPreview } from "./tokens.js";
import type { SessionInfo, SessionStatus } from "./types.js";

const cutoff = (now: Date, idleMs: number | null) =>
  idleMs === null ? null : new Date(now.getTime() - idleMs);

/** Where "active" ends at `now` for each kind: app sessions and console sign-ins idle out apart. */
export function statusScope(now: Date, config: SessionsConfig): StatusScope {
  return {
    now,
    idleCutoff: cutoff(now, config.idleTimeoutMs),
    consoleIdleCutoff: cutoff(now, config.consoleIdleTimeoutMs),
  };
}

/**
 * Why a session is not active, or null when it is; "idle" is an expiry by inactivity, which
 * sessionStatus reports as expired (metrics tell the two apart).
 */
export function inactiveReason(
  session: SessionRecord,
  scope: StatusScope,
): "revoked" | "expired" | "idle" | null {
  if (session.revokedAt) return "revoked";
  if (session.expiresAt.getTime() <= scope.now.getTime()) return "expired";
  const idleCutoff = session.kind === "console" ? scope.consoleIdleCutoff : scope.idleCutoff;
  if (idleCutoff && session.lastSeenAt.getTime() <= idleCutoff.getTime()) return "idle";
  return null;
}

/** A session is valid strictly before its expiry instant: at expiresAt exactly it has expired. */
export function sessionStatus(session: SessionRecord, scope: StatusScope): SessionStatus {
  const reason = inactiveReason(session, scope);
  return reason === null ? "active" : reason === "idle" ? "expired" : reason;
}

export function toSessionInfo(
  session: SessionRecord,
  user: SessionUserRecord,
  scope: StatusScope,
  currentSessionId: string | null | undefined,
): SessionInfo {
  const status = sessionStatus(session, scope);
  return {
    id: session.id,
    tokenPreview: tokenPreview(session.tokenHash),
    kind: session.kind,
    user: { id: user.id, email: user.email, name: user.name, status: user.status, role: user.role },
    createdAt: session.createdAt,
    expiresAt: session.expiresAt,
    lastSeenAt: session.lastSeenAt,
    authenticatedAt: session.authenticatedAt,
    authMethod: session.authMethod,
    ageSeconds: Math.max(0, Math.floor((scope.now.getTime() - session.createdAt.getTime()) / 1000)),
    status,
    isValid: status === "active" && user.status === "active",
    isCurrent: currentSessionId != null && session.id === currentSessionId,
    ip: session.ip,
    userAgent: session.userAgent,
    browser: session.browser,
    os: session.os,
    deviceType: session.deviceType,
    revokedAt: session.revokedAt,
    revokedBy: session.revokedBy,
    revokeReason: session.revokeReason,
    endedAt: session.revokedAt,
    endReason: session.endReason,
  };
}

/**
 * Whether the user authenticated within `maxAuthAgeSeconds` of `now` (sessions.validate's fresh):
 * always without a maximum; never without a recorded authentication (fail closed).
 */
export function isFresh(session: SessionRecord, now: Date, maxAuthAgeSeconds: number | undefined): boolean {
  if (maxAuthAgeSeconds === undefined) return true;
  if (!session.authenticatedAt) return false;
  return now.getTime() - session.authenticatedAt.getTime() <= maxAuthAgeSeconds * 1000;
}

/** Start instants of the `days` local days ending with today (oldest first), and the start of tomorrow. */
export function localDays(now: Date, timezone: string, days: number): { starts: Date[]; end: Date } {
  const today = startOfDay(new TZDate(now.getTime(), timezone));
  const starts: Date[] = [];
  for (let i = days - 1; i >= 0; i--) starts.push(new Date(addDays(today, -i).getTime()));
  return { starts, end: new Date(addDays(today, 1).getTime()) };
}

/** YYYY-MM-DD of an instant in a timezone. */
export function localDate(instant: Date, timezone: string): string {
  // en-CA formats dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat("en-CA", {
    timeZone: timezone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(instant);
}
