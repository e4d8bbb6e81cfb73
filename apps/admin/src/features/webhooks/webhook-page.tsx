// One endpoint: what it subscribes to and its state, the admin's changes (on/off, test, edit,
// delete), and its delivery log. Reached from the list and from the audit log's webhook targets.
import { useQuery } from "@tanstack/react-query";
import { getRouteApi, Link, useNavigate } from "@tanstack/react-router";
import { ArrowLeftIcon, PencilIcon, SendIcon, Trash2Icon, WebhookIcon } from "lucide-react";
import { useId, useState } from "react";
import { CopyButton, EmptyState, ErrorState, Field, PageHeader, RelativeTime } from "@/components/bits";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader } from "@/components/ui/card";
import { Label } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { errorCode, errorMessage } from "@/lib/errors";
import { formatDateTime, shortId } from "@/lib/format";
import { useTRPC } from "@/lib/trpc";
import { useViewer } from "@/lib/viewer";
import { DeleteWebhookDialog } from "./delete-webhook-dialog";
import { DeliveryLog } from "./delivery-log";
import { EditWebhookDialog } from "./edit-webhook-dialog";
import { EnabledSwitch } from "./enabled-switch";
import { EVENTS } from "./events";
import { EndpointStatusBadge } from "./status-badges";
import { DISABLED_BY_DISPATCHER, endpointStatusView, WEBHOOKS_POLL_MS } from "./status";
import type { WebhookEndpoint } from "./types";
import { useSendTest } from "./use-webhook-actions";

const route = getRouteApi("/app/webhooks/$endpointId");

function BackLink() {
  return (
    <Link
      to="/webhooks"
      className="mb-4 inline-flex items-center gap-1.5 rounded text-[13px] text-muted-foreground outline-none hover:text-foreground focus-visible:ring-2 focus-visible:ring-ring"
    >
      <ArrowLeftIcon className="size-3.5" aria-hidden="true" /> Webhooks
    </Link>
  );
}

function EnabledControl({ endpoint }: { endpoint: WebhookEndpoint }) {
  const id = useId();
  return (
    <div className="flex h-9 items-center gap-2 rounded-md border px-3">
      <Label htmlFor={id} className="text-[13px]">
        Enabled
      </Label>
      <EnabledSwitch endpoint={endpoint} id={id} />
    </div>
  );
}

/** The service's actor label ("user:<id>", "api_key:<id>", "system", "cli") as people read it. */
function CreatedBy({ label }: { label: string | null }) {
  const [type, id] = label?.split(/:(.*)/s) ?? [];
  if (type === "user" && id)
    return (
      <Link to="/users/$userId" params={{ userId: id }} className="hover:underline">
        User <span className="font-mono text-xs">{shortId(id)}</span>
      </Link>
    );
  if (type === "api_key" && id)
    return (
      <span>
        API key <span className="font-mono text-xs">{shortId(id)}</span>
      </span>
    );
  if (type === "cli") return <span>The CLI</span>;
  return <span>{label ?? "—"}</span>;
}

function Details({ endpoint }: { endpoint: WebhookEndpoint }) {
  const subscribed = EVENTS.filter((e) => endpoint.events.includes(e.value));
  return (
    <Card className="h-fit">
      <CardHeader>
        <h2 className="text-sm font-semibold tracking-tight">Details</h2>
      </CardHeader>
      <CardContent className="pt-3">
        <dl className="divide-y">
          <Field label="Status">
            <span className="block">{endpointStatusView(endpoint).description}</span>
            {endpoint.failingSince && (
              <span className="block text-xs text-muted-foreground">
                Failing since {formatDateTime(endpoint.failingSince)}
              </span>
            )}
          </Field>
          <Field label="Events">
            <ul className="space-y-1.5">
              {subscribed.map((e) => (
                <li key={e.value}>
                  <span className="block font-mono text-[13px]">{e.value}</span>
                  <span className="block text-xs text-muted-foreground">{e.description}</span>
                </li>
              ))}
            </ul>
          </Field>
          <Field label="Added by">
            <CreatedBy label={endpoint.createdBy} />
          </Field>
          <Field label="Added">
            <RelativeTime date={endpoint.createdAt} />
          </Field>
          <Field label="Changed">
            <RelativeTime date={endpoint.updatedAt} />
          </Field>
          <Field label="Endpoint ID" mono>
            <span className="flex items-center gap-1">
              <span className="min-w-0 truncate text-xs">{endpoint.id}</span>
              <CopyButton value={endpoint.id} label="Copy endpoint ID" className="size-7" />
            </span>
          </Field>
        </dl>
        <p className="mt-4 rounded-md border bg-subtle px-3 py-2 text-xs leading-relaxed text-muted-foreground">
          Each delivery carries webhook-id, webhook-timestamp and webhook-signature headers (Standard
          Webhooks), signed with the secret shown when the endpoint was added. It is never shown again.
        </p>
      </CardContent>
    </Card>
  );
}

