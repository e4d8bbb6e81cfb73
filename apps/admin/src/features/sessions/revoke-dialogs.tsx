import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useState } from "react";
import { toast } from "sonner";
import { Avatar, DeviceIcon, deviceLabel } from "@/components/bits";
import { ConfirmDialog } from "@/components/confirm-dialog";
import { Input, Label, Textarea } from "@/components/ui/input";
import { errorMessage } from "@/lib/errors";
import { plural } from "@/lib/format";
import { useTRPC, type RouterOutputs } from "@/lib/trpc";
import {
  bulkConfirmation,
  canConfirmBulk,
  MAX_REASON_LENGTH,
  normalizeReason,
  reasonError,
  revokeOneOutcome,
  revokeOneSummary,
  revokeUserSummary,
} from "./confirm-rules";
import { DryRunPanel, exactMatched, useDryRun } from "./dry-run";
import { describeFilter, toSessionFilter, type SessionsSearch } from "./search";

type SessionInfo = NonNullable<RouterOutputs["sessions"]["get"]>;

/** Refreshes every view a revoke changes, and waits, so a closing dialog reveals the new state. */
export function useRefreshAfterRevoke() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.sessions.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.users.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.audit.pathKey() }),
    ]);
}

function ReasonField({ value, onChange }: { value: string; onChange: (value: string) => void }) {
  const id = useId();
  const error = reasonError(value);
  return (
    <div className="space-y-2">
      <Label htmlFor={id}>
        Reason <span className="font-normal text-muted-foreground">(optional, kept in the audit log)</span>
      </Label>
      <Textarea
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        placeholder="e.g. Reported lost device"
        rows={2}
        maxLength={MAX_REASON_LENGTH + 50}
        aria-invalid={error ? true : undefined}
      />
      {error && <p className="text-xs text-destructive">{error}</p>}
    </div>
  );
}

function SessionSummary({ session }: { session: SessionInfo }) {
  return (
    <div className="flex items-center gap-3 rounded-lg border bg-subtle px-3 py-2.5">
      <Avatar email={session.user.email} name={session.user.name} />
      <div className="min-w-0 flex-1 text-sm">
        <div className="truncate font-medium">{session.user.email}</div>
        <div className="flex items-center gap-1.5 truncate text-xs text-muted-foreground">
          <DeviceIcon type={session.deviceType} className="size-3" />
          {deviceLabel(session.browser, session.os)}
          {session.ip && <span className="font-mono">· {session.ip}</span>}
        </div>
      </div>
      <code className="shrink-0 rounded bg-background px-1.5 py-0.5 font-mono text-xs text-muted-foreground ring-1 ring-border">
        {session.tokenPreview}
      </code>
    </div>
  );
}

export function RevokeSessionDialog({
  session,
  open,
  onOpenChange,
  onDone,
}: {
  session: SessionInfo | null;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onDone?: (revoked: boolean) => void;
}) {
  const trpc = useTRPC();
  const [reason, setReason] = useState("");
  const refresh = useRefreshAfterRevoke();
  const revoke = useMutation(
    trpc.sessions.revoke.mutationOptions({
      onSuccess: async (result) => {
        const outcome = revokeOneOutcome(result);
        await refresh();
        if (outcome.tone === "success") {
          toast.success(outcome.message, {
            description: session ? `${session.user.email} · ${session.tokenPreview}` : undefined,
          });
        } else {
          toast.error(outcome.message);
        }
        setReason("");
        onOpenChange(false);
        onDone?.(result.ok);
      },
      onError: (error) => toast.error(errorMessage(error, "Couldn't revoke the session.")),
    }),
  );
  if (!session) return null;
  return (
    <ConfirmDialog
      open={open}
      onOpenChange={onOpenChange}
      testId="revoke-session-dialog"
      title="Revoke this session?"
      description={revokeOneSummary(session)}
      confirmLabel="Revoke session"
      confirmDisabled={Boolean(reasonError(reason))}
      pending={revoke.isPending}
      onConfirm={() => revoke.mutate({ id: session.id, reason: normalizeReason(reason) })}
    >
      <SessionSummary session={session} />
      <ReasonField value={reason} onChange={setReason} />
    </ConfirmDialog>
  );
}

