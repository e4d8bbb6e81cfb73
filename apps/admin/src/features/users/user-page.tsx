import { useInfiniteQuery, useMutation, useQuery } from "@tanstack/react-query";
import { getRouteApi, Link } from "@tanstack/react-router";
import {
  ArrowLeftIcon,
  BanIcon,
  CheckCircle2Icon,
  MonitorSmartphoneIcon,
  ShieldIcon,
  UserRoundXIcon,
  UserXIcon,
} from "lucide-react";
import { useState } from "react";
import { toast } from "sonner";
import {
  Avatar,
  ConsoleBadge,
  CopyButton,
  DeviceIcon,
  deviceLabel,
  EmptyState,
  ErrorState,
  PageHeader,
  RelativeTime,
  RoleBadge,
  StatusBadge,
} from "@/components/bits";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from "@/components/ui/dialog";
import { Label, Textarea } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { CurrentSessionLock } from "@/components/current-session-lock";
import { Tooltip } from "@/components/ui/tooltip";
import { errorMessage } from "@/lib/errors";
import { useWithReauth } from "@/lib/reauth";
import { formatDateTime, formatNumber, plural } from "@/lib/format";
import { useLive } from "@/lib/live";
import { useTRPC, type RouterOutputs } from "@/lib/trpc";
import { useViewer } from "@/lib/viewer";
import {
  disableUserSummary,
  normalizeReason,
  reasonError,
  revokeAvailability,
} from "@/features/sessions/confirm-rules";
import {
  RevokeSessionDialog,
  RevokeUserSessionsDialog,
  useRefreshAfterRevoke,
} from "@/features/sessions/revoke-dialogs";
import { SessionDrawer } from "@/features/sessions/session-drawer";
import { SetRoleDialog } from "./set-role-dialog";

type SessionInfo = RouterOutputs["sessions"]["listForUser"]["items"][number];
type User = NonNullable<RouterOutputs["users"]["get"]>;

const route = getRouteApi("/app/users/$userId");

