import { CopyButton } from "@/components/bits";
import { formatDateTimeFull } from "@/lib/format";
import type { RouterOutputs } from "@/lib/trpc";

type AuditEvent = RouterOutputs["audit"]["list"]["items"][number];

/**
 * One audit event whole, shown in its expanded row: every field the table shortens or hides, and
 * its data as JSON with a copy button (what an investigation pastes into a ticket).
 */
export function EventDetails({ event }: { event: AuditEvent }) {
  const data = event.data ? JSON.stringify(event.data, null, 2) : null;
  const rows: [string, string | null][] = [
    ["Event", event.id],
    ["Action", event.action],
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
  ];
  return (
    <div
      className="grid gap-4 py-2 lg:grid-cols-[minmax(0,22rem)_minmax(0,1fr)]"
      data-testid="audit-event-details"
    >
      <dl className="grid grid-cols-[5rem_minmax(0,1fr)] content-start gap-x-3 gap-y-1.5 text-sm">
        {rows.map(([label, value]) => (
          <div key={label} className="contents">
            <dt className="text-muted-foreground">{label}</dt>
            <dd className="min-w-0 font-mono text-xs leading-5 break-all">{value ?? "—"}</dd>
          </div>
        ))}
      </dl>
      {data ? (
        <div className="relative min-w-0">
          <pre
            tabIndex={0}
            aria-label="Event data"
            className="max-h-80 overflow-auto rounded-lg border bg-background p-3 pr-12 font-mono text-xs leading-relaxed"
          >
            {data}
          </pre>
          <CopyButton value={data} label="Copy data" className="absolute top-2 right-2" />
        </div>
      ) : (
        <p className="text-sm text-muted-foreground">This event carries no data.</p>
      )}
    </div>
  );
}
