import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { getRouteApi, Link, useNavigate } from "@tanstack/react-router";
import { createColumnHelper, useTable } from "@tanstack/react-table";
import { SearchIcon, SearchXIcon, UsersIcon, XIcon } from "lucide-react";
import { useEffect, useState } from "react";
import { USER_ROLES, USER_STATUSES, type UserRole, type UserStatus } from "@sessions/core/vocab";
import {
  Avatar,
  EmptyState,
  ErrorState,
  PageHeader,
  RelativeTime,
  RoleBadge,
  StatusBadge,
} from "@/components/bits";
import { DataTable, tableCore } from "@/components/data-table";
import { Pager, useCursorPages } from "@/components/pager";
import { Card } from "@/components/ui/card";
import { Input, NativeSelect } from "@/components/ui/input";
import { errorMessage } from "@/lib/errors";
import { formatNumber } from "@/lib/format";
import { useLive } from "@/lib/live";
import { useTRPC, type RouterOutputs } from "@/lib/trpc";
import { cn } from "@/lib/utils";
import { USER_ORDERS, type UserOrder, type UsersSearch } from "./search";

type UserRow = RouterOutputs["users"]["list"]["items"][number];

const route = getRouteApi("/app/users");
const helper = createColumnHelper<typeof tableCore, UserRow>();
const PAGE_SIZE = 25;

const columns = helper.columns([
  helper.display({
    id: "user",
    header: "User",
    cell: ({ row }) => (
      <div className="flex min-w-0 items-center gap-2.5">
        <Avatar email={row.original.email} name={row.original.name} />
        <div className="min-w-0">
          <Link
            to="/users/$userId"
            params={{ userId: row.original.id }}
            onClick={(e) => e.stopPropagation()}
            className="block max-w-[18rem] truncate font-medium hover:underline"
          >
            {row.original.email}
          </Link>
          {row.original.name && (
            <div className="max-w-[18rem] truncate text-xs text-muted-foreground">{row.original.name}</div>
          )}
        </div>
      </div>
    ),
  }),
  helper.display({ id: "role", header: "Role", cell: ({ row }) => <RoleBadge role={row.original.role} /> }),
  helper.display({
    id: "status",
    header: "Status",
    cell: ({ row }) => <StatusBadge status={row.original.status} />,
  }),
  helper.display({
    id: "sessions",
    header: "Active sessions",
    cell: ({ row }) => (
      <span className={cn("tabular", row.original.activeSessions === 0 && "text-muted-foreground")}>
        {formatNumber(row.original.activeSessions)}
      </span>
    ),
  }),
  helper.display({
    id: "created",
    header: "Joined",
    cell: ({ row }) => <RelativeTime date={row.original.createdAt} className="text-muted-foreground" />,
  }),
]);

const COLUMN_CLASS: Partial<Record<string, string>> = {
  role: "hidden sm:table-cell",
  created: "hidden md:table-cell",
  sessions: "text-right",
};

const STATUS_LABELS: Record<UserStatus, string> = { active: "Active", disabled: "Disabled" };
const ROLE_LABELS: Record<UserRole, string> = { admin: "Admins", viewer: "Viewers", user: "Users" };
const STATUS_OPTIONS: { value: UsersSearch["status"]; label: string }[] = [
  { value: undefined, label: "All" },
  ...USER_STATUSES.map((value) => ({ value, label: STATUS_LABELS[value] })),
];

