// The webhooks screen: every endpoint with its status and events, the dispatcher's warning when it
// turned one off, and (admins) adding, turning on and off, testing, editing and deleting.
import { useQuery } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { createColumnHelper, useTable } from "@tanstack/react-table";
import { MoreHorizontalIcon, PencilIcon, PlusIcon, SendIcon, Trash2Icon, WebhookIcon } from "lucide-react";
import { useState } from "react";
import { LIMITS } from "@sessions/core/vocab";
import { EmptyState, ErrorState, PageHeader, RelativeTime } from "@/components/bits";
import { DataTable, tableCore } from "@/components/data-table";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";
import { Tooltip } from "@/components/ui/tooltip";
import { errorMessage } from "@/lib/errors";
import { formatNumber } from "@/lib/format";
import { useTRPC } from "@/lib/trpc";
import { useViewer } from "@/lib/viewer";
import { CreateWebhookDialog } from "./create-webhook-dialog";
import { DeleteWebhookDialog } from "./delete-webhook-dialog";
import { EditWebhookDialog } from "./edit-webhook-dialog";
import { EnabledSwitch } from "./enabled-switch";
import { EventBadges } from "./event-badges";
import { EndpointStatusBadge } from "./status-badges";
import { turnedOffByDispatcher, WEBHOOKS_POLL_MS } from "./status";
import { TurnedOffBanner } from "./turned-off-banner";
import type { WebhookEndpoint } from "./types";
import { useSendTest } from "./use-webhook-actions";

const helper = createColumnHelper<typeof tableCore, WebhookEndpoint>();
const EMPTY: WebhookEndpoint[] = [];

