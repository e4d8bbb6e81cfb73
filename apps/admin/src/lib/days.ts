// Calendar days as the console's URLs carry them: local YYYY-MM-DD, ranges with both ends included.
// The API takes instants with an exclusive end, so a range of days becomes
// [the first day's local midnight, the midnight after the last day).

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A range of local calendar days, either end open. */
export interface DayRange {
  from?: string;
  to?: string;
}

/** A day's local midnight, or null for text that is no calendar day (2024-02-30 is none). */
export function dayStart(day: string): Date | null {
  const match = DAY.exec(day);
  if (!match) return null;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const date = new Date(y, m - 1, d);
  return date.getFullYear() === y && date.getMonth() === m - 1 && date.getDate() === d ? date : null;
}

/** A valid calendar day as YYYY-MM-DD, or undefined. Tolerates surrounding spaces (pasted URLs). */
export function parseDay(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const day = value.trim();
  return dayStart(day) ? day : undefined;
}

/** The local calendar day a date falls on, as YYYY-MM-DD. */
export function toDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The midnight after a day: the exclusive end of a range that includes it, DST or not. */
export function dayAfter(day: string): Date | null {
  const start = dayStart(day);
  return start ? new Date(start.getFullYear(), start.getMonth(), start.getDate() + 1) : null;
}

/** The instants the API takes for a range of days: the first midnight to the midnight after the last day. */
export function dayRange(from?: string, to?: string): { from?: Date; to?: Date } {
  return {
    from: (from && dayStart(from)) || undefined,
    to: (to && dayAfter(to)) || undefined,
  };
}

/** The last `days` days up to and including `today`. */
export function lastDays(days: number, today: Date = new Date()): Required<DayRange> {
  const start = new Date(today.getFullYear(), today.getMonth(), today.getDate() - (days - 1));
  return { from: toDay(start), to: toDay(today) };
}
