// API key scopes as the create dialog offers them, with what each one lets a service do. The scopes
// are core's; a scope added or removed there is a compile error here until it is described.
import { API_KEY_SCOPES, type ApiKeyScope } from "@sessions/core/vocab";

export type Scope = ApiKeyScope;

const DESCRIPTIONS: Record<ApiKeyScope, string> = {
  "sessions:read": "List, count and inspect sessions; read stats.",
  "sessions:revoke": "Revoke one session, a user's sessions, or by filter.",
  "sessions:issue": "Create, validate and end sessions (sign-in flows).",
  "users:read": "List and look up users.",
  "users:write": "Create users and enable or disable them.",
  "audit:read": "Read the audit log.",
  "metrics:read": "Scrape /metrics (Prometheus): counts only.",
  "keys:manage": "Create, list and revoke API keys. Grant sparingly.",
  "webhooks:manage": "Manage webhook endpoints (they receive every session's events). Grant sparingly.",
};

/** In core's order, which goes from narrow to wide. */
export const SCOPES: readonly { value: ApiKeyScope; description: string }[] = API_KEY_SCOPES.map((value) => ({
  value,
  description: DESCRIPTIONS[value],
}));

export function scopesError(scopes: readonly string[]): string | undefined {
  return scopes.length === 0 ? "Choose at least one scope." : undefined;
}
