import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useState } from "react";
import { toast } from "sonner";
import { Avatar, DeviceIcon, deviceLabel, RelativeTime } from "@/components/bits";
import { ConfirmDialog } from "@/components/confirm-dialog";
import { Input, Label, Textarea } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { errorMessage } from "@/lib/errors";
import { formatNumber, plural } from "@/lib/format";
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
  const preview = useMutation(trpc.sessions.revokeMany.mutationOptions());
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

  // Each time the dialog opens, preview exactly what the current filter would revoke.
  const { mutate: runPreview, reset: resetPreview } = preview;
  useEffect(() => {
    if (!open) return;
    runPreview({ filter: toSessionFilter(search), dryRun: true });
    return () => {
      resetPreview();
      setTyped("");
      setReason("");
    };
  }, [open, search, runPreview, resetPreview]);

  // Idle is the instant before the preview starts: show it as loading, never as "nothing".
  const previewing = preview.isPending || preview.isIdle;
  const matched = preview.data?.matched;
  const rule = bulkConfirmation(preview.isError ? undefined : matched);
  const sample = preview.data?.sample ?? [];

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
      confirmDisabled={!canConfirmBulk(matched, typed) || Boolean(reasonError(reason)) || previewing}
      pending={execute.isPending}
      onConfirm={() =>
        execute.mutate({ filter: toSessionFilter(search), dryRun: false, reason: normalizeReason(reason) })
      }
    >
      <div className="rounded-lg border" aria-live="polite">
        <div className="flex items-center justify-between border-b bg-subtle px-3 py-2.5">
          <span className="text-xs font-medium tracking-wide text-muted-foreground uppercase">Dry run</span>
          {previewing ? (
            // An exact count: over a million sessions it can take seconds (off the API's event
            // loop); closing the dialog abandons it.
            <span className="text-sm text-muted-foreground" data-testid="dry-run-counting">
              Counting…
            </span>
          ) : (
            <span className="text-sm font-semibold tabular" data-testid="dry-run-count">
              {matched === undefined ? "—" : `${formatNumber(matched)} matching`}
            </span>
          )}
        </div>
        {preview.isError ? (
          <p role="alert" className="px-3 py-4 text-sm text-destructive">
            {errorMessage(preview.error, "Couldn't preview this revoke.")}
          </p>
        ) : previewing ? (
          <div className="space-y-2 p-3">
            {Array.from({ length: 3 }, (_, i) => (
              <Skeleton key={i} className="h-6" />
            ))}
          </div>
        ) : sample.length === 0 ? (
          <p className="px-3 py-4 text-sm text-muted-foreground">
            {rule.kind === "nothing" ? rule.message : ""}
          </p>
        ) : (
          <ul
            // Scrollable, so reachable by keyboard: focus it and the arrow keys scroll.
            tabIndex={0}
            className="max-h-52 divide-y overflow-y-auto rounded-md outline-none focus-visible:ring-2 focus-visible:ring-ring"
            aria-label="Sample of matching sessions"
          >
            {sample.map((s) => (
              <li key={s.id} className="flex items-center gap-2.5 px-3 py-2 text-sm">
                <DeviceIcon type={s.deviceType} className="size-3.5" />
                <span className="min-w-0 flex-1 truncate">{s.user.email}</span>
                <span className="hidden text-xs text-muted-foreground sm:inline">
                  {deviceLabel(s.browser, s.os)}
                </span>
                <RelativeTime
                  date={s.createdAt}
                  short
                  className="w-14 text-right text-xs text-muted-foreground"
                />
              </li>
            ))}
            {matched !== undefined && matched > sample.length && (
              <li className="px-3 py-2 text-xs text-muted-foreground">
                and {formatNumber(matched - sample.length)} more
              </li>
            )}
          </ul>
        )}
      </div>
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
