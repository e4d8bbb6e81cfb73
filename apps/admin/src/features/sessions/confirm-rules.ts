// What each destructive action says before it happens, and when its confirm button may be pressed.
// Pure, so the rules are tested without rendering a dialog.
import { LIMITS, type SessionStatus, type SessionStatusFilter, type UserRole } from "@sessions/core/vocab";

/** Bulk revokes above this many sessions ask the operator to type the count. */
export const TYPE_TO_CONFIRM_OVER = 100;
/** The API refuses longer reasons; the dialog says so before sending. */
export const MAX_REASON_LENGTH = LIMITS.reason;

export interface Viewer {
  role: UserRole;
  /** The caller's own console session. */
  sessionId: string | null;
}

export interface RevocableSession {
  id: string;
  status: SessionStatus;
  isCurrent?: boolean;
}

export type RevokeAvailability =
  { allowed: true } | { allowed: false; reason: "viewer" | "current" | "not-active"; message: string };

/** Viewers never get revoke or disable controls: they are absent, not disabled. */
export function canManage(viewer: Pick<Viewer, "role">): boolean {
  return viewer.role === "admin";
}

/** Whether the revoke control is offered for one session, and why not when it is not. */
export function revokeAvailability(session: RevocableSession, viewer: Viewer): RevokeAvailability {
  if (!canManage(viewer))
    return { allowed: false, reason: "viewer", message: "Viewers cannot revoke sessions." };
  if (session.isCurrent || session.id === viewer.sessionId) {
    return {
      allowed: false,
      reason: "current",
      message: "This is your own sign-in. Sign out to end it.",
    };
  }
  if (session.status !== "active") {
    return { allowed: false, reason: "not-active", message: `This session is already ${session.status}.` };
  }
  return { allowed: true };
}

/** A reason as the API wants it: trimmed, absent when blank. */
export function normalizeReason(reason: string): string | undefined {
  const trimmed = reason.trim();
  return trimmed === "" ? undefined : trimmed.slice(0, MAX_REASON_LENGTH);
}

export function reasonError(reason: string): string | undefined {
  return reason.trim().length > MAX_REASON_LENGTH
    ? `Keep the reason under ${MAX_REASON_LENGTH} characters.`
    : undefined;
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString("en-US")} ${count === 1 ? one : many}`;
}

export function revokeOneSummary(session: { tokenPreview: string; user: { email: string } }): string {
  return `Session ${session.tokenPreview} of ${session.user.email} will stop working immediately. Their next request will be signed out.`;
}

export function revokeUserSummary(input: { email: string; activeSessions: number; isSelf: boolean }): string {
  if (input.isSelf) {
    const others = Math.max(0, input.activeSessions - 1);
    return others === 0
      ? "You have no other active sessions. Your current session is kept."
      : `${plural(others, "other active session")} of yours will end. Your current session is kept.`;
  }
  if (input.activeSessions === 0) return `${input.email} has no active sessions. Nothing will change.`;
  return `All ${plural(input.activeSessions, "active session")} of ${input.email} will end. They will have to sign in again everywhere.`;
}

export function disableUserSummary(input: { email: string; activeSessions: number }): string {
  const ending =
    input.activeSessions === 0
      ? "They have no active sessions."
      : `Their ${plural(input.activeSessions, "active session")} will end now.`;
  return `${input.email} will not be able to sign in or get new sessions. ${ending}`;
}

export type BulkConfirmation =
  | { kind: "loading" }
  | { kind: "nothing"; message: string }
  | { kind: "confirm"; message: string }
  | { kind: "type-count"; message: string; expected: string };

/** What the bulk dialog asks for, given the dry-run's count. */
export function bulkConfirmation(matched: number | undefined): BulkConfirmation {
  if (matched === undefined) return { kind: "loading" };
  if (matched === 0)
    return { kind: "nothing", message: "No sessions match this filter. Nothing will be revoked." };
  const message = `${plural(matched, "session")} will be revoked. Every one of them stops working immediately.`;
  if (matched > TYPE_TO_CONFIRM_OVER) return { kind: "type-count", message, expected: String(matched) };
  return { kind: "confirm", message };
}

/** The bulk confirm button is enabled only when something matches and, above the threshold, the count is typed. */
export function canConfirmBulk(matched: number | undefined, typed: string): boolean {
  const rule = bulkConfirmation(matched);
  if (rule.kind === "confirm") return true;
  if (rule.kind === "type-count") return typed.replace(/[\s,._]/g, "") === rule.expected;
  return false;
}

/** Revoked sessions cannot be revoked again, so a bulk revoke of the "revoked" view makes no sense. */
export function bulkAvailability(
  status: SessionStatusFilter,
): { allowed: true } | { allowed: false; message: string } {
  return status === "revoked"
    ? { allowed: false, message: "Revoked sessions cannot be revoked again." }
    : { allowed: true };
}

/** The toast after a revoke of one session. */
export function revokeOneOutcome(result: { ok: true } | { ok: false; error: string }): {
  tone: "success" | "error";
  message: string;
} {
  return result.ok
    ? { tone: "success", message: "Session revoked" }
    : { tone: "error", message: "Session not found or already revoked" };
}
