// The server's settings, read once from the environment and checked with zod before anything starts:
// a bad value stops the start with a message that names the variable.
import { fileURLToPath } from "node:url";
import {
  DEFAULT_DATABASE_URL,
  emailSchema,
  LIMITS,
  parseDatabaseUrl,
  passwordSchema,
  SESSION_LIMIT_POLICIES,
  type SessionsConfigInput,
} from "@sessions/core";
import { z } from "zod";

const DURATION_UNITS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** "90d", "12h", "30m", "45s", "500ms", or a bare number of seconds. */
export function parseDuration(text: string): number | null {
  const match = /^(\d+)\s*(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) return null;
  const unit = (match[2] ?? "s") as keyof typeof DURATION_UNITS;
  const ms = Number(match[1]) * DURATION_UNITS[unit];
  return Number.isSafeInteger(ms) && ms > 0 ? ms : null;
}

const duration = (example: string) =>
  z.string().transform((text, ctx) => {
    const ms = parseDuration(text);
    if (ms === null) {
      ctx.addIssue({
        code: "custom",
        message: `must be a duration such as ${example} (units ms, s, m, h, d)`,
      });
      return z.NEVER;
    }
    return ms;
  });

/** "off" or a duration (an idle timeout, a retention, a job's interval), null for off. */
const offOrDuration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      if (["", "off", "0", "none"].includes(text.trim().toLowerCase())) return null;
      const ms = parseDuration(text);
      if (ms === null) {
        ctx.addIssue({ code: "custom", message: 'must be "off" or a duration such as 30m or 12h' });
        return z.NEVER;
      }
      return ms;
    });

const booleanFlag = z
  .enum(["true", "false", "1", "0", "yes", "no", ""])
  .transform((v) => v === "true" || v === "1" || v === "yes");

/** WEBHOOK_RETRY_SCHEDULE: comma-separated durations, the waits after each failed attempt. */
const durationList = (example: string) =>
  z.string().transform((text, ctx) => {
    const parts = text.split(",").map((part) => part.trim());
    const waits = parts.map(parseDuration);
    if (parts.length > 30 || waits.some((ms) => ms === null)) {
      ctx.addIssue({
        code: "custom",
        message: `must be up to 30 comma-separated durations such as ${example} (units ms, s, m, h, d)`,
      });
      return z.NEVER;
    }
    return waits as number[];
  });

function toOrigin(text: string): string | null {
  try {
    const url = new URL(text);
    const ok =
      (url.protocol === "http:" || url.protocol === "https:") && url.origin === text.replace(/\/$/, "");
    return ok ? url.origin : null;
  } catch {
    return null;
  }
}

/** The console's build, served by `start` when it exists. */
export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL("../../admin/dist", import.meta.url));

/** The Vite dev server of apps/admin: allowed by default only when NODE_ENV=development. */
const DEV_ORIGINS = ["http://localhost:5173", "http://127.0.0.1:5173"];

const originList = z.string().transform((text, ctx) => {
  const origins: string[] = [];
  for (const item of text
    .split(",")
    .map((o) => o.trim())
    .filter(Boolean)) {
    const parsed = toOrigin(item);
    if (parsed) origins.push(parsed);
    else
      ctx.addIssue({
        code: "custom",
        message: `"${item}" is not an origin such as https://console.example.com`,
      });
  }
  return origins;
});

