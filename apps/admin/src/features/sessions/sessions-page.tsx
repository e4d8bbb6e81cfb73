import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { getRouteApi } from "@tanstack/react-router";
import { createColumnHelper, useTable } from "@tanstack/react-table";
import {
  ArrowDownIcon,
  ArrowUpDownIcon,
  ArrowUpIcon,
  BanIcon,
  MonitorSmartphoneIcon,
  SearchXIcon,
  Trash2Icon,
} from "lucide-react";
import { useCallback, useMemo, useState } from "react";
import type { SessionSortKey } from "@sessions/core/vocab";
import {
  Age,
  Avatar,
  ConsoleBadge,
  DeviceIcon,
  deviceLabel,
  EmptyState,
  ErrorState,
  PageHeader,
  RelativeTime,
  StatusBadge,
} from "@/components/bits";
import { ColumnPicker } from "@/components/column-picker";
import { ExportMenu } from "@/components/export-menu";
import { DataTable, tableCore } from "@/components/data-table";
import { Pager, useCursorPages } from "@/components/pager";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { CurrentSessionLock } from "@/components/current-session-lock";
import { Tooltip } from "@/components/ui/tooltip";
import { errorMessage } from "@/lib/errors";
import { formatDateTimeFull, formatNumber, formatShortDate } from "@/lib/format";
import { useLive } from "@/lib/live";
import { PHONE, useMediaQuery } from "@/lib/use-media-query";
import { useStoredColumns } from "@/lib/use-stored-columns";
import { useTRPC, type RouterOutputs } from "@/lib/trpc";
import { cn } from "@/lib/utils";
import { useViewer, type ViewerInfo } from "@/lib/viewer";
import { bulkAvailability, revokeAvailability } from "./confirm-rules";
import { FiltersBar, type FiltersPatch } from "./filters-bar";
import { MatchingCount } from "./matching-count";
import { BulkRevokeDialog, RevokeSessionDialog } from "./revoke-dialogs";
import {
  clearFilters,
  hasActiveFilters,
  nextSort,
  PAGE_SIZES,
  parseSessionsSearch,
  serializeSessionsSearch,
  sessionsExportUrl,
  toListInput,
  toSessionFilter,
  updateSessionsSearch,
  type SessionsSearch,
} from "./search";
import { SessionDrawer } from "./session-drawer";

type SessionInfo = RouterOutputs["sessions"]["listActive"]["items"][number];

const route = getRouteApi("/app/sessions");
const helper = createColumnHelper<typeof tableCore, SessionInfo>();

const SORT_LABELS: Record<SessionSortKey, string> = {
  createdAt: "Created",
  lastSeenAt: "Last seen",
  expiresAt: "Expires",
};

function SortHeader({
  sortKey,
  search,
  onSort,
}: {
  sortKey: SessionSortKey;
  search: SessionsSearch;
  onSort: (key: SessionSortKey) => void;
}) {
  const active = search.sort === sortKey;
  const Icon = !active ? ArrowUpDownIcon : search.dir === "asc" ? ArrowUpIcon : ArrowDownIcon;
  return (
    <button
      type="button"
      onClick={() => onSort(sortKey)}
      aria-label={`Sort by ${SORT_LABELS[sortKey].toLowerCase()}${active ? (search.dir === "asc" ? ", ascending" : ", descending") : ""}`}
      className={cn(
        "-mx-1.5 inline-flex items-center gap-1 rounded px-1.5 py-1 outline-none hover:text-foreground focus-visible:ring-2 focus-visible:ring-ring",
        active && "text-foreground",
      )}
    >
      {SORT_LABELS[sortKey]}
      <Icon className={cn("size-3", !active && "opacity-50")} aria-hidden="true" />
    </button>
  );
}

function RowActions({
  session,
  viewer,
  onRevoke,
}: {
  session: SessionInfo;
  viewer: ViewerInfo;
  onRevoke: (s: SessionInfo) => void;
}) {
  if (!viewer.canManage) return null;
  const availability = revokeAvailability(session, viewer);
  if (availability.allowed) {
    return (
      <Tooltip content="Revoke session">
        <Button
          variant="ghost"
          size="icon-sm"
          className="text-muted-foreground hover:bg-destructive/10 hover:text-destructive"
          aria-label={`Revoke session ${session.tokenPreview} of ${session.user.email}`}
          onClick={(e) => {
            e.stopPropagation();
            onRevoke(session);
          }}
          onKeyDown={(e) => e.stopPropagation()}
        >
          <BanIcon />
        </Button>
      </Tooltip>
    );
  }
  if (availability.reason === "current") {
    return <CurrentSessionLock message={availability.message} />;
  }
  return null;
}

