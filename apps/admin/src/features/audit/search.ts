// The audit log's URL state: action and actor filters and the keyset cursor.

/** Actions the service writes; the filter offers these, and any other value in a URL still works. */
export const AUDIT_ACTIONS = [
  "session.created",
  "session.revoked",
  "session.ended",
  "user.sessions_revoked",
  "sessions.revoked_many",
  "sessions.pruned",
  "user.created",
  "user.disabled",
  "user.enabled",
  "api_key.created",
  "api_key.revoked",
] as const;

export interface AuditSearch {
  action?: string;
  /** An actor id, or an email that the page resolves to a user id. */
  actor?: string;
  cursor?: string;
}

export function parseAuditSearch(raw: Record<string, unknown>): AuditSearch {
  const out: AuditSearch = {};
  if (typeof raw.action === "string" && raw.action.trim()) out.action = raw.action.trim().slice(0, 100);
  if (typeof raw.actor === "string" && raw.actor.trim()) out.actor = raw.actor.trim().slice(0, 320);
  if (typeof raw.cursor === "string" && raw.cursor) out.cursor = raw.cursor.slice(0, 500);
  return out;
}

const ACTION_LABELS: Record<string, string> = {
  "session.created": "Session created",
  "session.revoked": "Session revoked",
  "session.ended": "Signed out",
  "user.sessions_revoked": "User's sessions revoked",
  "sessions.revoked_many": "Bulk revoke",
  "sessions.pruned": "Old sessions pruned",
  "user.created": "User created",
  "user.disabled": "User disabled",
  "user.enabled": "User enabled",
  "api_key.created": "API key created",
  "api_key.revoked": "API key revoked",
};

export function actionLabel(action: string): string {
  return ACTION_LABELS[action] ?? action;
}

/** Destructive actions are tinted in the log so they stand out when scanning. */
export function actionTone(action: string): "destructive" | "success" | "neutral" {
  if (/revoked|disabled|pruned/.test(action)) return "destructive";
  if (/created|enabled/.test(action)) return "success";
  return "neutral";
}
