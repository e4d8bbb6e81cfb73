import { useQuery } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import {
  ArrowUpRightIcon,
  BanIcon,
  CalendarPlusIcon,
  HourglassIcon,
  MonitorSmartphoneIcon,
  UsersIcon,
  type LucideIcon,
} from "lucide-react";
import { lazy, Suspense, type ReactNode } from "react";
import { Avatar, DeviceIcon, deviceLabel, ErrorState, PageHeader, RelativeTime } from "@/components/bits";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { errorMessage } from "@/lib/errors";
import { formatNumber } from "@/lib/format";
import { useLive } from "@/lib/live";
import { useTRPC, type RouterOutputs } from "@/lib/trpc";
import { cn } from "@/lib/utils";
import { CleanupCard } from "./cleanup-card";

// The chart (uPlot) loads after the numbers are on screen.
const SessionsChart = lazy(() => import("./sessions-chart"));

type Stats = RouterOutputs["sessions"]["stats"];

interface StatDef {
  key: "totalActive" | "uniqueUsers" | "sessionsToday" | "expiredSessions" | "revokedToday";
  label: string;
  hint: string;
  icon: LucideIcon;
  link?: { to: "/sessions" | "/users"; search?: Record<string, string> };
}

const STATS: StatDef[] = [
  {
    key: "totalActive",
    label: "Active sessions",
    hint: "Signed in right now",
    icon: MonitorSmartphoneIcon,
    link: { to: "/sessions" },
  },
  {
    key: "uniqueUsers",
    label: "Unique users",
    hint: "With an active session",
    icon: UsersIcon,
    link: { to: "/users" },
  },
  {
    key: "sessionsToday",
    label: "Sessions today",
    hint: "Created since midnight",
    icon: CalendarPlusIcon,
    link: { to: "/sessions", search: { status: "all" } },
  },
  {
    key: "expiredSessions",
    label: "Expired",
    hint: "Awaiting cleanup",
    icon: HourglassIcon,
    link: { to: "/sessions", search: { status: "expired" } },
  },
  {
    key: "revokedToday",
    label: "Revoked today",
    hint: "Ended by an operator or sign-out",
    icon: BanIcon,
    link: { to: "/sessions", search: { status: "revoked" } },
  },
];

function StatCard({ def, stats, loading }: { def: StatDef; stats: Stats | undefined; loading: boolean }) {
  const value = stats?.[def.key];
  const body = (
    <Card className="group relative h-full overflow-hidden p-4 transition-colors hover:border-foreground/15 sm:p-5">
      <div className="flex items-center justify-between">
        <span className="text-[13px] font-medium text-muted-foreground">{def.label}</span>
        <def.icon className="size-4 text-muted-foreground/70" aria-hidden="true" />
      </div>
      <div className="mt-3 text-2xl font-semibold tracking-tight tabular sm:text-[28px]" data-stat={def.key}>
        {loading || value === undefined ? <Skeleton className="h-8 w-20" /> : formatNumber(value)}
      </div>
      <p className="mt-1 text-xs text-muted-foreground">{def.hint}</p>
      {def.link && (
        <ArrowUpRightIcon
          className="absolute top-4 right-9 size-3.5 text-muted-foreground opacity-0 transition-opacity group-hover:opacity-100"
          aria-hidden="true"
        />
      )}
    </Card>
  );
  if (!def.link) return body;
  return (
    <Link
      to={def.link.to}
      search={def.link.search ?? {}}
      className="rounded-xl outline-none focus-visible:ring-2 focus-visible:ring-ring focus-visible:ring-offset-2 focus-visible:ring-offset-background"
    >
      {body}
    </Link>
  );
}