const envSchema = z
  .object({
    // Unset means production: a server started without it must not hand out stack traces or trust
    // the Vite dev origins. `pnpm dev` (root and apps/api) sets development explicitly.
    NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
    HOST: z.string().min(1).default("127.0.0.1"),
    PORT: z.coerce
      .number({ error: "must be a port number (0-65535)" })
      .int("must be a port number (0-65535)")
      .min(0, "must be a port number (0-65535)")
      .max(65_535, "must be a port number (0-65535)")
      .default(3000),
    DATABASE_URL: z
      .string()
      .default(DEFAULT_DATABASE_URL)
      .superRefine((url, ctx) => {
        try {
          parseDatabaseUrl(url);
        } catch (error) {
          ctx.addIssue({ code: "custom", message: error instanceof Error ? error.message : String(error) });
        }
      }),
    /**
     * Postgres behind a transaction-pooling PgBouncer (DATABASE_URL points at the pool): the server
     * itself, for what needs one connection across statements (migrations, LISTEN, job locks).
     */
    DATABASE_DIRECT_URL: z
      .string()
      .refine(
        (url) => /^postgres(ql)?:\/\//.test(url),
        "must be a postgres:// URL (the server itself, not the pool)",
      )
      .optional(),
    /**
     * How long a database call may take before the caller gets 503 (Postgres: the connect timeout
     * and each call's deadline; SQLite: the wait for another process's write lock).
     */
    DATABASE_TIMEOUT: duration("5s").prefault("5s"),
    /**
     * SQLite: worker threads that run the long reads an admin can make (filtered lists and counts,
     * the audit log, exports), so they never hold the event loop validations run on. 0 runs them
     * on the main connection.
     */
    SQLITE_READ_WORKERS: z.coerce
      .number({ error: "must be a whole number from 0 to 8" })
      .int("must be a whole number from 0 to 8")
      .min(0, "must be a whole number from 0 to 8")
      .max(8, "must be a whole number from 0 to 8")
      .default(2),
    /**
     * SQLite: where a bulk change's batches (revokeMany, a user's many sessions, cleanup) run:
     * "worker" on a writer connection in a worker thread, so no batch holds the event loop
     * validations run on; "inline" on the main connection.
     */
    SQLITE_BULK_WRITES: z
      .enum(["worker", "inline"], { error: 'must be "worker" or "inline"' })
      .default("worker"),
    /**
     * The server's public origin, e.g. https://sessions.example.com. The CSRF check's own origin;
     * when https, cookies are Secure with `__Host-` and HSTS is sent whatever the proxy headers say.
     */
    PUBLIC_URL: z
      .string()
      .transform((text, ctx) => {
        const origin = toOrigin(text);
        if (origin === null) {
          ctx.addIssue({
            code: "custom",
            message: `"${text}" is not an absolute http(s) URL with no path, such as https://sessions.example.com`,
          });
          return z.NEVER;
        }
        return origin;
      })
      .optional(),
    /** Comma-separated origins (besides the server's own) whose pages may call the API with cookies. */
    ALLOWED_ORIGINS: originList.optional(),
    SESSION_LIFETIME: duration("60d").prefault("60d"),
    /** "off" (default) or a duration: sessions unused this long stop being valid. */
    IDLE_TIMEOUT: offOrDuration("off"),
    /** Console sign-ins have their own, shorter policy (issue 10): 12 h absolute, 30 min idle. */
    CONSOLE_SESSION_LIFETIME: duration("12h").prefault("12h"),
    CONSOLE_IDLE_TIMEOUT: offOrDuration("30m"),
    /** How recent the password check must be for dangerous changes (keys, operators). */
    CONSOLE_REAUTH_WINDOW: duration("10m").prefault("10m"),
    /** true: the console cookie outlives the browser (Max-Age); default: a browser-session cookie. */
    CONSOLE_REMEMBER: booleanFlag.default(false),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    ADMIN_EMAIL: emailSchema.optional(),
    ADMIN_PASSWORD: passwordSchema.optional(),
    /** Behind a reverse proxy: take the client IP and scheme from X-Forwarded-For / -Proto. */
    TRUST_PROXY: booleanFlag.default(false),
    /** Where the built console is; served only if the folder exists. */
    CONSOLE_DIR: z.string().min(1).default(DEFAULT_CONSOLE_DIR),
    SHUTDOWN_TIMEOUT: duration("10s").prefault("10s"),
    /** How often the cleanup job runs (jobs/cleanup.ts); "off": never (run `sessions prune` instead). */
    PRUNE_INTERVAL: offOrDuration("1h"),
    /** How long sessions that ended (expired, idled out, revoked) are kept before cleanup deletes them. */
    SESSION_RETENTION: duration("30d").prefault("30d"),
    /** "off" (default) or a duration: cleanup also deletes audit events older than this. */
    AUDIT_RETENTION: offOrDuration("off"),
    /** IANA timezone where "today" starts for the statistics. */
    TIMEZONE: z.string().min(1).default("UTC"),
    /** "off" (default) or the most active app sessions one user may hold (console sign-ins not counted). */
    MAX_SESSIONS_PER_USER: z
      .union([
        z.literal("off").transform(() => null),
        z.coerce
          .number()
          .int("must be a whole number or off")
          .min(1, "must be at least 1, or off")
          .max(LIMITS.maxSessionsPerUser, `must be at most ${LIMITS.maxSessionsPerUser}, or off`),
      ])
      .default(null),
    /** At MAX_SESSIONS_PER_USER: evict_oldest (end the least recently seen) or deny (CONFLICT). */
    SESSION_LIMIT_POLICY: z.enum(SESSION_LIMIT_POLICIES).default("evict_oldest"),
    /** Waits between a failed webhook attempt and the next (±20% jitter); past the last, it fails. */
    WEBHOOK_RETRY_SCHEDULE: durationList("5s,30s,2m,10m,1h,6h,10h,8h").prefault("5s,30s,2m,10m,1h,6h,10h,8h"),
    /** One delivery attempt's deadline. */
    WEBHOOK_TIMEOUT: duration("10s").prefault("10s"),
    /** An endpoint failing without a success this long is turned off (console banner, audit event). */
    WEBHOOK_DISABLE_AFTER: duration("24h").prefault("24h"),
    /** true: http:// endpoint URLs are accepted (default: https only). */
    WEBHOOK_ALLOW_HTTP: booleanFlag.default(false),
    /**
     * UNSAFE outside tests and closed networks. true: endpoints may be loopback, private, link-local
     * (cloud metadata) or other non-public addresses, which are otherwise refused (SSRF).
     */
    WEBHOOK_ALLOW_PRIVATE: booleanFlag.default(false),
    /**
     * How often this instance's webhook dispatcher looks for due deliveries (a change made here wakes
     * it at once); "off": this instance sends none (others on the database do).
     */
    WEBHOOK_POLL_INTERVAL: offOrDuration("1s"),
    /** Delivered and failed deliveries are deleted by the cleanup job after this long. */
    WEBHOOK_RETENTION: duration("7d").prefault("7d"),
  })
  .transform((env) => ({
    ...env,
    ALLOWED_ORIGINS: env.ALLOWED_ORIGINS ?? (env.NODE_ENV === "development" ? DEV_ORIGINS : []),
  }));