export function RevokeUserSessionsDialog({
  user,
  activeSessions,
  isSelf,
  open,
  onOpenChange,
}: {
  user: { id: string; email: string };
  activeSessions: number;
  isSelf: boolean;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const trpc = useTRPC();
  const [reason, setReason] = useState("");
  const refresh = useRefreshAfterRevoke();
  const revoke = useMutation(
    trpc.sessions.revokeForUser.mutationOptions({
      onSuccess: async (result) => {
        await refresh();
        toast.success(
          result.revoked === 0 ? "No sessions to revoke" : `Revoked ${plural(result.revoked, "session")}`,
          { description: user.email },
        );
        setReason("");
        onOpenChange(false);
      },
      onError: (error) => toast.error(errorMessage(error, "Couldn't revoke the sessions.")),
    }),
  );
  return (
    <ConfirmDialog
      open={open}
      onOpenChange={onOpenChange}
      testId="revoke-user-dialog"
      title={`Revoke all sessions of ${user.email}?`}
      description={revokeUserSummary({ email: user.email, activeSessions, isSelf })}
      confirmLabel={isSelf ? "Revoke my other sessions" : "Revoke all sessions"}
      confirmDisabled={Boolean(reasonError(reason))}
      pending={revoke.isPending}
      onConfirm={() => revoke.mutate({ userId: user.id, reason: normalizeReason(reason) })}
    >
      <ReasonField value={reason} onChange={setReason} />
    </ConfirmDialog>
  );
}

export function BulkRevokeDialog({
  search,
  open,
  onOpenChange,
}: {
  search: SessionsSearch;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const trpc = useTRPC();
  const [reason, setReason] = useState("");
  const [typed, setTyped] = useState("");
  const typedId = useId();
  const refresh = useRefreshAfterRevoke();
  const filter = toSessionFilter(search);
  // Each time the dialog opens, preview exactly what the current filter would revoke.
  const dryRun = useDryRun(filter, open);

  const execute = useMutation(
    trpc.sessions.revokeMany.mutationOptions({
      onSuccess: async (result) => {
        await refresh();
        toast.success(
          result.revoked === 0 ? "Nothing was revoked" : `Revoked ${plural(result.revoked, "session")}`,
          { description: describeFilter(search).join(" · ") },
        );
        onOpenChange(false);
      },
      onError: (error) => toast.error(errorMessage(error, "Couldn't revoke the sessions.")),
    }),
  );

  useEffect(() => {
    if (!open) return;
    return () => {
      setTyped("");
      setReason("");
    };
  }, [open]);

  const matched = exactMatched(dryRun.state);
  const rule = bulkConfirmation(matched);

  return (
    <ConfirmDialog
      open={open}
      onOpenChange={onOpenChange}
      testId="bulk-revoke-dialog"
      title="Revoke every matching session?"
      description={
        <div className="space-y-3">
          <p>Sessions matching the current filter will be revoked:</p>
          <ul className="flex flex-wrap gap-1.5" aria-label="Filter">
            {describeFilter(search).map((part) => (
              <li key={part} className="rounded-md border bg-subtle px-2 py-0.5 text-xs text-foreground">
                {part}
              </li>
            ))}
          </ul>
        </div>
      }
      confirmLabel={matched ? `Revoke ${plural(matched, "session")}` : "Revoke sessions"}
      confirmDisabled={!canConfirmBulk(matched, typed) || Boolean(reasonError(reason))}
      pending={execute.isPending}
      onConfirm={() => execute.mutate({ filter, dryRun: false, reason: normalizeReason(reason) })}
    >
      <DryRunPanel
        state={dryRun.state}
        onStop={dryRun.stop}
        onRestart={dryRun.restart}
        emptyMessage={rule.kind === "nothing" ? rule.message : "No sessions match this filter."}
      />
      {(rule.kind === "confirm" || rule.kind === "type-count") && (
        <p className="text-sm">{rule.message} Your own session is never included.</p>
      )}
      {rule.kind === "type-count" && (
        <div className="space-y-2">
          <Label htmlFor={typedId}>
            Type <span className="font-mono font-semibold">{rule.expected}</span> to confirm
          </Label>
          <Input
            id={typedId}
            inputMode="numeric"
            autoComplete="off"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            placeholder={rule.expected}
          />
        </div>
      )}
      {rule.kind !== "nothing" && <ReasonField value={reason} onChange={setReason} />}
    </ConfirmDialog>
  );
}
