import { CopyButton } from "@/components/bits";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { formatDateTimeFull } from "@/lib/format";
import type { RouterOutputs } from "@/lib/trpc";
import { actionLabel } from "./search";

type AuditEvent = RouterOutputs["audit"]["list"]["items"][number];

/** One audit event whole: every field the table shortens or hides, and its data as JSON. */
export function EventDialog({
  event,
  onOpenChange,
}: {
  event: AuditEvent | null;
  onOpenChange: (open: boolean) => void;
}) {
  const data = event?.data ? JSON.stringify(event.data, null, 2) : null;
  const rows: [string, string | null][] = event
    ? [
        ["When", formatDateTimeFull(event.at)],
        ["Actor", `${event.actorType} ${event.actor}${event.actorName ? ` (${event.actorName})` : ""}`],
        [
          "Target",
          event.target
            ? `${event.targetType ?? ""} ${event.target}${event.targetName ? ` (${event.targetName})` : ""}`
            : null,
        ],
        ["Count", event.count === null ? null : String(event.count)],
        ["IP", event.ip],
        ["Reason", event.reason],
      ]
    : [];
  return (
    <Dialog open={event !== null} onOpenChange={onOpenChange}>
      <DialogContent className="sm:max-w-[640px]" data-testid="audit-event-dialog">
        <DialogHeader>
          <DialogTitle>{event ? actionLabel(event.action) : "Event"}</DialogTitle>
          <DialogDescription>
            Event <span className="font-mono text-[13px] break-all">{event?.id}</span>
          </DialogDescription>
        </DialogHeader>
        <dl className="grid grid-cols-[6rem_1fr] gap-x-3 gap-y-1.5 text-sm">
          {rows.map(([label, value]) => (
            <div key={label} className="contents">
              <dt className="text-muted-foreground">{label}</dt>
              <dd className="min-w-0 font-mono text-xs leading-5 break-all">{value ?? "—"}</dd>
            </div>
          ))}
        </dl>
        {data ? (
          <div className="relative">
            <pre
              tabIndex={0}
              aria-label="Event data"
              className="max-h-[50dvh] overflow-auto rounded-lg border bg-subtle p-3 pr-12 font-mono text-xs leading-relaxed"
            >
              {data}
            </pre>
            <CopyButton value={data} label="Copy data" className="absolute top-2 right-2" />
          </div>
        ) : (
          <p className="text-sm text-muted-foreground">This event carries no data.</p>
        )}
      </DialogContent>
    </Dialog>
  );
}
