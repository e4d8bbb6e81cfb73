import type { Clock } from "../domain/clock.js";

/** A clock tests move by hand, so expiry, idle timeouts and "today" are exact, not raced. */
export class FakeClock implements Clock {
  private ms: number;

  constructor(start: Date | string = "2026-03-10T12:00:00.000Z") {
    this.ms = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.ms);
  }

  set(at: Date | string): void {
    this.ms = new Date(at).getTime();
  }

  advance(ms: number): void {
    this.ms += ms;
  }
}

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
