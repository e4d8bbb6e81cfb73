import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { getRouteApi, Link } from "@tanstack/react-router";
import { createColumnHelper, useTable } from "@tanstack/react-table";
import {
  BotIcon,
  ChevronRightIcon,
  KeyRoundIcon,
  ScrollTextIcon,
  SearchXIcon,
  TerminalIcon,
  XIcon,
} from "lucide-react";
import { useMemo, useState, type FormEvent } from "react";
import { AUDIT_ACTIONS } from "@sessions/core/vocab";
import { EmptyState, ErrorState, PageHeader, RelativeTime } from "@/components/bits";
import { DateRangePicker } from "@/components/date-range-picker";
import { ExportMenu } from "@/components/export-menu";
import { FiltersSheet } from "@/components/filters-sheet";
import { DataTable, detailRowId, tableCore } from "@/components/data-table";
import { Pager, useCursorPages } from "@/components/pager";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Input, NativeSelect } from "@/components/ui/input";
import { dayRange } from "@/lib/days";
import { errorMessage } from "@/lib/errors";
import { exportUrl } from "@/lib/export-url";
import { formatNumber, shortId } from "@/lib/format";
import { useLive } from "@/lib/live";
import { useTRPC, type RouterOutputs } from "@/lib/trpc";
import { cn } from "@/lib/utils";
import { endReasonLabel } from "@/lib/end-reasons";
import { EventDetails } from "./event-details";
import { actionLabel, actionTone, isAuditAction } from "./search";

type AuditEvent = RouterOutputs["audit"]["list"]["items"][number];

const route = getRouteApi("/app/audit");
const helper = createColumnHelper<typeof tableCore, AuditEvent>();
const PAGE_SIZE = 50;

function ActionBadge({ action }: { action: string }) {
  const tone = actionTone(action);
  return (
    <Badge variant={tone === "destructive" ? "destructive" : tone === "success" ? "success" : "secondary"}>
      {actionLabel(action)}
    </Badge>
  );
}

