// An endpoint's delivery log (webhooks.deliveries): newest first, a page at a time ("Load more"
// follows the keyset cursor), kept current by polling.
import { useInfiniteQuery } from "@tanstack/react-query";
import { createColumnHelper, useTable } from "@tanstack/react-table";
import { FileJsonIcon, InboxIcon, Loader2Icon, RotateCcwIcon } from "lucide-react";
import { useState } from "react";
import { CopyButton, EmptyState, ErrorState, RelativeTime } from "@/components/bits";
import { DataTable, tableCore } from "@/components/data-table";
import { Button } from "@/components/ui/button";
import { Card, CardDescription, CardHeader } from "@/components/ui/card";
import { Tooltip } from "@/components/ui/tooltip";
import { errorMessage } from "@/lib/errors";
import { useTRPC } from "@/lib/trpc";
import { eventDescription } from "./events";
import { PayloadDialog } from "./payload-dialog";
import { canRedeliver, shortDeliveryId } from "./status";
import { DeliveryStatusBadge } from "./status-badges";
import type { WebhookDelivery } from "./types";
import { useRedeliver } from "./use-webhook-actions";

const helper = createColumnHelper<typeof tableCore, WebhookDelivery>();
const PAGE_SIZE = 25;
/**
 * Deliveries come from changes made anywhere (a sign-in, a revoke by a service) and their outcomes
 * from the dispatcher, none of which this screen hears of: it looks again every few seconds, and
 * sooner while one is still to be sent.
 */
const POLL_MS = 5_000;
const PENDING_POLL_MS = 1_500;
const EMPTY: WebhookDelivery[] = [];

function RedeliverButton({ delivery }: { delivery: WebhookDelivery }) {
  const redeliver = useRedeliver();
  return (
    <Button
      variant="outline"
      size="xs"
      disabled={redeliver.isPending}
      onClick={() => redeliver.mutate({ deliveryId: delivery.id })}
      aria-label={`Redeliver ${delivery.type} ${delivery.id}`}
    >
      {redeliver.isPending ? (
        <Loader2Icon className="animate-spin" aria-hidden="true" />
      ) : (
        <RotateCcwIcon aria-hidden="true" />
      )}
      Redeliver
    </Button>
  );
}

export function DeliveryLog({ endpointId, canManage }: { endpointId: string; canManage: boolean }) {
  const trpc = useTRPC();
  const [viewing, setViewing] = useState<WebhookDelivery | null>(null);
  const deliveries = useInfiniteQuery(
    trpc.webhooks.deliveries.infiniteQueryOptions(
      { endpointId, limit: PAGE_SIZE },
      {
        getNextPageParam: (page) => page.nextCursor ?? undefined,
        refetchInterval: (query) =>
          query.state.data?.pages.some((p) => p.items.some((d) => d.status === "pending"))
            ? PENDING_POLL_MS
            : POLL_MS,
      },
    ),
  );
  const items = deliveries.data?.pages.flatMap((p) => p.items) ?? EMPTY;

  const columns = helper.columns([
    helper.display({
      id: "type",
      header: "Event",
      cell: ({ row }) => (
        <span className="font-mono text-[13px]" title={eventDescription(row.original.type)}>
          {row.original.type}
        </span>
      ),
    }),
    helper.display({
      id: "status",
      header: "Status",
      cell: ({ row }) => <DeliveryStatusBadge delivery={row.original} />,
    }),
    helper.display({
      id: "attempts",
      header: "Attempts",
      cell: ({ row }) => <span className="tabular">{row.original.attempts}</span>,
    }),
    helper.display({
      id: "code",
      header: "Response",
      cell: ({ row }) =>
        row.original.lastStatusCode === null ? (
          <span className="text-muted-foreground">—</span>
        ) : (
          <span className="font-mono text-xs tabular">{row.original.lastStatusCode}</span>
        ),
    }),
    helper.display({
      id: "error",
      header: "Last error",
      cell: ({ row }) =>
        row.original.lastError ? (
          <span
            className="block max-w-[16rem] truncate text-xs text-destructive"
            title={row.original.lastError}
          >
            {row.original.lastError}
          </span>
        ) : (
          <span className="text-muted-foreground">—</span>
        ),
    }),
    helper.display({
      id: "next",
      header: "Next attempt",
      cell: ({ row }) => <RelativeTime date={row.original.nextAttemptAt} className="text-muted-foreground" />,
    }),
    helper.display({
      id: "created",
      header: "Created",
      cell: ({ row }) => <RelativeTime date={row.original.createdAt} className="text-muted-foreground" />,
    }),
    helper.display({
      id: "id",
      header: "Webhook-id",
      cell: ({ row }) => (
        <span className="flex items-center gap-1">
          <code className="font-mono text-xs text-muted-foreground" title={row.original.id}>
            {shortDeliveryId(row.original.id)}
          </code>
          <CopyButton
            value={row.original.id}
            label={`Copy webhook-id ${row.original.id}`}
            className="size-7"
          />
        </span>
      ),
    }),
    helper.display({
      id: "actions",
      header: () => <span className="sr-only">Actions</span>,
      cell: ({ row }) => (
        <span className="flex items-center justify-end gap-1">
          <Tooltip content="View payload">
            <Button
              variant="ghost"
              size="icon-sm"
              aria-label={`View payload of ${row.original.type} ${row.original.id}`}
              onClick={() => setViewing(row.original)}
            >
              <FileJsonIcon />
            </Button>
          </Tooltip>
          {canManage && canRedeliver(row.original) && <RedeliverButton delivery={row.original} />}
        </span>
      ),
    }),
  ]);
  const table = useTable({ features: tableCore, columns, data: items, getRowId: (row) => row.id });

  return (
    <Card className="overflow-hidden">
      <CardHeader className="pb-4">
        {/* An h2 under the page's h1 (CardTitle is an h3, for cards inside sections). */}
        <h2 className="text-sm font-semibold tracking-tight">Delivery log</h2>
        <CardDescription>
          Newest first. A delivery keeps its webhook-id on every retry and redelivery, so receivers can drop
          duplicates.
        </CardDescription>
      </CardHeader>
      {deliveries.isError ? (
        <ErrorState message={errorMessage(deliveries.error)} onRetry={() => void deliveries.refetch()} />
      ) : (
        <div className="border-t">
          <DataTable
            table={table}
            caption="Deliveries to this endpoint"
            loading={deliveries.isPending}
            skeletonRows={4}
            columnClass={{
              attempts: "hidden sm:table-cell",
              error: "hidden lg:table-cell",
              next: "hidden xl:table-cell",
              id: "hidden md:table-cell",
              actions: "text-right",
            }}
            empty={
              <EmptyState
                icon={InboxIcon}
                title="No deliveries yet"
                description={
                  canManage
                    ? "Events this endpoint subscribes to appear here as they happen. Send a test event to try it."
                    : "Events this endpoint subscribes to appear here as they happen."
                }
              />
            }
          />
        </div>
      )}
      {deliveries.hasNextPage && (
        <div className="border-t p-3 text-center">
          <Button
            variant="ghost"
            size="sm"
            onClick={() => void deliveries.fetchNextPage()}
            disabled={deliveries.isFetchingNextPage}
          >
            {deliveries.isFetchingNextPage ? "Loading…" : "Load more"}
          </Button>
        </div>
      )}
      <PayloadDialog delivery={viewing} onOpenChange={(open) => !open && setViewing(null)} />
    </Card>
  );
}
