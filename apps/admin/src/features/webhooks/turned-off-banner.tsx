// The warning at the top of the webhooks screen when the dispatcher has turned endpoints off: their
// receivers miss every event until someone notices, so it says so before anything else.
import { Link } from "@tanstack/react-router";
import { PowerIcon, ZapOffIcon } from "lucide-react";
import { RelativeTime } from "@/components/bits";
import { Button } from "@/components/ui/button";
import { plural } from "@/lib/format";
import type { WebhookEndpoint } from "./types";
import { useSetEnabled } from "./use-webhook-actions";

function TurnBackOn({ endpoint }: { endpoint: WebhookEndpoint }) {
  const setEnabled = useSetEnabled();
  return (
    <Button
      size="xs"
      variant="outline"
      disabled={setEnabled.isPending}
      onClick={() => setEnabled.mutate({ id: endpoint.id, enabled: true })}
      aria-label={`Turn back on ${endpoint.url}`}
    >
      <PowerIcon aria-hidden="true" /> Turn back on
    </Button>
  );
}

export function TurnedOffBanner({
  endpoints,
  canManage,
}: {
  endpoints: readonly WebhookEndpoint[];
  canManage: boolean;
}) {
  if (endpoints.length === 0) return null;
  return (
    <section
      aria-labelledby="turned-off-title"
      data-testid="turned-off-banner"
      className="mb-6 rounded-xl border border-destructive/30 bg-destructive/5 p-4"
    >
      <div className="flex items-start gap-3">
        <ZapOffIcon className="mt-0.5 size-5 shrink-0 text-destructive" aria-hidden="true" />
        <div className="min-w-0 flex-1 space-y-1">
          <h2 id="turned-off-title" className="text-sm font-semibold">
            {endpoints.length === 1
              ? "An endpoint was turned off because its deliveries kept failing"
              : `${plural(endpoints.length, "endpoint")} were turned off because their deliveries kept failing`}
          </h2>
          <p className="text-[13px] text-muted-foreground">
            The dispatcher stops sending to an endpoint that has failed without a success for too long. It
            gets no events while off.{" "}
            {canManage
              ? "Fix the receiver and check it with a test event (sent even while off), then turn it back on: its failures are forgotten and new events are sent."
              : "An admin can turn it back on once the receiver is fixed."}
          </p>
          <ul className="mt-3 space-y-2">
            {endpoints.map((endpoint) => (
              <li key={endpoint.id} className="flex flex-wrap items-center gap-x-3 gap-y-1.5 text-sm">
                <Link
                  to="/webhooks/$endpointId"
                  params={{ endpointId: endpoint.id }}
                  className="min-w-0 truncate font-mono text-[13px] hover:underline"
                >
                  {endpoint.url}
                </Link>
                <span className="text-xs text-muted-foreground">
                  off since <RelativeTime date={endpoint.updatedAt} />
                </span>
                {canManage && <TurnBackOn endpoint={endpoint} />}
              </li>
            ))}
          </ul>
        </div>
      </div>
    </section>
  );
}
