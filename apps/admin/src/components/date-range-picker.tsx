import { CalendarIcon, XIcon } from "lucide-react";
import { useState } from "react";
import { DayPicker } from "react-day-picker";
import "react-day-picker/style.css";
import { Button } from "@/components/ui/button";
import { Popover, PopoverContent, PopoverTrigger } from "@/components/ui/popover";
import { dayStart, lastDays, toDay, type DayRange } from "@/lib/days";
import { formatDay, formatDayLong } from "@/lib/format";
import { useMediaQuery } from "@/lib/use-media-query";
import { cn } from "@/lib/utils";

/**
 * A day cell's accessible name, holding the number it shows ("Tuesday, December 1, 2026"): the
 * library's default says "1st", which is not the visible "1" (axe: label-content-name-mismatch).
 */
function labelDayButton(date: Date, modifiers: { today?: boolean; selected?: boolean }): string {
  const label = formatDayLong(date);
  return `${modifiers.today ? "Today, " : ""}${label}${modifiers.selected ? ", selected" : ""}`;
}

const PRESETS: { label: string; days: number }[] = [
  { label: "Today", days: 1 },
  { label: "Last 7 days", days: 7 },
  { label: "Last 30 days", days: 30 },
  { label: "Last 90 days", days: 90 },
];

/** "Mar 3 – Mar 9", "From Mar 3", "Until Mar 9", "Any time"; the year only when it is not this one. */
export function describeDayRange(range: DayRange, today: Date = new Date()): string {
  const name = (day: string) => formatDay(day, today);
  if (range.from && range.to)
    return range.from === range.to ? name(range.from) : `${name(range.from)} – ${name(range.to)}`;
  if (range.from) return `From ${name(range.from)}`;
  if (range.to) return `Until ${name(range.to)}`;
  return "Any time";
}

/**
 * What a click on a day does. The first click starts a range, the second ends it (either order);
 * a click after a finished range starts a new one rather than stretching the old one, which is
 * what people expect of a filter. `done` is the range to apply, once both ends are known.
 */
export function pickDay(
  draft: DayRange | null,
  day: string,
): { draft: DayRange | null; done?: Required<DayRange> } {
  if (draft?.from && !draft.to) {
    const [from, to] = draft.from <= day ? [draft.from, day] : [day, draft.from];
    return { draft: null, done: { from, to } };
  }
  return { draft: { from: day } };
}

/**
 * A range of calendar days: a button saying the range, opening presets and a calendar
 * (react-day-picker, keyboard-navigable grid). Days after today cannot be picked: sessions and
 * audit events are never in the future.
 */
export function DateRangePicker({
  label,
  value,
  onChange,
  className,
}: {
  /** Visible before the range, and the calendar's name: "Created", "When". */
  label: string;
  value: DayRange;
  onChange: (range: DayRange) => void;
  className?: string;
}) {
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState<DayRange | null>(null);
  const wide = useMediaQuery("(min-width: 640px)");
  const today = new Date();
  const shown = draft ?? value;
  const selected = shown.from
    ? { from: dayStart(shown.from)!, to: shown.to ? dayStart(shown.to)! : undefined }
    : undefined;
  const set = Boolean(value.from || value.to);

  function apply(range: DayRange) {
    setDraft(null);
    setOpen(false);
    onChange(range);
  }

  function onOpenChange(next: boolean) {
    setOpen(next);
    if (!next) setDraft(null); // a half-picked range is dropped, not applied
  }

  // The calendar opens on the range's last month (or this one), with the month before it beside.
  const end = (shown.to && dayStart(shown.to)) || (shown.from && dayStart(shown.from)) || today;
  const defaultMonth = wide ? new Date(end.getFullYear(), end.getMonth() - 1, 1) : end;

  return (
    <div className={cn("flex items-center", className)}>
      <Popover open={open} onOpenChange={onOpenChange}>
        <PopoverTrigger asChild>
          <Button
            variant="outline"
            className={cn("h-9 min-w-0 flex-1 justify-start font-normal", set && "rounded-r-none border-r-0")}
          >
            <CalendarIcon className="text-muted-foreground" />
            <span className="text-muted-foreground">{label}</span>{" "}
            <span className={cn("truncate", set ? "text-foreground" : "text-muted-foreground")}>
              {describeDayRange(value, today)}
            </span>
          </Button>
        </PopoverTrigger>
        <PopoverContent
          className="w-auto max-w-[calc(100vw-1rem)] p-0"
          aria-label={`${label}: pick a range of days`}
        >
          <div className="flex flex-col sm:flex-row">
            <div className="flex flex-wrap gap-1 border-b p-2 sm:w-36 sm:flex-col sm:border-r sm:border-b-0">
              {PRESETS.map((preset) => (
                <Button
                  key={preset.label}
                  variant="ghost"
                  size="sm"
                  className="justify-start"
                  onClick={() => apply(lastDays(preset.days, today))}
                >
                  {preset.label}
                </Button>
              ))}
              <Button variant="ghost" size="sm" className="justify-start" onClick={() => apply({})}>
                Any time
              </Button>
            </div>
            <div className="p-2">
              <DayPicker
                mode="range"
                selected={selected}
                onSelect={(_range, day) => {
                  const next = pickDay(draft, toDay(day));
                  if (next.done) apply(next.done);
                  else setDraft(next.draft);
                }}
                numberOfMonths={wide ? 2 : 1}
                defaultMonth={defaultMonth}
                endMonth={today}
                disabled={{ after: today }}
                showOutsideDays={false}
                autoFocus
                labels={{ labelDayButton }}
                className="sessions-calendar"
              />
              <div className="flex min-h-9 items-center justify-between gap-2 border-t px-1 pt-2 text-[13px] text-muted-foreground">
                <span aria-live="polite">
                  {draft?.from ? "Now pick the last day" : "Pick the first day, then the last"}
                </span>
                {draft?.from && (
                  <Button size="sm" variant="secondary" onClick={() => apply({ from: draft.from })}>
                    From then on
                  </Button>
                )}
              </div>
            </div>
          </div>
        </PopoverContent>
      </Popover>
      {set && (
        <Button
          variant="outline"
          size="icon"
          className="size-9 shrink-0 rounded-l-none"
          aria-label={`Clear the ${label.toLowerCase()} range`}
          onClick={() => onChange({})}
        >
          <XIcon />
        </Button>
      )}
    </div>
  );
}
