// Times, durations and numbers as people read them, through Intl (no locale data shipped).

const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto", style: "long" });
const relativeShort = new Intl.RelativeTimeFormat("en", { numeric: "always", style: "narrow" });
const dateTime = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });
const dateTimeFull = new Intl.DateTimeFormat("en", { dateStyle: "full", timeStyle: "long" });
const dayMonth = new Intl.DateTimeFormat("en", { month: "short", day: "numeric" });
const dayMonthYear = new Intl.DateTimeFormat("en", { month: "short", day: "numeric", year: "numeric" });
const dayLong = new Intl.DateTimeFormat("en", {
  weekday: "long",
  month: "long",
  day: "numeric",
  year: "numeric",
});
const shortDateTime = new Intl.DateTimeFormat("en", {
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});
const integer = new Intl.NumberFormat("en-US");
const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
  ["second", 1],
];

/** "3 minutes ago", "in 2 days", "now". */
export function relativeTime(date: Date, now: Date = new Date(), short = false): string {
  const seconds = Math.round((date.getTime() - now.getTime()) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return short ? "now" : "just now";
  for (const [unit, size] of UNITS) {
    if (abs >= size || unit === "second") {
      const value = Math.round(seconds / size);
      return (short ? relativeShort : relative).format(value, unit);
    }
  }
  return relative.format(seconds, "second");
}

/** "4d 3h", "2h 5m", "45s": the two largest units. */
export function duration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return h > 0 ? `${d}d ${h}h` : `${d}d`;
  if (h > 0) return m > 0 ? `${h}h ${m}m` : `${h}h`;
  if (m > 0) return `${m}m`;
  return `${s}s`;
}

export function formatDateTime(date: Date): string {
  return dateTime.format(date);
}

export function formatDateTimeFull(date: Date): string {
  return dateTimeFull.format(date);
}

/** "Mar 4, 14:05": compact enough for a table cell. */
export function formatShortDate(date: Date): string {
  return shortDateTime.format(date);
}

/** "Mar 4" for a YYYY-MM-DD day; "Mar 4, 2025" when `today` is given and the year is another. */
export function formatDay(day: string, today?: Date): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return (today && today.getFullYear() !== y ? dayMonthYear : dayMonth).format(new Date(y, m - 1, d));
}

/** "Tuesday, December 1, 2026": a calendar cell's name, with the number the cell shows. */
export function formatDayLong(date: Date): string {
  return dayLong.format(date);
}

export function formatNumber(n: number): string {
  return integer.format(n);
}

export function formatCompact(n: number): string {
  return compact.format(n);
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${formatNumber(count)} ${count === 1 ? one : many}`;
}

/** A short, still-unique-looking form of a UUID for tables. */
export function shortId(id: string): string {
  return id.length > 12 ? `${id.slice(0, 8)}…${id.slice(-4)}` : id;
}