function Breakdown({
  title,
  description,
  items,
  total,
  loading,
  filterKey,
}: {
  title: string;
  description: string;
  items: { name: string; count: number }[] | undefined;
  total: number;
  loading: boolean;
  filterKey: "browser" | "os";
}) {
  const max = Math.max(1, ...(items ?? []).map((i) => i.count));
  return (
    <Card>
      <CardHeader>
        <CardTitle>{title}</CardTitle>
        <CardDescription>{description}</CardDescription>
      </CardHeader>
      <CardContent className="pt-4">
        {loading ? (
          <div className="space-y-2.5">
            {Array.from({ length: 5 }, (_, i) => (
              <Skeleton key={i} className="h-7" style={{ width: `${90 - i * 14}%` }} />
            ))}
          </div>
        ) : !items || items.length === 0 ? (
          <p className="py-6 text-center text-sm text-muted-foreground">No active sessions yet.</p>
        ) : (
          <ul className="space-y-1.5">
            {items.map((item) => (
              <li key={item.name}>
                <Link
                  to="/sessions"
                  search={{ [filterKey]: item.name }}
                  className="relative flex h-8 items-center justify-between overflow-hidden rounded-md px-2.5 text-sm outline-none hover:bg-accent/60 focus-visible:ring-2 focus-visible:ring-ring"
                >
                  <span
                    aria-hidden="true"
                    className="absolute inset-y-0 left-0 rounded-md bg-brand/10 dark:bg-brand/20"
                    style={{ width: `${(item.count / max) * 100}%` }}
                  />
                  <span className="relative truncate">{item.name}</span>
                  <span className="relative ml-3 shrink-0 text-muted-foreground tabular">
                    {formatNumber(item.count)}
                    <span className="ml-2 inline-block w-10 text-right text-xs">
                      {total > 0 ? `${Math.round((item.count / total) * 100)}%` : ""}
                    </span>
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </CardContent>
    </Card>
  );
}

function RecentSessions() {
  const trpc = useTRPC();
  const { refetchInterval } = useLive();
  const query = useQuery(
    trpc.sessions.listActive.queryOptions(
      { limit: 6, filter: { status: "active" }, sort: { by: "createdAt", dir: "desc" } },
      { refetchInterval },
    ),
  );
  return (
    <Card className="flex flex-col">
      <CardHeader className="flex-row items-center justify-between">
        <div className="space-y-1">
          <CardTitle>Latest sign-ins</CardTitle>
          <CardDescription>The newest active sessions</CardDescription>
        </div>
        <Link
          to="/sessions"
          className="rounded text-[13px] font-medium text-muted-foreground hover:text-foreground"
        >
          View all
        </Link>
      </CardHeader>
      <CardContent className="flex-1 pt-3">
        {query.isPending ? (
          <div className="space-y-3">
            {Array.from({ length: 6 }, (_, i) => (
              <Skeleton key={i} className="h-9" />
            ))}
          </div>
        ) : query.isError ? (
          <ErrorState
            message={errorMessage(query.error)}
            onRetry={() => void query.refetch()}
            className="py-6"
          />
        ) : query.data.items.length === 0 ? (
          <p className="py-6 text-center text-sm text-muted-foreground">No active sessions.</p>
        ) : (
          <ul className="-mx-2 divide-y divide-border/60">
            {query.data.items.map((s) => (
              <li key={s.id}>
                <Link
                  to="/sessions"
                  search={{ session: s.id }}
                  className="flex items-center gap-3 rounded-md px-2 py-2 outline-none hover:bg-accent/50 focus-visible:ring-2 focus-visible:ring-ring"
                >
                  <Avatar email={s.user.email} name={s.user.name} />
                  <span className="min-w-0 flex-1">
                    <span className="block truncate text-sm font-medium">{s.user.email}</span>
                    <span className="flex items-center gap-1.5 truncate text-xs text-muted-foreground">
                      <DeviceIcon type={s.deviceType} className="size-3" /> {deviceLabel(s.browser, s.os)}
                    </span>
                  </span>
                  <RelativeTime date={s.createdAt} short className="shrink-0 text-xs text-muted-foreground" />
                </Link>
              </li>
            ))}
          </ul>
        )}
      </CardContent>
    </Card>
  );
}

function ChartCard({ children, stats }: { children: ReactNode; stats: Stats | undefined }) {
  const total = stats?.createdPerDay.reduce((sum, d) => sum + d.count, 0);
  return (
    <Card className="flex flex-col lg:col-span-2">
      <CardHeader className="flex-row items-start justify-between">
        <div className="space-y-1">
          <CardTitle>Sessions created</CardTitle>
          <CardDescription>Per day, last 30 days{stats ? ` · ${stats.timezone}` : ""}</CardDescription>
        </div>
        <div className="text-right">
          <div className="text-lg font-semibold tabular">
            {total === undefined ? "—" : formatNumber(total)}
          </div>
          <div className="text-xs text-muted-foreground">in 30 days</div>
        </div>
      </CardHeader>
      <CardContent className="flex min-h-[260px] flex-1 flex-col pt-2">{children}</CardContent>
    </Card>
  );
}

export function DashboardPage() {
  const trpc = useTRPC();
  const { refetchInterval } = useLive();
  const stats = useQuery(trpc.sessions.stats.queryOptions(undefined, { refetchInterval }));
  const loading = stats.isPending;
  const data = stats.data;

  return (
    <div>
      <PageHeader
        title="Overview"
        description={
          data ? (
            <>
              Updated <RelativeTime date={data.generatedAt} />
            </>
          ) : (
            "How sessions look right now"
          )
        }
      />
      {stats.isError ? (
        <Card>
          <ErrorState message={errorMessage(stats.error)} onRetry={() => void stats.refetch()} />
        </Card>
      ) : (
        <div className="space-y-4 sm:space-y-6">
          <section aria-label="Key figures" className="grid grid-cols-2 gap-3 sm:gap-4 lg:grid-cols-5">
            {STATS.map((def, i) => (
              <div key={def.key} className={cn(i === 0 && "col-span-2 lg:col-span-1")}>
                <StatCard def={def} stats={data} loading={loading} />
              </div>
            ))}
          </section>
          <div className="grid gap-4 sm:gap-6 lg:grid-cols-3">
            <ChartCard stats={data}>
              <div className="min-h-[260px] flex-1">
                {data ? (
                  <Suspense fallback={<Skeleton className="h-full w-full" />}>
                    <SessionsChart data={data.createdPerDay} />
                  </Suspense>
                ) : (
                  <Skeleton className="h-full w-full" />
                )}
              </div>
            </ChartCard>
            <RecentSessions />
          </div>
          <div className="grid gap-4 sm:gap-6 lg:grid-cols-2">
            <Breakdown
              title="Browsers"
              description="Active sessions by browser"
              items={data?.byBrowser}
              total={data?.totalActive ?? 0}
              loading={loading}
              filterKey="browser"
            />
            <Breakdown
              title="Operating systems"
              description="Active sessions by OS"
              items={data?.byOs}
              total={data?.totalActive ?? 0}
              loading={loading}
              filterKey="os"
            />
          </div>
          <CleanupCard />
        </div>
      )}
    </div>
  );
}