export type Env = z.output<typeof envSchema>;
export type EnvInput = Partial<Record<keyof z.input<typeof envSchema>, string>>;

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "EnvError";
  }
}

/** Reads and checks the settings; throws EnvError naming every bad variable. */
export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  // Empty strings mean "not set", as they do in most shells' `VAR= cmd`.
  const input = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = envSchema.safeParse(input);
  if (!result.success) {
    throw new EnvError(
      result.error.issues.map((issue) => `${issue.path.join(".") || "environment"}: ${issue.message}`),
    );
  }
  return result.data;
}

/**
 * The service settings the environment decides, for the server and `pnpm db:seed` alike; the rest
 * keep sessions-core's defaults.
 */
export function sessionsConfigFromEnv(
  env: Pick<
    Env,
    | "SESSION_LIFETIME"
    | "IDLE_TIMEOUT"
    | "TIMEZONE"
    | "CONSOLE_SESSION_LIFETIME"
    | "CONSOLE_IDLE_TIMEOUT"
    | "CONSOLE_REAUTH_WINDOW"
    | "SESSION_RETENTION"
    | "AUDIT_RETENTION"
    | "MAX_SESSIONS_PER_USER"
    | "SESSION_LIMIT_POLICY"
    | "WEBHOOK_RETRY_SCHEDULE"
    | "WEBHOOK_TIMEOUT"
    | "WEBHOOK_DISABLE_AFTER"
    | "WEBHOOK_ALLOW_HTTP"
    | "WEBHOOK_ALLOW_PRIVATE"
    | "WEBHOOK_RETENTION"
  >,
): SessionsConfigInput {
  return {
    lifetimeMs: env.SESSION_LIFETIME,
    idleTimeoutMs: env.IDLE_TIMEOUT,
    timezone: env.TIMEZONE,
    consoleLifetimeMs: env.CONSOLE_SESSION_LIFETIME,
    consoleIdleTimeoutMs: env.CONSOLE_IDLE_TIMEOUT,
    consoleReauthWindowMs: env.CONSOLE_REAUTH_WINDOW,
    retentionMs: env.SESSION_RETENTION,
    auditRetentionMs: env.AUDIT_RETENTION,
    maxSessionsPerUser: env.MAX_SESSIONS_PER_USER,
    sessionLimitPolicy: env.SESSION_LIMIT_POLICY,
    webhooks: {
      retryScheduleMs: env.WEBHOOK_RETRY_SCHEDULE,
      timeoutMs: env.WEBHOOK_TIMEOUT,
      disableAfterMs: env.WEBHOOK_DISABLE_AFTER,
      allowHttp: env.WEBHOOK_ALLOW_HTTP,
      allowPrivate: env.WEBHOOK_ALLOW_PRIVATE,
      retentionMs: env.WEBHOOK_RETENTION,
    },
  };
}
