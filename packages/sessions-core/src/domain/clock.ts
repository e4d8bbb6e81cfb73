/** Where the service gets the time; tests inject a FakeClock (see ../testing). */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