function UserCell({ session }: { session: SessionInfo }) {
  return (
    <div className="flex min-w-0 items-center gap-2.5">
      <Avatar email={session.user.email} name={session.user.name} />
      <div className="min-w-0">
        <div className="flex items-center gap-2">
          <span className="max-w-[13rem] truncate font-medium">{session.user.email}</span>
          {session.isCurrent && (
            <Badge variant="brand" className="shrink-0">
              This session
            </Badge>
          )}
        </div>
        {session.user.name && (
          <div className="max-w-[13rem] truncate text-xs text-muted-foreground">{session.user.name}</div>
        )}
      </div>
    </div>
  );
}

/**
 * The columns a person may hide (the user and the row's actions always show). Until someone picks,
 * a column with `from` shows only from that width up (`hidden` is its class below it; the class is
 * spelled out whole for Tailwind, `minWidth` is the same breakpoint for the picker's ticks); once
 * they pick, exactly their choice shows (the table scrolls sideways if it must), kept per browser.
 */
const OPTIONAL_COLUMNS: readonly {
  id: string;
  label: string;
  from?: { className: string; minWidth: number };
}[] = [
  { id: "session", label: "Session and IP", from: { className: "hidden lg:table-cell", minWidth: 1024 } },
  { id: "device", label: "Device" },
  { id: "createdAt", label: "Created" },
  { id: "lastSeenAt", label: "Last seen", from: { className: "hidden lg:table-cell", minWidth: 1024 } },
  // Beside the 14rem sidebar, an xl (1280px) window leaves ~1,050px: seven columns fit, not eight.
  { id: "expiresAt", label: "Expires", from: { className: "hidden 2xl:table-cell", minWidth: 1536 } },
  { id: "status", label: "Status" },
];
const OPTIONAL_IDS = OPTIONAL_COLUMNS.map((c) => c.id);
const COLUMNS_STORAGE_KEY = "sessions.table.columns";
const ACTIONS_CLASS = { actions: "w-12 text-right" };
const COLUMN_CLASS: Partial<Record<string, string>> = {
  ...Object.fromEntries(OPTIONAL_COLUMNS.flatMap((c) => (c.from ? [[c.id, c.from.className]] : []))),
  ...ACTIONS_CLASS,
};

/** One session as a card, for phone-width screens where a table does not fit. */
function SessionCard({
  session,
  viewer,
  onOpen,
  onRevoke,
}: {
  session: SessionInfo;
  viewer: ViewerInfo;
  onOpen: () => void;
  onRevoke: (s: SessionInfo) => void;
}) {
  return (
    <li className="flex items-start gap-3 px-4 py-3.5" data-row-id={session.id}>
      <button
        type="button"
        onClick={onOpen}
        className="flex min-w-0 flex-1 items-start gap-3 text-left outline-none focus-visible:ring-2 focus-visible:ring-ring rounded-md"
      >
        <Avatar email={session.user.email} name={session.user.name} className="mt-0.5" />
        <span className="min-w-0 flex-1 space-y-1">
          <span className="flex items-center gap-2">
            <span className="truncate text-sm font-medium">{session.user.email}</span>
            {session.isCurrent && <Badge variant="brand">This session</Badge>}
            {session.kind === "console" && <ConsoleBadge />}
          </span>
          <span className="flex items-center gap-1.5 text-xs text-muted-foreground">
            <DeviceIcon type={session.deviceType} className="size-3.5" />
            {deviceLabel(session.browser, session.os)}
            <span className="font-mono">· {session.tokenPreview}</span>
          </span>
          <span className="flex items-center gap-2 text-xs text-muted-foreground">
            <StatusBadge status={session.status} />
            <span>
              Seen <RelativeTime date={session.lastSeenAt} />
            </span>
          </span>
        </span>
      </button>
      <RowActions session={session} viewer={viewer} onRevoke={onRevoke} />
    </li>
  );
}

