// Everything procedures share, without HTTP: the service over the store, the clock, the live-event
// bus, the logger and the sign-in limits. createApp builds it once per server; router tests build
// it directly and call procedures through createCaller.
import { randomUUID } from "node:crypto";
import {
  createSessionsService,
  systemClock,
  type Clock,
  type RandomSource,
  type SessionsConfigInput,
  type SessionsService,
  type SessionsStore,
  type WindowTuning,
} from "@sessions/core";
import { createCallerStreams, type CallerStreamsOptions } from "./caller-streams.js";
import { sessionsConfigFromEnv, type Env } from "./env.js";
import { createEventBus } from "./events.js";
import { createWebhookNudge } from "./jobs/webhooks.js";
import { createLogger, type Logger } from "./logger.js";
import { createAppMetrics } from "./metrics.js";
import { createLoginRateLimits, type LoginRateLimits } from "./rate-limit.js";
import type { AppServices } from "./trpc/context.js";

export interface AppServicesOptions {
  env: Env;
  store: SessionsStore;
  clock?: Clock;
  logger?: Logger;
  /** Sign-in throttling; defaults to in-memory limits for this process. */
  loginLimits?: LoginRateLimits;
  /** Token randomness (tests may make it deterministic). */
  random?: RandomSource;
  /** Overrides of the service settings derived from env. */
  config?: SessionsConfigInput;
  /** stats.changed coalescing window (ms); tests set 0. */
  statsDebounceMs?: number;
  /** Open event streams: per-caller cap and credential re-check interval (tests shorten it). */
  streams?: CallerStreamsOptions;
  /** Dry runs' count windows (sessions-core's WINDOW_TUNING); tests make them small. */
  windowTuning?: Partial<WindowTuning>;
}

export function createAppServices(options: AppServicesOptions): AppServices {
  const { env, store } = options;
  const clock = options.clock ?? systemClock;
  const events = createEventBus({ now: () => clock.now(), statsDebounceMs: options.statsDebounceMs });
  const logger = options.logger ?? createLogger({ level: env.LOG_LEVEL });
  const instanceId = randomUUID();
  const webhookNudge = createWebhookNudge();
  // The gauges read the service when scraped; it exists by then (the closure binds it late).
  const metrics = createAppMetrics({
    figures: async () => {
      const stats = await service.getSessionStats();
      return { active: stats.totalActive, users: stats.uniqueUsers };
    },
    subscribers: () => events.subscriberCount,
  });
  const service: SessionsService = createSessionsService({
    store,
    clock,
    random: options.random,
    windowTuning: options.windowTuning,
    metrics: metrics.service,
    config: mergeConfig(sessionsConfigFromEnv(env), options.config),
    onEvent: (event) => {
      // This process's subscribers hear it at once; other instances on the same Postgres through
      // the store's change feed (createApp relays what they publish).
      events.publish(event);
      // Its outbox rows committed with it: this process's dispatcher delivers them now.
      webhookNudge.nudge();
      store.changeFeed?.publish({ origin: instanceId, event }).catch((err: unknown) => {
        logger.warn({ err }, "could not publish a change to other instances");
      });
    },
    // A skipped lastSeenAt/lastUsedAt touch: the read it rode on still answered. Logged as a
    // warning (the error only, never the token or key it was for) so a full disk shows in the log
    // before anything else fails.
    onBestEffortFailure: ({ write, error }) => {
      logger.warn({ err: error, write }, "a best-effort write failed and was skipped");
    },
  });
  return {
    service,
    clock,
    events,
    streams: createCallerStreams(options.streams),
    logger,
    metrics,
    instanceId,
    webhookNudge,
    loginLimits: options.loginLimits ?? createLoginRateLimits(() => clock.now().getTime()),
    exposeErrorDetails: env.NODE_ENV === "development",
  };
}

/** The env's settings with a caller's overrides, webhooks' one by one. */
function mergeConfig(fromEnv: SessionsConfigInput, overrides: SessionsConfigInput = {}): SessionsConfigInput {
  return { ...fromEnv, ...overrides, webhooks: { ...fromEnv.webhooks, ...overrides.webhooks } };
}
