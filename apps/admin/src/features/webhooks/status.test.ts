import { describe, expect, it } from "vitest";
import {
  canRedeliver,
  shortDeliveryId,
  deliveryStatusView,
  endpointStatusView,
  prettyPayload,
  turnedOffByDispatcher,
} from "./status";

describe("endpoint status", () => {
  it("tells an admin's off from the dispatcher's", () => {
    expect(endpointStatusView({ status: "active", disabledReason: null }).label).toBe("Active");
    expect(endpointStatusView({ status: "failing", disabledReason: null }).variant).toBe("warning");
    expect(endpointStatusView({ status: "disabled", disabledReason: null }).label).toBe("Disabled");
    expect(endpointStatusView({ status: "disabled", disabledReason: "failing" }).label).toBe("Turned off");
  });

  it("banners only the endpoints the dispatcher turned off and that are still off", () => {
    const endpoints = [
      { id: "a", enabled: false, disabledReason: "failing" },
      { id: "b", enabled: false, disabledReason: null },
      { id: "c", enabled: true, disabledReason: null },
    ];
    expect(turnedOffByDispatcher(endpoints).map((e) => e.id)).toEqual(["a"]);
  });
});

describe("delivery status", () => {
  it("says whether a pending delivery has been tried", () => {
    expect(deliveryStatusView({ status: "pending", attempts: 0 }).label).toBe("Pending");
    expect(deliveryStatusView({ status: "pending", attempts: 2 }).label).toBe("Retrying");
    expect(deliveryStatusView({ status: "delivered", attempts: 1 }).variant).toBe("success");
    expect(deliveryStatusView({ status: "failed", attempts: 8 }).variant).toBe("destructive");
  });

  it("offers redelivery for anything already attempted", () => {
    expect(canRedeliver({ status: "pending", attempts: 0 })).toBe(false);
    expect(canRedeliver({ status: "pending", attempts: 1 })).toBe(true);
    expect(canRedeliver({ status: "delivered", attempts: 1 })).toBe(true);
    expect(canRedeliver({ status: "failed", attempts: 8 })).toBe(true);
  });

  it("indents a JSON payload and leaves anything else as sent", () => {
    expect(prettyPayload('{"type":"webhook.test","data":{"a":1}}')).toBe(
      '{\n  "type": "webhook.test",\n  "data": {\n    "a": 1\n  }\n}',
    );
    expect(prettyPayload("not json")).toBe("not json");
  });
});

describe("shortDeliveryId", () => {
  it("keeps what tells two deliveries to one endpoint apart", () => {
    const endpoint = "0b9f3a52-5a4e-4a55-9d0f-6f1b1f1e2a01";
    const a = `01a24e60-1111-7000-8000-00000000beef.${endpoint}`;
    const b = `01a24e60-2222-7000-8000-00000000cafe.${endpoint}`;
    expect(shortDeliveryId(a)).toBe("01a24e60…beef");
    expect(shortDeliveryId(a)).not.toBe(shortDeliveryId(b));
  });
});
