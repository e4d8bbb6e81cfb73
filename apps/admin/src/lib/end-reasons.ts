// How the console names each end reason (vocab.ts SESSION_END_REASONS). Keyed by the type, so a
// reason added to the vocabulary stops this compiling until it has a label.
import type { SessionEndReason } from "@sessions/core/vocab";

export const END_REASON_LABELS: Record<SessionEndReason, string> = {
  logout: "Signed out",
  revoked: "Revoked",
  user_revoked: "All the user's sessions revoked",
  bulk: "Bulk revoke",
  user_disabled: "User disabled",
  limit: "Ended by the per-user session limit",
  others_revoked: "Signed out everywhere else",
  password_reset: "Password reset",
};

export function endReasonLabel(reason: string | null | undefined): string | null {
  if (!reason) return null;
  return (END_REASON_LABELS as Record<string, string>)[reason] ?? reason;
}
