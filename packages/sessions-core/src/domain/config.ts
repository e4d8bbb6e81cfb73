import { z } from "zod";
import { ConfigError } from "./errors.js";
import { LIMITS, SESSION_LIMIT_POLICIES, type SessionLimitPolicy } from "../vocab.js";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export interface SessionsConfig {
  /** Absolute lifetime of a session from creation, in ms. */
  lifetimeMs: number;
  /** Sessions unused for this long stop being valid; null = no idle timeout. */
  idleTimeoutMs: number | null;
  /** validateSession writes lastSeenAt at most once per this interval, in ms. */
  touchIntervalMs: number;
  /** IANA timezone that decides where "today" and each day of createdPerDay begin. */
  timezone: string;
  /** prune() deletes sessions that ended (expired or revoked) longer ago than this, in ms. */
  retentionMs: number;
  /** The cleanup job deletes audit events older than this, in ms; null = keep them all. */
  auditRetentionMs: number | null;
  /**
   * Console sign-ins (auth.login) have their own, shorter policy than the app sessions services
   * issue: an operator's session is worth more to an attacker than an end user's.
   */
  consoleLifetimeMs: number;
  /** A console sign-in unused this long stops being valid; null = no idle timeout. */
  consoleIdleTimeoutMs: number | null;
  /**
   * Dangerous changes (making an API key, creating, promoting or disabling an operator) need the
   * caller's password checked within this long: a console session left open, or a stolen cookie,
   * is not enough on its own to widen anyone's power.
   */
  consoleReauthWindowMs: number;
  /**
   * Most live (active) app sessions one user may hold; null = no limit. Console sign-ins are not
   * counted: they are operators' and have their own policy.
   */
  maxSessionsPerUser: number | null;
  /**
   * At the limit, sessions.create either ends the user's least recently seen app session
   * (evict_oldest, end reason limit) or refuses the new one (deny: CONFLICT).
   */
  sessionLimitPolicy: SessionLimitPolicy;
  webhooks: WebhookConfig;
}

/** What a caller may give: any setting, webhooks' one by one too. */
export type SessionsConfigInput = Partial<Omit<SessionsConfig, "webhooks">> & {
  webhooks?: Partial<WebhookConfig>;
};

export interface WebhookConfig {
  /** Waits between a failed attempt and the next (each ±20% jitter); past the last, a delivery fails. */
  retryScheduleMs: number[];
  /** One attempt's deadline, connect to last byte. */
  timeoutMs: number;
  /** An endpoint whose deliveries have failed without a success for this long is turned off. */
  disableAfterMs: number;
  /** http:// URLs (default: https only). */
  allowHttp: boolean;
  /**
   * Loopback, private, link-local (cloud metadata) and other non-public addresses, refused by
   * default at creation and at connect time. Unsafe: only for tests and closed networks.
   */
  allowPrivate: boolean;
  /** Finished deliveries are deleted by the cleanup job after this long. */
  retentionMs: number;
}

export const DEFAULT_CONFIG: SessionsConfig = {
  lifetimeMs: 60 * DAY,
  idleTimeoutMs: null,
  touchIntervalMs: MINUTE,
  timezone: "UTC",
  retentionMs: 30 * DAY,
  auditRetentionMs: null,
  consoleLifetimeMs: 12 * 60 * MINUTE,
  consoleIdleTimeoutMs: 30 * MINUTE,
  consoleReauthWindowMs: 10 * MINUTE,
  maxSessionsPerUser: null,
  sessionLimitPolicy: "evict_oldest",
  webhooks: {
    // About a day in all: 5s, 30s, 2m, 10m, 1h, 6h, 10h, 8h (≈ 25 h), then the delivery fails.
    retryScheduleMs: [
      5_000,
      30_000,
      2 * MINUTE,
      10 * MINUTE,
      60 * MINUTE,
      6 * 60 * MINUTE,
      10 * 60 * MINUTE,
      8 * 60 * MINUTE,
    ],
    timeoutMs: 10_000,
    disableAfterMs: DAY,
    allowHttp: false,
    allowPrivate: false,
    retentionMs: 7 * DAY,
  },
};

function isTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const configSchema = z.object({
  lifetimeMs: z.number().int().positive(),
  idleTimeoutMs: z.number().int().positive().nullable(),
  touchIntervalMs: z.number().int().nonnegative(),
  timezone: z.string().refine(isTimezone, "must be an IANA timezone such as UTC or Europe/Berlin"),
  retentionMs: z.number().int().nonnegative(),
  auditRetentionMs: z.number().int().positive().nullable(),
  consoleLifetimeMs: z.number().int().positive(),
  consoleIdleTimeoutMs: z.number().int().positive().nullable(),
  consoleReauthWindowMs: z.number().int().positive(),
  maxSessionsPerUser: z.number().int().min(1).max(LIMITS.maxSessionsPerUser).nullable(),
  sessionLimitPolicy: z.enum(SESSION_LIMIT_POLICIES),
  webhooks: z.object({
    retryScheduleMs: z.array(z.number().int().positive()).min(1).max(30),
    timeoutMs: z.number().int().positive().max(60_000),
    disableAfterMs: z.number().int().positive(),
    allowHttp: z.boolean(),
    allowPrivate: z.boolean(),
    retentionMs: z.number().int().positive(),
  }),
});

/** Fills defaults and rejects impossible settings with a message naming the setting. */
export function resolveConfig(partial: SessionsConfigInput = {}): SessionsConfig {
  const given = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined));
  const merged = {
    ...DEFAULT_CONFIG,
    ...given,
    webhooks: { ...DEFAULT_CONFIG.webhooks, ...partial.webhooks },
  };
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`invalid sessions config: ${issue.path.join(".")} ${issue.message}`);
  }
  return parsed.data;
}