export function WebhookPage() {
  const trpc = useTRPC();
  const { endpointId } = route.useParams();
  const viewer = useViewer();
  const navigate = useNavigate();
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const sendTest = useSendTest();
  const endpoint = useQuery(
    trpc.webhooks.get.queryOptions({ id: endpointId }, { refetchInterval: WEBHOOKS_POLL_MS }),
  );

  if (endpoint.isPending) {
    return (
      <div className="space-y-6" aria-busy="true" aria-label="Loading">
        <Skeleton className="h-7 w-96 max-w-full" />
        <Skeleton className="h-72 rounded-xl" />
      </div>
    );
  }
  if (endpoint.isError) {
    // A deleted endpoint, or a link from the audit log to one that is gone.
    if (errorCode(endpoint.error) === "NOT_FOUND" || errorCode(endpoint.error) === "BAD_REQUEST") {
      return (
        <EmptyState
          icon={WebhookIcon}
          title="Endpoint not found"
          description="This webhook endpoint doesn't exist or was deleted."
          action={
            <Button asChild variant="outline" size="sm">
              <Link to="/webhooks">Back to webhooks</Link>
            </Button>
          }
        />
      );
    }
    return <ErrorState message={errorMessage(endpoint.error)} onRetry={() => void endpoint.refetch()} />;
  }
  const e = endpoint.data;

  return (
    <div>
      <BackLink />
      <PageHeader
        title={<span className="block font-mono text-lg break-all sm:text-xl">{e.url}</span>}
        actions={
          viewer.canManage && (
            <>
              <EnabledControl endpoint={e} />
              <Button
                variant="outline"
                onClick={() => sendTest.mutate({ id: e.id })}
                disabled={sendTest.isPending}
              >
                <SendIcon /> Send test event
              </Button>
              <Button variant="outline" onClick={() => setEditing(true)}>
                <PencilIcon /> Edit
              </Button>
              <Button variant="destructive" onClick={() => setDeleting(true)}>
                <Trash2Icon /> Delete
              </Button>
            </>
          )
        }
      >
        <div className="flex flex-wrap items-center gap-2 pt-1 text-sm text-muted-foreground">
          <EndpointStatusBadge endpoint={e} />
          <span>{e.description ?? "No description"}</span>
        </div>
      </PageHeader>
      {e.disabledReason === DISABLED_BY_DISPATCHER && !e.enabled && (
        <p
          className="mb-6 rounded-lg border border-destructive/30 bg-destructive/5 px-4 py-3 text-sm"
          data-testid="turned-off-note"
        >
          The dispatcher turned this endpoint off after its deliveries kept failing; it gets no events.
          {viewer.canManage
            ? " Fix the receiver, check it with a test event (sent even while off), then switch it back on: its failures are forgotten."
            : " An admin can turn it back on."}
        </p>
      )}
      <div className="grid gap-4 sm:gap-6 xl:grid-cols-[minmax(0,1fr)_340px]">
        <DeliveryLog endpointId={e.id} canManage={viewer.canManage} />
        <Details endpoint={e} />
      </div>
      {viewer.canManage && (
        <>
          <EditWebhookDialog endpoint={editing ? e : null} onOpenChange={setEditing} />
          <DeleteWebhookDialog
            endpoint={deleting ? e : null}
            onOpenChange={setDeleting}
            onDeleted={() => void navigate({ to: "/webhooks" })}
          />
        </>
      )}
    </div>
  );
}