export function AuditPage() {
  const trpc = useTRPC();
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const { refetchInterval } = useLive();
  const [actorText, setActorText] = useState(search.actor ?? "");
  const [appliedActor, setAppliedActor] = useState(search.actor ?? "");
  if ((search.actor ?? "") !== appliedActor) {
    setAppliedActor(search.actor ?? "");
    setActorText(search.actor ?? "");
  }

  // An email in the actor filter is looked up; the log itself is keyed by actor id.
  const actorIsEmail = Boolean(search.actor?.includes("@"));
  const actorLookup = useQuery(
    trpc.users.list.queryOptions(
      { search: search.actor, limit: 10 },
      { enabled: actorIsEmail, staleTime: 60_000 },
    ),
  );
  const actorId = actorIsEmail
    ? actorLookup.data?.items.find((u) => u.email.toLowerCase() === search.actor?.toLowerCase())?.id
    : search.actor;
  const actorUnknown = actorIsEmail && actorLookup.isSuccess && !actorId;

  const range = dayRange(search.from, search.to);
  // Expanded rows, by event id: several can be open at once, to compare events side by side.
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => new Set());
  const toggle = (event: AuditEvent) =>
    setExpanded((open) => {
      const next = new Set(open);
      if (!next.delete(event.id)) next.add(event.id);
      return next;
    });
  const list = useQuery(
    trpc.audit.list.queryOptions(
      {
        action: search.action,
        actor: actorId,
        target: search.target,
        from: range.from,
        to: range.to,
        limit: PAGE_SIZE,
        cursor: search.cursor ?? null,
      },
      { placeholderData: keepPreviousData, refetchInterval, enabled: !actorIsEmail || actorLookup.isSuccess },
    ),
  );
  const items = useMemo(() => (actorUnknown ? [] : (list.data?.items ?? [])), [actorUnknown, list.data]);

  const columns = helper.columns([
    helper.display({
      id: "expand",
      header: () => <span className="sr-only">Details</span>,
      cell: ({ row }) => {
        const open = expanded.has(row.original.id);
        // The row itself toggles too (click, Enter): this button carries the state for assistive
        // technology, out of the tab order so a page of 50 rows is not 100 tab stops.
        return (
          <button
            type="button"
            tabIndex={-1}
            aria-expanded={open}
            aria-controls={open ? detailRowId(row.original.id) : undefined}
            aria-label={open ? "Hide details" : "Show details"}
            onClick={(event) => {
              event.stopPropagation();
              toggle(row.original);
            }}
            className="flex rounded p-0.5 text-muted-foreground hover:text-foreground"
          >
            <ChevronRightIcon className={cn("size-4 transition-transform", open && "rotate-90")} />
          </button>
        );
      },
    }),
    helper.display({
      id: "at",
      header: "When",
      cell: ({ row }) => <RelativeTime date={row.original.at} className="text-muted-foreground" />,
    }),
    helper.display({
      id: "actor",
      header: "Actor",
      cell: ({ row }) => {
        const e = row.original;
        if (e.actorType === "system" || e.actorType === "cli") {
          // The server's own jobs, or an operator at the host's shell (`pnpm sessions`).
          return (
            <span className="flex items-center gap-1.5 text-muted-foreground">
              {e.actorType === "cli" ? (
                <TerminalIcon className="size-3.5" />
              ) : (
                <BotIcon className="size-3.5" />
              )}
              {e.actorType === "cli" ? "CLI" : "System"}
            </span>
          );
        }
        // actorName comes with each event: the user's email or the API key's name.
        if (e.actorType === "api_key") {
          return (
            <span className="flex min-w-0 items-center gap-1.5" title={`API key ${e.actor}`}>
              <KeyRoundIcon className="size-3.5 shrink-0 text-muted-foreground" aria-label="API key" />
              {e.actorName ? (
                <span className="max-w-[13rem] truncate">{e.actorName}</span>
              ) : (
                <span className="font-mono text-xs text-muted-foreground">{shortId(e.actor)}</span>
              )}
            </span>
          );
        }
        return (
          <Link
            to="/users/$userId"
            params={{ userId: e.actor }}
            className={cn(
              "block max-w-[14rem] truncate hover:underline",
              !e.actorName && "font-mono text-xs",
            )}
          >
            {e.actorName ?? shortId(e.actor)}
          </Link>
        );
      },
    }),
    helper.display({
      id: "action",
      header: "Action",
      cell: ({ row }) => <ActionBadge action={row.original.action} />,
    }),
    helper.display({
      id: "target",
      header: "Target",
      cell: ({ row }) => {
        const e = row.original;
        if (!e.target)
          return (
            <span className="text-muted-foreground">
              {e.count !== null ? `${formatNumber(e.count)} sessions` : "—"}
            </span>
          );
        if (e.targetType === "user") {
          return (
            <Link
              to="/users/$userId"
              params={{ userId: e.target }}
              className={cn(
                "block max-w-[14rem] truncate hover:underline",
                !e.targetName && "font-mono text-xs",
              )}
            >
              {e.targetName ?? shortId(e.target)}
            </Link>
          );
        }
        if (e.targetType === "session") {
          return (
            <Link
              to="/sessions"
              search={{ status: "all", session: e.target }}
              className="font-mono text-xs hover:underline"
            >
              session {shortId(e.target)}
            </Link>
          );
        }
        if (e.targetType === "webhook") {
          // The endpoint's page (a deleted one says it is gone), named by the URL its event recorded.
          const url = typeof e.data?.url === "string" ? e.data.url : null;
          return (
            <Link
              to="/webhooks/$endpointId"
              params={{ endpointId: e.target }}
              className="block max-w-[14rem] truncate text-muted-foreground hover:underline"
              title={url ?? undefined}
            >
              Webhook <span className="font-mono text-xs">{url ?? shortId(e.target)}</span>
            </Link>
          );
        }
        if (e.targetType === "api_key") {
          return (
            <span className="text-muted-foreground">
              API key <span className="font-mono text-xs">{shortId(e.target)}</span>
            </span>
          );
        }
        return (
          <span className="font-mono text-xs text-muted-foreground">{`${e.targetType ?? ""} ${shortId(e.target)}`}</span>
        );
      },
    }),
    helper.display({
      id: "count",
      header: "Count",
      cell: ({ row }) => (
        <span className="tabular">
          {row.original.count === null ? "—" : formatNumber(row.original.count)}
        </span>
      ),
    }),
    helper.display({
      id: "ip",
      header: "IP",
      cell: ({ row }) => (
        <span className="font-mono text-xs text-muted-foreground">{row.original.ip ?? "—"}</span>
      ),
    }),
    helper.display({
      id: "reason",
      header: "Reason",
      cell: ({ row }) => {
        // A revocation's event carries how the sessions ended (data.endReason), besides any free text.
        const raw = row.original.data?.endReason;
        const ended = endReasonLabel(typeof raw === "string" ? raw : null);
        const { reason } = row.original;
        if (!ended && !reason) return <span className="text-muted-foreground">—</span>;
        const title = [ended, reason].filter(Boolean).join(" · ");
        return (
          <span className="block max-w-[18rem] truncate" title={title}>
            {ended && <span data-testid="audit-end-reason">{ended}</span>}
            {ended && reason ? <span className="text-muted-foreground"> · </span> : null}
            {reason}
          </span>
        );
      },
    }),
  ]);

  const table = useTable({ features: tableCore, columns, data: items, getRowId: (row) => row.id });
  const pages = useCursorPages(search.cursor, actorUnknown ? null : list.data?.nextCursor, (move) => {
    void navigate({ search: { ...search, cursor: move.cursor }, state: move.state });
  });
  const filtered = Boolean(search.action || search.actor || search.target || search.from || search.to);
  const actions: string[] =
    search.action && !isAuditAction(search.action) ? [search.action, ...AUDIT_ACTIONS] : [...AUDIT_ACTIONS];

  function applyActor(event: FormEvent) {
    event.preventDefault();
    setAppliedActor(actorText.trim());
    void navigate({ search: { ...search, actor: actorText.trim() || undefined, cursor: undefined } });
  }

  return (
    <div>
      <PageHeader
        title="Audit log"
        description="Who did what to which session or user, when, from where, and why."
        actions={
          <ExportMenu
            href={(format) =>
              exportUrl("/api/v1/audit/export", format, {
                // The list's own filter, range included: the file holds exactly what the table shows.
                action: search.action,
                actor: actorId,
                target: search.target,
                from: range.from,
                to: range.to,
              })
            }
          />
        }
      />
      <Card className="overflow-hidden">
        <div className="flex flex-col gap-3 border-b p-3 sm:flex-row sm:flex-wrap sm:items-center sm:p-4">
          <form onSubmit={applyActor} className="flex w-full gap-2 sm:w-auto">
            <Input
              aria-label="Actor (email or id)"
              placeholder="Actor email or id"
              value={actorText}
              onChange={(e) => setActorText(e.target.value)}
              className="sm:w-64"
            />
            <Button type="submit" variant="secondary">
              Filter
            </Button>
          </form>
          <FiltersSheet
            active={[search.action, search.from ?? search.to].filter(Boolean).length}
            onClear={() =>
              void navigate({
                search: { ...search, action: undefined, from: undefined, to: undefined, cursor: undefined },
              })
            }
          >
            <NativeSelect
              aria-label="Action"
              value={search.action ?? ""}
              onChange={(e) =>
                void navigate({
                  search: { ...search, action: e.target.value || undefined, cursor: undefined },
                })
              }
              className="w-full sm:w-56"
            >
              <option value="">All actions</option>
              {actions.map((a) => (
                <option key={a} value={a}>
                  {actionLabel(a)}
                </option>
              ))}
            </NativeSelect>
            <DateRangePicker
              label="When"
              value={{ from: search.from, to: search.to }}
              onChange={({ from, to }) =>
                void navigate({ search: { ...search, from, to, cursor: undefined } })
              }
              className="w-full sm:w-auto"
            />
          </FiltersSheet>
          {search.target && (
            <Button
              variant="secondary"
              size="sm"
              className="h-9"
              aria-label={`Remove the target filter ${search.target}`}
              onClick={() => void navigate({ search: { ...search, target: undefined, cursor: undefined } })}
            >
              Target {shortId(search.target)} <XIcon />
            </Button>
          )}
          {filtered && (
            <Button
              variant="ghost"
              size="sm"
              className="h-9 text-muted-foreground sm:ml-auto"
              onClick={() => void navigate({ search: {} })}
            >
              <XIcon /> Clear filters
            </Button>
          )}
        </div>
        {list.isError && !list.data ? (
          <ErrorState message={errorMessage(list.error)} onRetry={() => void list.refetch()} />
        ) : (
          <div className={cn("transition-opacity", list.isPlaceholderData && "opacity-60")}>
            <DataTable
              table={table}
              caption="Audit events"
              onOpen={toggle}
              detail={(e) => (expanded.has(e.id) ? <EventDetails event={e} /> : null)}
              rowLabel={(e) => `${actionLabel(e.action)}, details ${expanded.has(e.id) ? "shown" : "hidden"}`}
              loading={list.isPending || (actorIsEmail && actorLookup.isPending)}
              columnClass={{
                expand: "w-8 pr-0",
                ip: "hidden lg:table-cell",
                count: "hidden md:table-cell",
                reason: "hidden md:table-cell",
              }}
              empty={
                actorUnknown ? (
                  <EmptyState
                    icon={SearchXIcon}
                    title="No user with that email"
                    description="Check the spelling, or filter by an id."
                  />
                ) : filtered ? (
                  <EmptyState
                    icon={SearchXIcon}
                    title="No events match"
                    description="Try another action, actor or time range."
                  />
                ) : (
                  <EmptyState
                    icon={ScrollTextIcon}
                    title="Nothing has happened yet"
                    description="Every revoke, sign-out and change is recorded here."
                  />
                )
              }
            />
          </div>
        )}
        <Pager
          page={pages.page}
          hasPrevious={pages.hasPrevious}
          hasNext={pages.hasNext}
          shown={items.length}
          pageSize={PAGE_SIZE}
          noun="events"
          onPrevious={pages.previous}
          onNext={pages.next}
        />
      </Card>
    </div>
  );
}