export function SessionsPage() {
  const trpc = useTRPC();
  const raw = route.useSearch();
  const navigate = route.useNavigate();
  const search = useMemo(() => parseSessionsSearch(raw), [raw]);
  const viewer = useViewer();
  const { refetchInterval } = useLive();
  const isPhone = useMediaQuery(PHONE);
  const [revoking, setRevoking] = useState<SessionInfo | null>(null);
  const [bulkOpen, setBulkOpen] = useState(false);
  const picked = useStoredColumns(COLUMNS_STORAGE_KEY, OPTIONAL_IDS);
  // What the picker shows as checked before any choice: the columns this screen width shows.
  const lg = useMediaQuery("(min-width: 1024px)");
  const xxl = useMediaQuery("(min-width: 1536px)");
  const shownByDefault = OPTIONAL_COLUMNS.filter((c) => !c.from || (c.from.minWidth === 1536 ? xxl : lg)).map(
    (c) => c.id,
  );

  const list = useQuery(
    trpc.sessions.listActive.queryOptions(toListInput(search), {
      placeholderData: keepPreviousData,
      refetchInterval,
    }),
  );
  const count = useQuery(trpc.sessions.count.queryOptions(undefined, { refetchInterval }));
  // "N matching": the same filter as the list, any status; live like the list (events or polling).
  // Bounded work on any table size: exact, or "10,000+" (sessions.countMatching).
  const matching = useQuery(
    trpc.sessions.countMatching.queryOptions(
      { filter: toSessionFilter(search) },
      { placeholderData: keepPreviousData, refetchInterval },
    ),
  );
  const pages = useCursorPages(search.cursor, list.data?.nextCursor, (move) => {
    void navigate({
      search: serializeSessionsSearch({ ...search, cursor: move.cursor }),
      state: move.state,
    });
  });

  const apply = useCallback(
    (patch: FiltersPatch & { size?: string; sort?: string; dir?: string }) => {
      void navigate({
        search: serializeSessionsSearch(updateSessionsSearch(search, patch)),
        replace: "q" in patch,
      });
    },
    [navigate, search],
  );
  const onSort = useCallback((key: SessionSortKey) => apply(nextSort(search, key)), [apply, search]);
  const openSession = useCallback(
    // Opening a session keeps the page's history state, so Previous still knows the earlier pages.
    (id: string | undefined) =>
      void navigate({ search: serializeSessionsSearch({ ...search, session: id }), state: (prev) => prev }),
    [navigate, search],
  );

  const columns = useMemo(
    () =>
      helper.columns([
        helper.display({
          id: "user",
          header: "User",
          cell: ({ row }) => <UserCell session={row.original} />,
        }),
        helper.display({
          id: "session",
          header: "Session",
          cell: ({ row }) => (
            <div className="leading-tight">
              <span className="flex items-center gap-1.5">
                <code className="font-mono text-xs">{row.original.tokenPreview}</code>
                {row.original.kind === "console" && <ConsoleBadge />}
              </span>
              <div className="mt-0.5 font-mono text-[11px] text-muted-foreground">
                {row.original.ip ?? "no IP"}
              </div>
            </div>
          ),
        }),
        helper.display({
          id: "device",
          header: "Device",
          cell: ({ row }) => (
            <span className="flex items-center gap-2.5">
              <DeviceIcon type={row.original.deviceType} />
              <span className="min-w-0 leading-tight">
                <span className="block max-w-[8.5rem] truncate">
                  {row.original.browser ?? "Unknown browser"}
                </span>
                <span className="block max-w-[8.5rem] truncate text-xs text-muted-foreground">
                  {row.original.os ?? "Unknown OS"}
                </span>
              </span>
            </span>
          ),
        }),
        helper.display({
          id: "createdAt",
          header: () => <SortHeader sortKey="createdAt" search={search} onSort={onSort} />,
          cell: ({ row }) => (
            <div className="leading-tight">
              <time
                dateTime={row.original.createdAt.toISOString()}
                title={formatDateTimeFull(row.original.createdAt)}
                className="tabular"
              >
                {formatShortDate(row.original.createdAt)}
              </time>
              <div className="mt-0.5 text-xs text-muted-foreground tabular">
                <Age since={row.original.createdAt} /> old
              </div>
            </div>
          ),
        }),
        helper.display({
          id: "lastSeenAt",
          header: () => <SortHeader sortKey="lastSeenAt" search={search} onSort={onSort} />,
          cell: ({ row }) => (
            <RelativeTime date={row.original.lastSeenAt} className="text-muted-foreground" />
          ),
        }),
        helper.display({
          id: "expiresAt",
          header: () => <SortHeader sortKey="expiresAt" search={search} onSort={onSort} />,
          cell: ({ row }) => <RelativeTime date={row.original.expiresAt} className="text-muted-foreground" />,
        }),
        helper.display({
          id: "status",
          header: "Status",
          cell: ({ row }) => <StatusBadge status={row.original.status} />,
        }),
        helper.display({
          id: "actions",
          header: () => <span className="sr-only">Actions</span>,
          cell: ({ row }) => <RowActions session={row.original} viewer={viewer} onRevoke={setRevoking} />,
        }),
      ]),
    [search, onSort, viewer],
  );

  const items = list.data?.items ?? EMPTY;
  const shownColumns = useMemo(() => {
    const visible = picked.visible;
    if (visible === null) return columns;
    return columns.filter((c) => !OPTIONAL_IDS.includes(c.id ?? "") || visible.includes(c.id ?? ""));
  }, [columns, picked.visible]);
  const table = useTable({
    features: tableCore,
    columns: shownColumns,
    data: items,
    getRowId: (row) => row.id,
  });
  const bulk = bulkAvailability(search.status);
  const filtered = hasActiveFilters(search);

  const empty = filtered ? (
    <EmptyState
      icon={SearchXIcon}
      title="No sessions match"
      description="Try a different email, status or date range."
      action={
        <Button variant="outline" size="sm" onClick={() => apply(clearFilters(search))}>
          Clear filters
        </Button>
      }
    />
  ) : (
    <EmptyState
      icon={MonitorSmartphoneIcon}
      title="No active sessions"
      description="Sessions appear here as soon as someone signs in to one of your apps."
    />
  );

  return (
    <div>
      <PageHeader
        title="Sessions"
        description={
          <span className="inline-flex items-center gap-1.5">
            {count.data === undefined ? (
              <Skeleton className="inline-block h-4 w-10 align-middle" />
            ) : (
              <span className="font-medium text-foreground tabular" data-testid="active-count">
                {formatNumber(count.data)}
              </span>
            )}
            active {count.data === 1 ? "session" : "sessions"} in total
          </span>
        }
        actions={
          <>
            <ExportMenu href={(format) => sessionsExportUrl(search, format)} />
            {viewer.canManage && (
              <Tooltip
                content={bulk.allowed ? "Preview and revoke every session the filter matches" : bulk.message}
              >
                <span tabIndex={bulk.allowed ? undefined : 0}>
                  <Button
                    variant="outline"
                    onClick={() => setBulkOpen(true)}
                    disabled={!bulk.allowed}
                    className="text-destructive hover:text-destructive"
                  >
                    <Trash2Icon /> Revoke matching…
                  </Button>
                </span>
              </Tooltip>
            )}
          </>
        }
      />
      <Card className="overflow-hidden">
        <FiltersBar
          search={search}
          onChange={apply}
          summary={
            <div className="flex items-center gap-3">
              <MatchingCount count={matching.data} stale={matching.isPlaceholderData} />
              {!isPhone && (
                <ColumnPicker
                  columns={OPTIONAL_COLUMNS}
                  visible={picked.visible ?? shownByDefault}
                  onChange={picked.write}
                  onReset={() => picked.write(null)}
                />
              )}
            </div>
          }
        />
        {list.isError && !list.data ? (
          <ErrorState message={errorMessage(list.error)} onRetry={() => void list.refetch()} />
        ) : isPhone ? (
          list.isPending ? (
            <div className="space-y-3 p-4">
              {Array.from({ length: 6 }, (_, i) => (
                <Skeleton key={i} className="h-16" />
              ))}
            </div>
          ) : items.length === 0 ? (
            empty
          ) : (
            <ul className="divide-y" aria-label="Sessions">
              {items.map((s) => (
                <SessionCard
                  key={s.id}
                  session={s}
                  viewer={viewer}
                  onOpen={() => openSession(s.id)}
                  onRevoke={setRevoking}
                />
              ))}
            </ul>
          )
        ) : (
          <div className={cn("transition-opacity", list.isPlaceholderData && "opacity-60")}>
            <DataTable
              table={table}
              caption="Sessions"
              columnClass={picked.visible === null ? COLUMN_CLASS : ACTIONS_CLASS}
              loading={list.isPending}
              skeletonRows={Math.min(search.size, 10)}
              onOpen={(s) => openSession(s.id)}
              rowLabel={(s) => `Session ${s.tokenPreview} of ${s.user.email}, ${s.status}`}
              rowClass={(s) => (s.isCurrent ? "bg-brand/[0.03]" : undefined)}
              empty={empty}
            />
          </div>
        )}
        <Pager
          page={pages.page}
          hasPrevious={pages.hasPrevious}
          hasNext={pages.hasNext}
          shown={items.length}
          total={matching.isPlaceholderData || !matching.data?.exact ? undefined : matching.data.count}
          pageSize={search.size}
          pageSizes={PAGE_SIZES}
          onPageSize={(size) => apply({ size: String(size) })}
          noun="sessions"
          onPrevious={pages.previous}
          onNext={pages.next}
        />
      </Card>

      <SessionDrawer
        sessionId={search.session}
        onClose={() => openSession(undefined)}
        onSelect={openSession}
      />
      {viewer.canManage && (
        <>
          <RevokeSessionDialog
            session={revoking}
            open={revoking !== null}
            onOpenChange={(open) => !open && setRevoking(null)}
          />
          <BulkRevokeDialog search={search} open={bulkOpen} onOpenChange={setBulkOpen} />
        </>
      )}
    </div>
  );
}

const EMPTY: SessionInfo[] = [];
