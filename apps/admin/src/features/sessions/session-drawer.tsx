import { useQuery } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { BanIcon, LockIcon, SearchXIcon, UserRoundXIcon } from "lucide-react";
import { useState } from "react";
import {
  Age,
  Avatar,
  CopyButton,
  DeviceIcon,
  deviceLabel,
  EmptyState,
  ErrorState,
  Field,
  RelativeTime,
  RoleBadge,
  StatusBadge,
} from "@/components/bits";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Dialog, DialogDescription, DialogTitle, SheetContent } from "@/components/ui/dialog";
import { Skeleton } from "@/components/ui/skeleton";
import { endReasonLabel } from "@/lib/end-reasons";
import { errorMessage } from "@/lib/errors";
import { formatDateTime } from "@/lib/format";
import { useLive } from "@/lib/live";
import { useTRPC } from "@/lib/trpc";
import { cn } from "@/lib/utils";
import { useViewer } from "@/lib/viewer";
import { revokeAvailability } from "./confirm-rules";
import { RevokeSessionDialog, RevokeUserSessionsDialog } from "./revoke-dialogs";

function Section({
  title,
  children,
  className,
}: {
  title: string;
  children: React.ReactNode;
  className?: string;
}) {
  return (
    <section className={cn("px-6 py-5", className)}>
      <h3 className="mb-2 text-xs font-medium tracking-wide text-muted-foreground uppercase">{title}</h3>
      {children}
    </section>
  );
}

function DrawerSkeleton() {
  return (
    <div className="space-y-6 p-6" aria-busy="true">
      <div className="flex items-center gap-3">
        <Skeleton className="size-10 rounded-lg" />
        <div className="space-y-2">
          <Skeleton className="h-5 w-40" />
          <Skeleton className="h-4 w-24" />
        </div>
      </div>
      {Array.from({ length: 8 }, (_, i) => (
        <Skeleton key={i} className="h-5" />
      ))}
    </div>
  );
}

/** Everything known about one session and its user, and the user's other sessions. */
export function SessionDrawer({
  sessionId,
  onClose,
  onSelect,
}: {
  sessionId: string | undefined;
  onClose: () => void;
  onSelect: (id: string) => void;
}) {
  return (
    <Dialog open={Boolean(sessionId)} onOpenChange={(open) => !open && onClose()}>
      <SheetContent aria-describedby={undefined} data-testid="session-drawer">
        {sessionId && <DrawerBody sessionId={sessionId} onSelect={onSelect} />}
      </SheetContent>
    </Dialog>
  );
}

