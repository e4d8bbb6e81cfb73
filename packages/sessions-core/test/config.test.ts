import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG, resolveConfig } from "../src/domain/config.js";
import { ConfigError } from "../src/domain/errors.js";
import { createSessionsService } from "../src/service/index.js";
import type { SessionsStore } from "../src/store/store.js";

const DAY = 24 * 60 * 60 * 1000;

describe("resolveConfig", () => {
  it("fills the documented defaults", () => {
    expect(resolveConfig()).toEqual({
      lifetimeMs: 60 * DAY,
      idleTimeoutMs: null,
      touchIntervalMs: 60_000,
      timezone: "UTC",
      retentionMs: 30 * DAY,
      auditRetentionMs: null,
      consoleLifetimeMs: 12 * 60 * 60 * 1000,
      consoleIdleTimeoutMs: 30 * 60 * 1000,
      consoleReauthWindowMs: 10 * 60 * 1000,
      maxSessionsPerUser: null,
      sessionLimitPolicy: "evict_oldest",
      webhooks: {
        // About a day of retries in all, then the delivery fails.
        retryScheduleMs: [
          5_000,
          30_000,
          120_000,
          600_000,
          3_600_000,
          6 * 3_600_000,
          10 * 3_600_000,
          8 * 3_600_000,
        ],
        timeoutMs: 10_000,
        disableAfterMs: DAY,
        allowHttp: false,
        allowPrivate: false,
        retentionMs: 7 * DAY,
      },
    });
    expect(resolveConfig({})).toEqual(DEFAULT_CONFIG);
    // undefined means "not set", not "set to undefined".
    expect(resolveConfig({ timezone: undefined, lifetimeMs: undefined })).toEqual(DEFAULT_CONFIG);
  });

  it("keeps valid settings", () => {
    expect(
      resolveConfig({
        timezone: "Asia/Kolkata",
        idleTimeoutMs: 1000,
        touchIntervalMs: 0,
        retentionMs: 0,
        auditRetentionMs: 90 * DAY,
        lifetimeMs: 1,
        consoleLifetimeMs: 2,
        consoleIdleTimeoutMs: null,
        consoleReauthWindowMs: 3,
        maxSessionsPerUser: 5,
        sessionLimitPolicy: "deny",
        webhooks: { allowPrivate: true, retryScheduleMs: [1000] },
      }),
    ).toEqual({
      webhooks: { ...DEFAULT_CONFIG.webhooks, allowPrivate: true, retryScheduleMs: [1000] },
      timezone: "Asia/Kolkata",
      idleTimeoutMs: 1000,
      touchIntervalMs: 0,
      retentionMs: 0,
      auditRetentionMs: 90 * DAY,
      lifetimeMs: 1,
      consoleLifetimeMs: 2,
      consoleIdleTimeoutMs: null,
      consoleReauthWindowMs: 3,
      maxSessionsPerUser: 5,
      sessionLimitPolicy: "deny",
    });
    expect(resolveConfig({ idleTimeoutMs: null }).idleTimeoutMs).toBeNull();
  });

  it("rejects an empty retry schedule or a zero wait, naming the setting", () => {
    expect(() => resolveConfig({ webhooks: { retryScheduleMs: [] } })).toThrow(/webhooks\.retryScheduleMs/);
    expect(() => resolveConfig({ webhooks: { retryScheduleMs: [0] } })).toThrow(ConfigError);
    expect(() => resolveConfig({ webhooks: { timeoutMs: 120_000 } })).toThrow(/webhooks\.timeoutMs/);
  });

  it.each(["Mars/Olympus_Mons", "", "UTC+5", "Europe/Berlinn"])(
    "rejects the timezone %j, naming the setting",
    (timezone) => {
      expect(() => resolveConfig({ timezone })).toThrow(ConfigError);
      expect(() => resolveConfig({ timezone })).toThrow(/timezone.*IANA/);
    },
  );

  it.each([
    ["lifetimeMs", 0],
    ["lifetimeMs", -1],
    ["lifetimeMs", 1.5],
    ["idleTimeoutMs", 0],
    ["touchIntervalMs", -1],
    ["retentionMs", -5],
    ["auditRetentionMs", 0],
    ["retentionMs", Number.NaN],
  ] as const)("rejects %s = %s, naming it", (key, value) => {
    expect(() => resolveConfig({ [key]: value })).toThrow(ConfigError);
    expect(() => resolveConfig({ [key]: value })).toThrow(new RegExp(`invalid sessions config: ${key}`));
  });

  it("a service with a bad config fails at construction, before touching the store", () => {
    const touched: string[] = [];
    const store = new Proxy({} as SessionsStore, {
      get(_target, property) {
        touched.push(String(property));
        return () => {
          throw new Error("the store must not be used");
        };
      },
    });
    expect(() => createSessionsService({ store, config: { timezone: "Nowhere/Special" } })).toThrow(
      ConfigError,
    );
    expect(touched).toEqual([]);
  });
});