function SetStatusDialog({
  user,
  open,
  onOpenChange,
}: {
  user: User;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const trpc = useTRPC();
  const [reason, setReason] = useState("");
  const refresh = useRefreshAfterRevoke();
  const disabling = user.status === "active";
  // Disabling an operator needs a recent sign-in; disabling an end user does not.
  const withReauth = useWithReauth();
  const mutation = useMutation(
    withReauth(
      trpc.users.setStatus.mutationOptions({
        onSuccess: async (result) => {
          await refresh();
          if (!result.ok) {
            toast.error("User not found");
          } else if (disabling) {
            toast.success(`Disabled ${user.email}`, {
              description:
                result.revokedSessions === 0
                  ? "They had no active sessions."
                  : `Ended ${plural(result.revokedSessions, "session")}.`,
            });
          } else {
            toast.success(`Enabled ${user.email}`, { description: "They can sign in again." });
          }
          setReason("");
          onOpenChange(false);
        },
        onError: (error) => toast.error(errorMessage(error)),
      }),
    ),
  );
  return (
    <Dialog open={open} onOpenChange={(next) => !mutation.isPending && onOpenChange(next)}>
      <DialogContent data-testid="set-status-dialog" className="sm:max-w-[480px]">
        <DialogHeader>
          <DialogTitle>{disabling ? `Disable ${user.email}?` : `Enable ${user.email}?`}</DialogTitle>
          <DialogDescription>
            {disabling
              ? disableUserSummary({ email: user.email, activeSessions: user.activeSessions })
              : `${user.email} will be able to sign in and get new sessions again. Sessions ended while disabled stay ended.`}
          </DialogDescription>
        </DialogHeader>
        <form
          className="space-y-4"
          onSubmit={(e) => {
            e.preventDefault();
            mutation.mutate({
              id: user.id,
              status: disabling ? "disabled" : "active",
              reason: normalizeReason(reason),
            });
          }}
        >
          <div className="space-y-2">
            <Label htmlFor="status-reason">
              Reason{" "}
              <span className="font-normal text-muted-foreground">(optional, kept in the audit log)</span>
            </Label>
            <Textarea
              id="status-reason"
              rows={2}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            />
            {reasonError(reason) && <p className="text-xs text-destructive">{reasonError(reason)}</p>}
          </div>
          <DialogFooter>
            <Button variant="outline" onClick={() => onOpenChange(false)} disabled={mutation.isPending}>
              Cancel
            </Button>
            <Button
              type="submit"
              variant={disabling ? "destructive" : "default"}
              disabled={mutation.isPending || Boolean(reasonError(reason))}
            >
              {disabling ? "Disable user" : "Enable user"}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

function Stat({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="space-y-1">
      <dt className="text-xs text-muted-foreground">{label}</dt>
      <dd className="text-sm font-medium">{children}</dd>
    </div>
  );
}

export function UserPage() {
  const trpc = useTRPC();
  const { userId } = route.useParams();
  const viewer = useViewer();
  const { refetchInterval } = useLive();
  const [openSession, setOpenSession] = useState<string | undefined>();
  const [revoking, setRevoking] = useState<SessionInfo | null>(null);
  const [revokeAllOpen, setRevokeAllOpen] = useState(false);
  const [statusOpen, setStatusOpen] = useState(false);
  const [roleOpen, setRoleOpen] = useState(false);

  const user = useQuery(trpc.users.get.queryOptions({ id: userId }, { refetchInterval }));
  const sessions = useInfiniteQuery(
    trpc.sessions.listForUser.infiniteQueryOptions(
      { userId, limit: 25 },
      { getNextPageParam: (page) => page.nextCursor ?? undefined, refetchInterval },
    ),
  );

  if (user.isPending) {
    return (
      <div className="space-y-6" aria-busy="true">
        <div className="flex items-center gap-4">
          <Skeleton className="size-14 rounded-full" />
          <div className="space-y-2">
            <Skeleton className="h-6 w-64" />
            <Skeleton className="h-4 w-40" />
          </div>
        </div>
        <Skeleton className="h-72 rounded-xl" />
      </div>
    );
  }
  if (user.isError)
    return <ErrorState message={errorMessage(user.error)} onRetry={() => void user.refetch()} />;
  const u = user.data;
  if (!u) {
    return (
      <EmptyState
        icon={UserXIcon}
        title="User not found"
        description="This user doesn't exist or was removed."
        action={
          <Button asChild variant="outline" size="sm">
            <Link to="/users">Back to users</Link>
          </Button>
        }
      />
    );
  }

  const isSelf = u.id === viewer.user.id;
  const items = sessions.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <div>
      <Link
        to="/users"
        className="mb-4 inline-flex items-center gap-1.5 rounded text-[13px] text-muted-foreground outline-none hover:text-foreground focus-visible:ring-2 focus-visible:ring-ring"
      >
        <ArrowLeftIcon className="size-3.5" /> Users
      </Link>
      <PageHeader
        title={
          <span className="flex items-center gap-3">
            <Avatar email={u.email} name={u.name} className="size-10 text-sm" />
            <span className="min-w-0 truncate">{u.email}</span>
          </span>
        }
        actions={
          viewer.canManage && (
            <>
              <Button
                variant="outline"
                onClick={() => setRevokeAllOpen(true)}
                disabled={u.activeSessions === 0}
              >
                <UserRoundXIcon /> Revoke all sessions
              </Button>
              {!isSelf && (
                <Button variant="outline" onClick={() => setRoleOpen(true)}>
                  <ShieldIcon /> Change role
                </Button>
              )}
              {!isSelf &&
                (u.status === "active" ? (
                  <Button variant="destructive" onClick={() => setStatusOpen(true)}>
                    <BanIcon /> Disable user
                  </Button>
                ) : (
                  <Button onClick={() => setStatusOpen(true)}>
                    <CheckCircle2Icon /> Enable user
                  </Button>
                ))}
            </>
          )
        }
      >
        <div className="flex flex-wrap items-center gap-2 pt-1 text-sm text-muted-foreground">
          <RoleBadge role={u.role} />
          <StatusBadge status={u.status} />
          {isSelf && <Badge variant="outline">You</Badge>}
          <span>{u.name ?? "No name"}</span>
        </div>
      </PageHeader>

      <div className="grid gap-4 sm:gap-6 lg:grid-cols-[minmax(0,1fr)_300px]">
        <Card className="overflow-hidden">
          <CardHeader className="pb-4">
            <CardTitle>Sessions</CardTitle>
            <CardDescription>Newest first, including expired and revoked ones.</CardDescription>
          </CardHeader>
          {sessions.isPending ? (
            <div className="space-y-2 px-5 pb-5">
              {Array.from({ length: 4 }, (_, i) => (
                <Skeleton key={i} className="h-12" />
              ))}
            </div>
          ) : sessions.isError ? (
            <ErrorState message={errorMessage(sessions.error)} onRetry={() => void sessions.refetch()} />
          ) : items.length === 0 ? (
            <EmptyState
              icon={MonitorSmartphoneIcon}
              title="No sessions"
              description="This user hasn't signed in anywhere yet."
            />
          ) : (
            <ul className="divide-y border-t" aria-label="Sessions of this user">
              {items.map((s) => {
                const availability = revokeAvailability(s, viewer);
                return (
                  <li
                    key={s.id}
                    className="flex items-center gap-3 px-5 py-3 hover:bg-subtle"
                    data-row-id={s.id}
                  >
                    <button
                      type="button"
                      onClick={() => setOpenSession(s.id)}
                      className="flex min-w-0 flex-1 items-center gap-3 rounded-md text-left outline-none focus-visible:ring-2 focus-visible:ring-ring"
                    >
                      <span className="flex size-9 shrink-0 items-center justify-center rounded-lg border bg-subtle">
                        <DeviceIcon type={s.deviceType} />
                      </span>
                      <span className="min-w-0 flex-1">
                        <span className="flex items-center gap-2">
                          <span className="truncate text-sm font-medium">{deviceLabel(s.browser, s.os)}</span>
                          {s.isCurrent && <Badge variant="brand">This session</Badge>}
                          {s.kind === "console" && <ConsoleBadge />}
                        </span>
                        <span className="block truncate text-xs text-muted-foreground">
                          <span className="font-mono">{s.tokenPreview}</span> ·{" "}
                          <span className="font-mono">{s.ip ?? "no IP"}</span> · seen{" "}
                          <RelativeTime date={s.lastSeenAt} />
                        </span>
                      </span>
                      <StatusBadge status={s.status} />
                    </button>
                    {viewer.canManage &&
                      (availability.allowed ? (
                        <Tooltip content="Revoke session">
                          <Button
                            variant="ghost"
                            size="icon-sm"
                            className="text-muted-foreground hover:bg-destructive/10 hover:text-destructive"
                            aria-label={`Revoke session ${s.tokenPreview} of ${u.email}`}
                            onClick={() => setRevoking(s)}
                          >
                            <BanIcon />
                          </Button>
                        </Tooltip>
                      ) : availability.reason === "current" ? (
                        <CurrentSessionLock message={availability.message} />
                      ) : (
                        <span className="size-8" />
                      ))}
                  </li>
                );
              })}
            </ul>
          )}
          {sessions.hasNextPage && (
            <div className="border-t p-3 text-center">
              <Button
                variant="ghost"
                size="sm"
                onClick={() => void sessions.fetchNextPage()}
                disabled={sessions.isFetchingNextPage}
              >
                {sessions.isFetchingNextPage ? "Loading…" : "Show more"}
              </Button>
            </div>
          )}
        </Card>

        <Card className="h-fit">
          <CardHeader>
            <CardTitle>Details</CardTitle>
          </CardHeader>
          <CardContent className="pt-4">
            <dl className="grid grid-cols-2 gap-x-4 gap-y-4">
              <Stat label="Active sessions">
                <span className="text-2xl font-semibold tabular" data-testid="user-active-sessions">
                  {formatNumber(u.activeSessions)}
                </span>
              </Stat>
              {u.sessionLimit && (
                <Stat label="Session limit">
                  <span data-testid="user-session-limit">
                    {formatNumber(u.sessionLimit.appSessions)} of {formatNumber(u.sessionLimit.max)} allowed
                  </span>
                  <span className="block text-xs text-muted-foreground">
                    {u.sessionLimit.policy === "deny"
                      ? "App sessions; at the limit, new ones are refused"
                      : "App sessions; at the limit, the least recently seen ends"}
                  </span>
                </Stat>
              )}
              <Stat label="Role">
                <span className="capitalize">{u.role}</span>
              </Stat>
              <Stat label="Joined">
                <RelativeTime date={u.createdAt} />
              </Stat>
              <Stat label="Updated">
                <RelativeTime date={u.updatedAt} />
              </Stat>
              <Stat label="Email confirmed">
                {u.confirmedAt ? formatDateTime(u.confirmedAt) : "Not confirmed"}
              </Stat>
            </dl>
            <div className="mt-5 flex items-center justify-between rounded-md border bg-subtle px-3 py-2">
              <span className="min-w-0 truncate font-mono text-xs text-muted-foreground">{u.id}</span>
              <CopyButton value={u.id} label="Copy user ID" className="size-6" />
            </div>
          </CardContent>
        </Card>
      </div>

      <SessionDrawer
        sessionId={openSession}
        onClose={() => setOpenSession(undefined)}
        onSelect={setOpenSession}
      />
      {viewer.canManage && (
        <>
          <RevokeSessionDialog
            session={revoking}
            open={revoking !== null}
            onOpenChange={(open) => !open && setRevoking(null)}
          />
          <RevokeUserSessionsDialog
            user={u}
            activeSessions={u.activeSessions}
            isSelf={isSelf}
            open={revokeAllOpen}
            onOpenChange={setRevokeAllOpen}
          />
          <SetStatusDialog user={u} open={statusOpen} onOpenChange={setStatusOpen} />
          {!isSelf && <SetRoleDialog key={u.role} user={u} open={roleOpen} onOpenChange={setRoleOpen} />}
        </>
      )}
    </div>
  );
}
