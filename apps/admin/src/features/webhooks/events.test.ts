import { describe, expect, it } from "vitest";
import { EVENTS, eventDescription, toggleEvent } from "./events";

describe("events", () => {
  it("describes every event, and the test event the log shows", () => {
    for (const e of EVENTS) expect(e.description.length).toBeGreaterThan(10);
    expect(eventDescription("webhook.test")).toMatch(/test/);
    expect(eventDescription("something.else")).toBeUndefined();
  });

  it("toggles keeping core's order", () => {
    expect(toggleEvent(["user.enabled"], "session.created", true)).toEqual([
      "session.created",
      "user.enabled",
    ]);
    expect(toggleEvent(["session.created", "user.enabled"], "session.created", false)).toEqual([
      "user.enabled",
    ]);
  });
});
