// API key scopes as the create dialog offers them, with what each one lets a service do.

export const SCOPES = [
  { value: "sessions:read", description: "List, count and inspect sessions; read stats." },
  { value: "sessions:revoke", description: "Revoke one session, a user's sessions, or by filter." },
  { value: "sessions:issue", description: "Create, validate and end sessions (sign-in flows)." },
  { value: "users:read", description: "List and look up users." },
  { value: "users:write", description: "Create users and enable or disable them." },
  { value: "audit:read", description: "Read the audit log." },
  { value: "keys:manage", description: "Create, list and revoke API keys. Grant sparingly." },
] as const;

export type Scope = (typeof SCOPES)[number]["value"];

export function scopesError(scopes: readonly string[]): string | undefined {
  return scopes.length === 0 ? "Choose at least one scope." : undefined;
}
