import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Loader2Icon, ShieldCheckIcon } from "lucide-react";
import { useId, useRef, useState, type FormEvent } from "react";
import { FormAlert } from "@/components/form-alert";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from "@/components/ui/dialog";
import { Input, Label } from "@/components/ui/input";
import { errorCode, errorMessage } from "@/lib/errors";
import { useTRPC } from "@/lib/trpc";
import { meQueryOptions } from "@/lib/viewer";

/** What the prompt says when auth.reauthenticate refuses (a rate limit's wait as errorMessage says it). */
export function reauthErrorMessage(error: unknown): string {
  switch (errorCode(error)) {
    case "FORBIDDEN":
      return "Wrong password.";
    case "BAD_REQUEST":
      return "Enter your password.";
    default:
      return errorMessage(error);
  }
}

/**
 * The password prompt of lib/reauth.tsx: confirms the signed-in operator's password and hands the
 * refused change back to be sent again. Its own layer above whatever dialog asked for it.
 */
export function ReauthDialog({
  open,
  onConfirmed,
  onDismiss,
}: {
  open: boolean;
  onConfirmed: () => void;
  onDismiss: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [password, setPassword] = useState("");
  const [formError, setFormError] = useState<string | null>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const passwordId = useId();
  const errorId = useId();
  const reauth = useMutation(trpc.auth.reauthenticate.mutationOptions());

  function reset() {
    setPassword("");
    setFormError(null);
    reauth.reset();
  }

  function submit(event: FormEvent) {
    // The prompt can sit inside another dialog's form in the React tree (portals keep events
    // bubbling there): this submit is the prompt's alone.
    event.preventDefault();
    event.stopPropagation();
    if (!password) {
      setFormError("Enter your password.");
      passwordRef.current?.focus();
      return;
    }
    reauth.mutate(
      { password },
      {
        onSuccess: () => {
          reset();
          void queryClient.invalidateQueries({ queryKey: meQueryOptions(trpc).queryKey });
          onConfirmed();
        },
        onError: (error) => {
          setFormError(reauthErrorMessage(error));
          setPassword("");
          passwordRef.current?.focus();
        },
      },
    );
  }

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        if (next || reauth.isPending) return;
        reset();
        onDismiss();
      }}
    >
      <DialogContent className="sm:max-w-[420px]" data-testid="reauth-dialog">
        <DialogHeader>
          <DialogTitle className="flex items-center gap-2">
            <ShieldCheckIcon className="size-4 text-muted-foreground" aria-hidden="true" /> Confirm it's you
          </DialogTitle>
          <DialogDescription>
            This change needs your password confirmed in the last few minutes. Nothing has been changed yet.
          </DialogDescription>
        </DialogHeader>
        <form onSubmit={submit} noValidate className="space-y-4">
          {formError && <FormAlert id={errorId}>{formError}</FormAlert>}
          <div className="space-y-2">
            <Label htmlFor={passwordId}>Password</Label>
            <Input
              ref={passwordRef}
              id={passwordId}
              type="password"
              autoComplete="current-password"
              autoFocus
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              aria-invalid={formError ? true : undefined}
              aria-describedby={formError ? errorId : undefined}
            />
          </div>
          <DialogFooter>
            <Button
              type="button"
              variant="outline"
              disabled={reauth.isPending}
              onClick={() => {
                reset();
                onDismiss();
              }}
            >
              Cancel
            </Button>
            <Button type="submit" disabled={reauth.isPending}>
              {reauth.isPending && <Loader2Icon className="animate-spin" aria-hidden="true" />}
              Confirm and continue
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