export function UsersPage() {
  const trpc = useTRPC();
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const goTo = useNavigate();
  const { refetchInterval } = useLive();
  const [text, setText] = useState(search.q ?? "");
  const [applied, setApplied] = useState(search.q ?? "");
  if ((search.q ?? "") !== applied) {
    setApplied(search.q ?? "");
    setText(search.q ?? "");
  }
  useEffect(() => {
    if (text.trim() === applied) return;
    const t = setTimeout(() => {
      setApplied(text.trim());
      void navigate({ search: { ...search, q: text.trim() || undefined, cursor: undefined }, replace: true });
    }, 300);
    return () => clearTimeout(t);
  }, [text, applied, navigate, search]);

  const list = useQuery(
    trpc.users.list.queryOptions(
      {
        search: search.q,
        status: search.status,
        role: search.role,
        sort: USER_ORDERS[search.sort ?? "newest"],
        limit: PAGE_SIZE,
        cursor: search.cursor ?? null,
      },
      { placeholderData: keepPreviousData, refetchInterval },
    ),
  );
  const items = list.data?.items ?? EMPTY;
  const table = useTable({ features: tableCore, columns, data: items, getRowId: (row) => row.id });
  const pages = useCursorPages(search.cursor, list.data?.nextCursor, (move) => {
    void navigate({ search: { ...search, cursor: move.cursor }, state: move.state });
  });
  const filtered = Boolean(search.q || search.status || search.role);

  return (
    <div>
      <PageHeader
        title="Users"
        description="Everyone who can hold a session, with their active-session counts."
      />
      <Card className="overflow-hidden">
        <div className="flex flex-col gap-3 border-b p-3 sm:flex-row sm:items-center sm:justify-between sm:p-4">
          <div className="relative w-full sm:w-80">
            <SearchIcon
              className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-muted-foreground"
              aria-hidden="true"
            />
            <Input
              type="search"
              aria-label="Search users by email or name"
              placeholder="Search by email or name"
              value={text}
              onChange={(e) => setText(e.target.value)}
              className="pr-9 pl-9 [&::-webkit-search-cancel-button]:hidden"
            />
            {text && (
              <button
                type="button"
                aria-label="Clear search"
                onClick={() => setText("")}
                className="absolute top-1/2 right-2.5 -translate-y-1/2 rounded p-0.5 text-muted-foreground hover:text-foreground"
              >
                <XIcon className="size-3.5" />
              </button>
            )}
          </div>
          <div className="flex flex-wrap items-center gap-2">
            <NativeSelect
              aria-label="Role"
              value={search.role ?? ""}
              onChange={(e) =>
                void navigate({
                  search: {
                    ...search,
                    role: (e.target.value || undefined) as UserRole | undefined,
                    cursor: undefined,
                  },
                })
              }
              className="w-32"
            >
              <option value="">All roles</option>
              {USER_ROLES.map((role) => (
                <option key={role} value={role}>
                  {ROLE_LABELS[role]}
                </option>
              ))}
            </NativeSelect>
            <NativeSelect
              aria-label="Order"
              value={search.sort ?? "newest"}
              onChange={(e) => {
                const order = e.target.value as UserOrder;
                void navigate({
                  search: { ...search, sort: order === "newest" ? undefined : order, cursor: undefined },
                });
              }}
              className="w-36"
            >
              {(Object.keys(USER_ORDERS) as UserOrder[]).map((order) => (
                <option key={order} value={order}>
                  {USER_ORDERS[order].label}
                </option>
              ))}
            </NativeSelect>
            <div
              role="radiogroup"
              aria-label="Status"
              className="inline-flex h-9 w-fit items-center rounded-md border bg-subtle p-0.5"
            >
              {STATUS_OPTIONS.map((option) => {
                const checked = search.status === option.value;
                return (
                  <button
                    key={option.label}
                    type="button"
                    role="radio"
                    aria-checked={checked}
                    onClick={() =>
                      void navigate({ search: { ...search, status: option.value, cursor: undefined } })
                    }
                    className={cn(
                      "h-full rounded-[5px] px-3 text-[13px] font-medium text-muted-foreground outline-none hover:text-foreground focus-visible:ring-2 focus-visible:ring-ring",
                      checked && "bg-background text-foreground shadow-xs ring-1 ring-border",
                    )}
                  >
                    {option.label}
                  </button>
                );
              })}
            </div>
          </div>
        </div>
        {list.isError && !list.data ? (
          <ErrorState message={errorMessage(list.error)} onRetry={() => void list.refetch()} />
        ) : (
          <div className={cn("transition-opacity", list.isPlaceholderData && "opacity-60")}>
            <DataTable
              table={table}
              caption="Users"
              columnClass={COLUMN_CLASS}
              loading={list.isPending}
              onOpen={(u) => void goTo({ to: "/users/$userId", params: { userId: u.id } })}
              rowLabel={(u) => `${u.email}, ${u.activeSessions} active sessions`}
              empty={
                filtered ? (
                  <EmptyState
                    icon={SearchXIcon}
                    title="No users match"
                    description="Try another email, name, role or status."
                  />
                ) : (
                  <EmptyState
                    icon={UsersIcon}
                    title="No users yet"
                    description="Users appear here once they are created through the API."
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
          noun="users"
          onPrevious={pages.previous}
          onNext={pages.next}
        />
      </Card>
    </div>
  );
}

const EMPTY: UserRow[] = [];
