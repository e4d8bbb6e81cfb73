import { Badge } from "@/components/ui/badge";

export function EventBadges({ events }: { events: readonly string[] }) {
  return (
    <div className="flex max-w-[22rem] flex-wrap gap-1">
      {events.map((event) => (
        <Badge key={event} variant="outline" className="font-mono text-[11px] font-normal">
          {event}
        </Badge>
      ))}
    </div>
  );
}
