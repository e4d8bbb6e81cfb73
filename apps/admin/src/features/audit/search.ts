// The audit log's URL state: action and actor filters and the keyset cursor. The actions are core's;
// an action added or removed there is a compile error here until it has a label.
import { AUDIT_ACTIONS, LIMITS, type AuditAction, type AuditActionFilter } from "@sessions/core/vocab";
import { parseDay } from "@/lib/days";

export interface AuditSearch {
  /** One of AUDIT_ACTIONS, or any other text from a URL (it then lists nothing). */
  action?: AuditActionFilter;
  /** An actor id, or an email that the page resolves to a user id. */
  actor?: string;
  /** A session, user, key or endpoint id the events are about. */
  target?: string;
  /** Local calendar days (YYYY-MM-DD), both included. */
  from?: string;
  to?: string;
  cursor?: string;
}

export function parseAuditSearch(raw: Record<string, unknown>): AuditSearch {
  const out: AuditSearch = {};
  if (typeof raw.action === "string" && raw.action.trim())
    out.action = raw.action.trim().slice(0, LIMITS.auditFilter);
  if (typeof raw.actor === "string" && raw.actor.trim()) out.actor = raw.actor.trim().slice(0, LIMITS.email);
  if (typeof raw.target === "string" && raw.target.trim())
    out.target = raw.target.trim().slice(0, LIMITS.auditFilter);
  const from = parseDay(raw.from);
  const to = parseDay(raw.to);
  if (from) out.from = from;
  if (to) out.to = to;
  // A backwards range would be refused by the API: keep only its start.
  if (out.from && out.to && out.to < out.from) delete out.to;
  if (typeof raw.cursor === "string" && raw.cursor) out.cursor = raw.cursor.slice(0, LIMITS.cursor);
  return out;
}

const ACTION_LABELS: Record<AuditAction, string> = {
  "session.created": "Session created",
  "session.revoked": "Session revoked",
  "session.ended": "Signed out",
  "session.evicted": "Session ended by the per-user limit",
  "session.reauthenticated": "Session reauthenticated",
  "user.sessions_revoked": "User's sessions revoked",
  "sessions.revoked_many": "Bulk revoke",
  "sessions.pruned": "Old sessions pruned",
  "audit.pruned": "Old audit events deleted",
  "sessions.exported": "Sessions exported",
  "audit.exported": "Audit log exported",
  "user.password_reset": "Password reset",
  "user.created": "User created",
  "user.disabled": "User disabled",
  "user.enabled": "User enabled",
  "user.role_changed": "Role changed",
  "api_key.created": "API key created",
  "api_key.revoked": "API key revoked",
  "auth.login_failed": "Sign-in failed",
  "auth.reauthenticated": "Password confirmed",
  "auth.reauth_failed": "Password confirmation failed",
  "user.password_rehashed": "Password hash upgraded",
  "webhook.created": "Webhook endpoint added",
  "webhook.updated": "Webhook endpoint changed",
  "webhook.deleted": "Webhook endpoint deleted",
  "webhook.disabled": "Webhook endpoint turned off (failing)",
  "webhook.redelivered": "Webhook redelivered",
  "webhook.tested": "Webhook test sent",
};

export function isAuditAction(action: string): action is AuditAction {
  return (AUDIT_ACTIONS as readonly string[]).includes(action);
}

/** A person's words for an action; an unknown one (from a URL) is shown as it is. */
export function actionLabel(action: string): string {
  return isAuditAction(action) ? ACTION_LABELS[action] : action;
}

/** Destructive actions are tinted in the log so they stand out when scanning. */
export function actionTone(action: string): "destructive" | "success" | "neutral" {
  if (/revoked|disabled|pruned/.test(action)) return "destructive";
  if (/created|enabled/.test(action)) return "success";
  return "neutral";
}
