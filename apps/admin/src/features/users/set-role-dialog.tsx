import { useMutation } from "@tanstack/react-query";
import { useId, useState } from "react";
import { toast } from "sonner";
import { USER_ROLES, type UserRole } from "@sessions/core/vocab";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from "@/components/ui/dialog";
import { cn } from "@/lib/utils";
import { errorMessage } from "@/lib/errors";
import { useWithReauth } from "@/lib/reauth";
import { useTRPC, type RouterOutputs } from "@/lib/trpc";
import { useRefreshAfterRevoke } from "@/features/sessions/revoke-dialogs";

type User = NonNullable<RouterOutputs["users"]["get"]>;

/** What each role may do, in the words the dialog offers them (keyed by core's roles: a new one must say). */
export const ROLE_CHOICES: Record<UserRole, { label: string; description: string }> = {
  admin: {
    label: "Admin",
    description: "Signs in to the console and changes anything: sessions, users, roles and API keys.",
  },
  viewer: { label: "Viewer", description: "Signs in to the console and reads everything; changes nothing." },
  user: {
    label: "User",
    description: "An end user: services create and end their sessions. Cannot sign in to the console.",
  },
};

/**
 * Promote or demote (users.setRole: a console admin, with a recent sign-in). The API refuses one's
 * own role and the last active admin's demotion with a message this shows as is.
 */
export function SetRoleDialog({
  user,
  open,
  onOpenChange,
}: {
  user: User;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const trpc = useTRPC();
  const refresh = useRefreshAfterRevoke();
  const withReauth = useWithReauth();
  const [role, setRole] = useState<UserRole>(user.role);
  const groupId = useId();
  const mutation = useMutation(
    withReauth(
      trpc.users.setRole.mutationOptions({
        onSuccess: async (result) => {
          await refresh();
          if (!result.ok) toast.error("User not found");
          else toast.success(`${user.email} is now ${ROLE_CHOICES[result.user.role].label.toLowerCase()}`);
          onOpenChange(false);
        },
        onError: (error) => toast.error(errorMessage(error, "Couldn't change the role.")),
      }),
    ),
  );

  function close(next: boolean) {
    if (mutation.isPending) return;
    if (!next) setRole(user.role);
    onOpenChange(next);
  }

  return (
    <Dialog open={open} onOpenChange={close}>
      <DialogContent data-testid="set-role-dialog" className="sm:max-w-[480px]">
        <DialogHeader>
          <DialogTitle>Change the role of {user.email}</DialogTitle>
          <DialogDescription>
            Takes effect on their next request. Recorded in the audit log.
          </DialogDescription>
        </DialogHeader>
        <form
          className="space-y-4"
          onSubmit={(e) => {
            e.preventDefault();
            if (role !== user.role) mutation.mutate({ id: user.id, role });
          }}
        >
          <div role="radiogroup" aria-labelledby={groupId} className="space-y-2">
            <span id={groupId} className="sr-only">
              Role
            </span>
            {USER_ROLES.map((r) => (
              <label
                key={r}
                className={cn(
                  "flex cursor-pointer items-start gap-3 rounded-lg border p-3 text-sm transition-colors hover:bg-subtle",
                  role === r && "border-foreground/40 bg-subtle",
                )}
              >
                <input
                  type="radio"
                  name="role"
                  value={r}
                  checked={role === r}
                  onChange={() => setRole(r)}
                  className="mt-0.5 accent-foreground"
                />
                <span>
                  <span className="font-medium">
                    {ROLE_CHOICES[r].label}
                    {r === user.role && <span className="font-normal text-muted-foreground"> (current)</span>}
                  </span>
                  <span className="mt-0.5 block text-[13px] text-muted-foreground">
                    {ROLE_CHOICES[r].description}
                  </span>
                </span>
              </label>
            ))}
          </div>
          <DialogFooter>
            <Button
              type="button"
              variant="outline"
              onClick={() => close(false)}
              disabled={mutation.isPending}
            >
              Cancel
            </Button>
            <Button type="submit" disabled={mutation.isPending || role === user.role}>
              Change role
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