function DrawerBody({ sessionId, onSelect }: { sessionId: string; onSelect: (id: string) => void }) {
  const trpc = useTRPC();
  const viewer = useViewer();
  const { refetchInterval } = useLive();
  const [revokeOpen, setRevokeOpen] = useState(false);
  const [revokeAllOpen, setRevokeAllOpen] = useState(false);
  const session = useQuery(trpc.sessions.get.queryOptions({ id: sessionId }, { refetchInterval }));
  const userId = session.data?.user.id;
  const user = useQuery(
    trpc.users.get.queryOptions({ id: userId ?? "" }, { enabled: Boolean(userId), refetchInterval }),
  );
  const others = useQuery(
    trpc.sessions.listForUser.queryOptions(
      { userId: userId ?? "", limit: 20 },
      { enabled: Boolean(userId), refetchInterval },
    ),
  );

  if (session.isPending) {
    return (
      <>
        <DialogTitle className="sr-only">Loading session</DialogTitle>
        <DrawerSkeleton />
      </>
    );
  }
  if (session.isError) {
    return (
      <>
        <DialogTitle className="sr-only">Session</DialogTitle>
        <ErrorState
          message={errorMessage(session.error)}
          onRetry={() => void session.refetch()}
          className="my-auto"
        />
      </>
    );
  }
  const s = session.data;
  if (!s) {
    return (
      <>
        <DialogTitle className="sr-only">Session not found</DialogTitle>
        <EmptyState
          className="my-auto"
          icon={SearchXIcon}
          title="Session not found"
          description="It may have been pruned after expiring or being revoked."
        />
      </>
    );
  }

  const availability = revokeAvailability(s, viewer);
  const otherSessions = (others.data?.items ?? []).filter((o) => o.id !== s.id);
  const isSelf = s.user.id === viewer.user.id;

  return (
    <>
      <div className="border-b px-6 pt-6 pb-5">
        <div className="flex items-start gap-3.5 pr-8">
          <span className="flex size-11 shrink-0 items-center justify-center rounded-xl border bg-subtle">
            <DeviceIcon type={s.deviceType} className="size-5 text-foreground" />
          </span>
          <div className="min-w-0 space-y-1.5">
            <DialogTitle className="truncate text-lg font-semibold tracking-tight">
              {deviceLabel(s.browser, s.os)}
            </DialogTitle>
            <DialogDescription asChild>
              <div className="flex flex-wrap items-center gap-2 text-sm text-muted-foreground">
                <StatusBadge status={s.status} />
                {s.isCurrent && (
                  <Badge variant="brand">
                    <LockIcon /> This session
                  </Badge>
                )}
                <span>
                  Created <RelativeTime date={s.createdAt} />
                </span>
              </div>
            </DialogDescription>
          </div>
        </div>
        {viewer.canManage && (
          <div className="mt-5 flex flex-wrap gap-2">
            {availability.allowed ? (
              <Button variant="destructive" size="sm" onClick={() => setRevokeOpen(true)}>
                <BanIcon /> Revoke session
              </Button>
            ) : availability.reason === "current" ? (
              <p className="flex items-center gap-2 rounded-md border bg-subtle px-3 py-1.5 text-[13px] text-muted-foreground">
                <LockIcon className="size-3.5" /> {availability.message}
              </p>
            ) : null}
            <Button variant="outline" size="sm" onClick={() => setRevokeAllOpen(true)}>
              <UserRoundXIcon /> Revoke all of this user's sessions
            </Button>
          </div>
        )}
      </div>

      <div className="flex-1 divide-y overflow-y-auto">
        <Section title="Session">
          <dl className="divide-y divide-border/60">
            <Field label="Session ID" mono>
              <span className="inline-flex items-center gap-1">
                <span className="break-all">{s.id}</span>
                <CopyButton value={s.id} label="Copy session ID" className="size-6" />
              </span>
            </Field>
            <Field label="Token preview" mono>
              {s.tokenPreview}
            </Field>
            <Field label="Kind">
              {s.kind === "console" ? "Console sign-in (auth.login)" : "App session (issued by a service)"}
            </Field>
            {s.kind === "app" && (
              <Field label="Authenticated">
                {s.authenticatedAt ? (
                  <>
                    <RelativeTime date={s.authenticatedAt} />{" "}
                    <span className="text-muted-foreground">
                      · {formatDateTime(s.authenticatedAt)}
                      {s.authMethod ? ` · ${s.authMethod}` : ""}
                    </span>
                  </>
                ) : (
                  "—"
                )}
              </Field>
            )}
            {s.kind === "console" && (
              <Field label="Password last confirmed">
                {s.authenticatedAt ? (
                  <>
                    <RelativeTime date={s.authenticatedAt} />{" "}
                    <span className="text-muted-foreground">· {formatDateTime(s.authenticatedAt)}</span>
                  </>
                ) : (
                  "—"
                )}
              </Field>
            )}
            <Field label="Created">
              {formatDateTime(s.createdAt)}{" "}
              <span className="text-muted-foreground">
                · age <Age since={s.createdAt} />
              </span>
            </Field>
            <Field label="Last seen">
              <RelativeTime date={s.lastSeenAt} />{" "}
              <span className="text-muted-foreground">· {formatDateTime(s.lastSeenAt)}</span>
            </Field>
            <Field label="Expires">
              <RelativeTime date={s.expiresAt} />{" "}
              <span className="text-muted-foreground">· {formatDateTime(s.expiresAt)}</span>
            </Field>
            <Field label="IP address" mono>
              {s.ip ?? "—"}
            </Field>
            <Field label="Device">
              <span className="capitalize">{s.deviceType ?? "unknown"}</span>
            </Field>
            <Field label="User agent" mono>
              <span className="text-xs leading-relaxed text-muted-foreground">{s.userAgent ?? "—"}</span>
            </Field>
            {s.revokedAt && (
              <>
                <Field label="Ended">{formatDateTime(s.endedAt ?? s.revokedAt)}</Field>
                <Field label="How it ended">{endReasonLabel(s.endReason) ?? "Revoked"}</Field>
                <Field label="Revoked by" mono>
                  {s.revokedBy ?? "—"}
                </Field>
                <Field label="Reason">
                  {s.revokeReason ?? <span className="text-muted-foreground">No reason given</span>}
                </Field>
              </>
            )}
          </dl>
        </Section>

        <Section title="User">
          <div className="flex items-center gap-3 py-1">
            <Avatar email={s.user.email} name={s.user.name} className="size-9" />
            <div className="min-w-0 flex-1">
              <Link
                to="/users/$userId"
                params={{ userId: s.user.id }}
                className="block truncate text-sm font-medium hover:underline"
              >
                {s.user.email}
              </Link>
              <div className="truncate text-xs text-muted-foreground">{s.user.name ?? "No name"}</div>
            </div>
            <div className="flex shrink-0 items-center gap-1.5">
              <RoleBadge role={s.user.role} />
              {s.user.status !== "active" && <StatusBadge status={s.user.status} />}
            </div>
          </div>
          <div className="mt-2 text-sm text-muted-foreground">
            {user.data ? (
              <>
                <span className="font-medium text-foreground tabular">{user.data.activeSessions}</span> active{" "}
                {user.data.activeSessions === 1 ? "session" : "sessions"}
              </>
            ) : (
              <Skeleton className="h-4 w-32" />
            )}
          </div>
        </Section>

        <Section title="Other sessions of this user">
          {others.isPending ? (
            <div className="space-y-2">
              {Array.from({ length: 3 }, (_, i) => (
                <Skeleton key={i} className="h-10" />
              ))}
            </div>
          ) : others.isError ? (
            <ErrorState
              message={errorMessage(others.error)}
              onRetry={() => void others.refetch()}
              className="py-4"
            />
          ) : otherSessions.length === 0 ? (
            <p className="py-2 text-sm text-muted-foreground">No other sessions.</p>
          ) : (
            <ul className="-mx-2 space-y-0.5">
              {otherSessions.map((o) => (
                <li key={o.id}>
                  <button
                    type="button"
                    onClick={() => onSelect(o.id)}
                    className="flex w-full items-center gap-3 rounded-md px-2 py-2 text-left outline-none hover:bg-accent/60 focus-visible:ring-2 focus-visible:ring-ring"
                  >
                    <DeviceIcon type={o.deviceType} />
                    <span className="min-w-0 flex-1">
                      <span className="block truncate text-sm">{deviceLabel(o.browser, o.os)}</span>
                      <span className="block truncate font-mono text-xs text-muted-foreground">
                        {o.tokenPreview} · {o.ip ?? "no IP"}
                      </span>
                    </span>
                    <StatusBadge status={o.status} />
                    <RelativeTime
                      date={o.lastSeenAt}
                      short
                      className="w-14 shrink-0 text-right text-xs text-muted-foreground"
                    />
                  </button>
                </li>
              ))}
            </ul>
          )}
        </Section>
      </div>

      {viewer.canManage && (
        <>
          <RevokeSessionDialog session={s} open={revokeOpen} onOpenChange={setRevokeOpen} />
          <RevokeUserSessionsDialog
            user={s.user}
            activeSessions={user.data?.activeSessions ?? 0}
            isSelf={isSelf}
            open={revokeAllOpen}
            onOpenChange={setRevokeAllOpen}
          />
        </>
      )}
    </>
  );
}