function RowActions({
  endpoint,
  onEdit,
  onDelete,
}: {
  endpoint: WebhookEndpoint;
  onEdit: () => void;
  onDelete: () => void;
}) {
  const sendTest = useSendTest({ showLog: true });
  return (
    <DropdownMenu>
      <DropdownMenuTrigger asChild>
        <Button variant="ghost" size="icon-sm" aria-label={`Actions for ${endpoint.url}`}>
          <MoreHorizontalIcon />
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent align="end">
        <DropdownMenuItem onSelect={() => sendTest.mutate({ id: endpoint.id })} disabled={sendTest.isPending}>
          <SendIcon /> Send test event
        </DropdownMenuItem>
        <DropdownMenuItem onSelect={onEdit}>
          <PencilIcon /> Edit
        </DropdownMenuItem>
        <DropdownMenuSeparator />
        <DropdownMenuItem variant="destructive" onSelect={onDelete}>
          <Trash2Icon /> Delete
        </DropdownMenuItem>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}

export function WebhooksPage() {
  const trpc = useTRPC();
  const viewer = useViewer();
  const [createOpen, setCreateOpen] = useState(false);
  const [editing, setEditing] = useState<WebhookEndpoint | null>(null);
  const [deleting, setDeleting] = useState<WebhookEndpoint | null>(null);
  const list = useQuery(trpc.webhooks.list.queryOptions(undefined, { refetchInterval: WEBHOOKS_POLL_MS }));
  const endpoints = list.data?.items ?? EMPTY;
  const atLimit = endpoints.length >= LIMITS.webhookEndpoints;

  const columns = helper.columns([
    helper.display({
      id: "endpoint",
      header: "Endpoint",
      cell: ({ row }) => (
        <div className="flex min-w-0 items-center gap-2.5">
          <span className="flex size-7 shrink-0 items-center justify-center rounded-md border bg-subtle">
            <WebhookIcon className="size-3.5 text-muted-foreground" aria-hidden="true" />
          </span>
          <span className="min-w-0">
            <Link
              to="/webhooks/$endpointId"
              params={{ endpointId: row.original.id }}
              className="block max-w-[26rem] truncate font-mono text-[13px] font-medium hover:underline"
              title={row.original.url}
            >
              {row.original.url}
            </Link>
            {row.original.description && (
              <span className="block max-w-[26rem] truncate text-xs text-muted-foreground">
                {row.original.description}
              </span>
            )}
          </span>
        </div>
      ),
    }),
    helper.display({
      id: "events",
      header: "Events",
      cell: ({ row }) => <EventBadges events={row.original.events} />,
    }),
    helper.display({
      id: "status",
      header: "Status",
      cell: ({ row }) => (
        <div className="space-y-1">
          <EndpointStatusBadge endpoint={row.original} />
          {row.original.status === "failing" && row.original.failingSince && (
            <span className="block text-xs text-muted-foreground">
              since <RelativeTime date={row.original.failingSince} />
            </span>
          )}
        </div>
      ),
    }),
    helper.display({
      id: "created",
      header: "Created",
      cell: ({ row }) => <RelativeTime date={row.original.createdAt} className="text-muted-foreground" />,
    }),
    ...(viewer.canManage
      ? [
          helper.display({
            id: "enabled",
            header: "On",
            cell: ({ row }) => (
              <EnabledSwitch endpoint={row.original} label={`Enabled: ${row.original.url}`} />
            ),
          }),
          helper.display({
            id: "actions",
            header: () => <span className="sr-only">Actions</span>,
            cell: ({ row }) => (
              <RowActions
                endpoint={row.original}
                onEdit={() => setEditing(row.original)}
                onDelete={() => setDeleting(row.original)}
              />
            ),
          }),
        ]
      : []),
  ]);
  const table = useTable({ features: tableCore, columns, data: endpoints, getRowId: (row) => row.id });

  const addButton = viewer.canManage ? (
    atLimit ? (
      <Tooltip content={`At most ${LIMITS.webhookEndpoints} endpoints: delete one first.`}>
        {/* A disabled button takes no pointer events; the span keeps the tooltip reachable. */}
        <span tabIndex={0} className="rounded-md outline-none focus-visible:ring-2 focus-visible:ring-ring">
          <Button disabled>
            <PlusIcon /> Add endpoint
          </Button>
        </span>
      </Tooltip>
    ) : (
      <Button onClick={() => setCreateOpen(true)}>
        <PlusIcon /> Add endpoint
      </Button>
    )
  ) : null;

  return (
    <div>
      <PageHeader
        title="Webhooks"
        description={
          <>
            Endpoints your services run, told by a signed POST when sessions and users change.
            {list.isSuccess && endpoints.length > 0 && (
              <span className="tabular">
                {" "}
                {formatNumber(endpoints.length)} of {formatNumber(LIMITS.webhookEndpoints)} endpoints.
              </span>
            )}
          </>
        }
        actions={addButton}
      />
      <TurnedOffBanner endpoints={turnedOffByDispatcher(endpoints)} canManage={viewer.canManage} />
      <Card className="overflow-hidden">
        {list.isError ? (
          <ErrorState message={errorMessage(list.error)} onRetry={() => void list.refetch()} />
        ) : (
          <DataTable
            table={table}
            caption="Webhook endpoints"
            loading={list.isPending}
            skeletonRows={3}
            columnClass={{
              events: "hidden md:table-cell",
              created: "hidden lg:table-cell",
              enabled: "w-14",
              actions: "w-12 text-right",
            }}
            rowClass={(e) => (e.enabled ? undefined : "bg-subtle/60")}
            empty={
              <EmptyState
                icon={WebhookIcon}
                title="No webhook endpoints yet"
                description={
                  viewer.canManage
                    ? "Add one to tell a service when sessions end or users are disabled, instead of it asking."
                    : "An admin can add endpoints that are told when sessions and users change."
                }
                action={
                  viewer.canManage && (
                    <Button size="sm" onClick={() => setCreateOpen(true)}>
                      <PlusIcon /> Add endpoint
                    </Button>
                  )
                }
              />
            }
          />
        )}
      </Card>
      {viewer.canManage && (
        <>
          <CreateWebhookDialog open={createOpen} onOpenChange={setCreateOpen} />
          <EditWebhookDialog endpoint={editing} onOpenChange={(open) => !open && setEditing(null)} />
          <DeleteWebhookDialog endpoint={deleting} onOpenChange={(open) => !open && setDeleting(null)} />
        </>
      )}
    </div>
  );
}
