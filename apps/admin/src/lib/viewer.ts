import { useQuery } from "@tanstack/react-query";
import type { UserRole } from "@sessions/core/vocab";
import { canManage } from "@/features/sessions/confirm-rules";
import { useTRPC, type TRPC } from "./trpc";

/** Who is signed in. Cached for the app's lifetime; refreshed after sign-in and cleared at sign-out. */
export function meQueryOptions(trpc: TRPC) {
  return trpc.auth.me.queryOptions(undefined, { staleTime: 5 * 60_000, retry: false });
}

export interface ViewerInfo {
  user: { id: string; email: string; name: string | null; role: UserRole };
  sessionId: string | null;
  role: UserRole;
  /** Admins manage (revoke, disable, keys); viewers only read. */
  canManage: boolean;
}

/** The signed-in user. Only used under the signed-in layout, which loads auth.me before rendering. */
export function useViewer(): ViewerInfo {
  const trpc = useTRPC();
  const { data } = useQuery(meQueryOptions(trpc));
  const user = data?.user ?? { id: "", email: "", name: null, role: "viewer" as const };
  const role = user.role;
  return {
    user: { id: user.id, email: user.email, name: user.name, role },
    sessionId: data?.sessionId ?? null,
    role,
    canManage: canManage({ role }),
  };
}
