// What every concern of the service shares, built once per createSessionsService call: the store,
// the clock, the resolved config, the random source, the id generator and the helpers that write
// audit events, revocations and change events. It lives apart from the concerns so that each rule
// about actors, audit rows and ids is written once; nothing here is module-level state, so two
// services (or two tests) never share an id generator or a listener.
import type { WindowTuning } from "./windowed-count.js";
import { V7Generator } from "uuidv7";
import { systemClock, type Clock } from "../domain/clock.js";
import { ReauthRequiredError } from "../domain/errors.js";
import { resolveConfig, type SessionsConfig, type SessionsConfigInput } from "../domain/config.js";
import { PASSWORD_HASHING, type ScryptParams } from "../domain/password.js";
import { defaultRandom, type RandomSource } from "../domain/tokens.js";
import type { Actor, AuditAction, AuditEvent, CallContext, SessionsEvent, User } from "../domain/types.js";
import type { SessionEndReason, SessionKind, ValidationResult } from "../vocab.js";
import type { AuditRecord, Revocation, SessionsStore, UserRecord } from "../store/store.js";
import { sendWebhook, type WebhookSend } from "./webhook-sender.js";

export interface SessionsServiceOptions {
  store: SessionsStore;
  clock?: Clock;
  config?: SessionsConfigInput;
  /** Source of token bytes; tests inject a deterministic one. */
  random?: RandomSource;
  /**
   * FOR TESTS ONLY: cheaper scrypt parameters, so suites that create many users with passwords stay
   * fast. Never set in production (apps/api never passes it): the default is OWASP's minimum
   * (domain/password.ts). Hashes made with it are never "upgraded" down by a stronger service.
   */
  passwordHashing?: ScryptParams;
  /** How the sign-in delay is waited (domain/sign-in.ts); tests may inject one that records it. */
  wait?: (ms: number) => Promise<void>;
  /** Called after each committed change. Must not throw; errors are swallowed to protect the caller. */
  onEvent?: (event: SessionsEvent) => void;
  /**
   * A best-effort write failed and was skipped (a lastSeenAt or lastUsedAt touch on a full disk or
   * an unreachable database): the caller's read still answers. For the log; must not throw.
   */
  onBestEffortFailure?: (failure: { write: BestEffortWrite; error: unknown }) => void;
  /** Counters for metrics (apps/api's /metrics); none by default. */
  metrics?: ServiceMetrics;
  /** How a webhook attempt is sent; default: a signed HTTPS POST (webhook-sender.ts). */
  sendWebhook?: WebhookSend;
  /** How a dry run's exact count sizes its windows (windowed-count.ts); tests make them small. */
  windowTuning?: Partial<WindowTuning>;
}

/**
 * What the service counts as it works, for a metrics exporter. Called on the hot path
 * (sessionValidated on every validation): implementations must be cheap and must not throw.
 */
export interface ServiceMetrics {
  sessionCreated(kind: SessionKind): void;
  /** An app session's validation (sessions.validate) and how long it took, in seconds. */
  sessionValidated(result: ValidationResult, seconds: number): void;
  /** `count` sessions ended (revoked or logged out) by one operation. */
  sessionsEnded(reason: SessionEndReason, count: number): void;
  /** One webhook attempt: delivered, failed for good, or failed and to be retried. */
  webhookAttempted?(outcome: "delivered" | "failed" | "retry"): void;
  /** The dispatcher turned an endpoint off after failing too long. */
  webhookEndpointDisabled?(): void;
}

const noMetrics: ServiceMetrics = {
  sessionCreated: () => {},
  sessionValidated: () => {},
  sessionsEnded: () => {},
};

/** The writes a read may make on the side and skip when they fail. */
export type BestEffortWrite = "touchSession" | "touchApiKey";

export type RevokeOptions = CallContext & { reason?: string | null };

type AuditTarget = { type: NonNullable<AuditEvent["targetType"]>; id: string } | null;
type AuditExtra = { reason?: string | null; count?: number | null; data?: Record<string, unknown> | null };

// Function-valued properties (not methods) so each concern can destructure what it uses once, when
// the service is built, and call it per request without a property lookup or a `this`.
export interface ServiceContext {
  store: SessionsStore;
  config: SessionsConfig;
  random: RandomSource;
  /** The scrypt parameters new hashes are made with (PASSWORD_HASHING unless a test says otherwise). */
  hashing: Readonly<ScryptParams>;
  wait: (ms: number) => Promise<void>;
  now: () => Date;
  /** A UUIDv7 for a new row, monotonic within this service even when the clock stands still. */
  newId: () => string;
  /** Tells the listener about a committed change; a throwing listener is ignored. */
  emit: (event: SessionsEvent) => void;
  /** The metrics counters (a no-op set unless the caller gave some). */
  metrics: ServiceMetrics;
  sendWebhook: WebhookSend;
  /** The service's window sizing for dry runs' counts (over WINDOW_TUNING). */
  windowTuning: Partial<WindowTuning>;
  /** The audit row a change commits with (same transaction), attributed to the caller (default: system). */
  auditEvent: (
    ctx: CallContext | undefined,
    action: AuditAction,
    target: AuditTarget,
    extra?: AuditExtra,
  ) => AuditRecord;
  /** What a revocation stamps on the rows it ends: when, by whom (actorLabel), how and why. */
  revocation: (
    ctx: CallContext | undefined,
    endReason: SessionEndReason,
    reason: string | null | undefined,
  ) => Revocation;
  /**
   * Throws ReauthRequiredError unless a user actor's password was checked within the reauth window.
   * `change` names what was refused, for the message.
   */
  requireRecentSignIn: (ctx: CallContext | undefined, change: string) => void;
  /**
   * Runs a best-effort write: a failure is counted and reported (onBestEffortFailure), never
   * thrown, so a validation or key check keeps answering while the database cannot take writes.
   * True when it was written.
   */
  bestEffort: (write: BestEffortWrite, run: () => Promise<unknown>) => Promise<boolean>;
  /** How many best-effort writes failed since the service started, by write. */
  bestEffortFailures: Record<BestEffortWrite, number>;
  /** True when requireRecentSignIn would throw: for checks the store makes inside its transaction. */
  lacksRecentSignIn: (ctx: CallContext | undefined) => boolean;
  /** The error requireRecentSignIn throws, for a refusal found later (in the store's transaction). */
  reauthRequired: (change: string) => ReauthRequiredError;
}

export function actorOf(ctx: CallContext | undefined): Actor {
  return ctx?.actor ?? { type: "system" };
}

/** How an actor is written in revoked_by: "user:<id>", "api_key:<id>", "system" or "cli". */
export function actorLabel(actor: Actor): string {
  return actor.type === "system" || actor.type === "cli" ? actor.type : `${actor.type}:${actor.id}`;
}

/** A user as the service returns it: never the password hash. */
export function toUser(r: UserRecord): User {
  return {
    id: r.id,
    email: r.email,
    name: r.name,
    role: r.role,
    status: r.status,
    confirmedAt: r.confirmedAt,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

export function createServiceContext(options: SessionsServiceOptions): ServiceContext {
  const { store } = options;
  const clock = options.clock ?? systemClock;
  const config = resolveConfig(options.config);
  const ids = new V7Generator();
  const now = () => clock.now();
  const newId = () => ids.generateOrResetCore(clock.now().getTime(), 10_000).toString();

  // Only a person at the console is asked: an API key is bounded by its scopes and can never touch
  // an operator, and the CLI and system jobs run on the host itself. A user actor without
  // authenticatedAt is refused (fail closed): nothing skips the check by leaving it out.
  function lacksRecentSignIn(ctx: CallContext | undefined): boolean {
    if (ctx?.actor?.type !== "user") return false;
    const checkedAt = ctx.authenticatedAt;
    // A time slightly ahead of this clock (another instance's) counts as recent.
    return !checkedAt || now().getTime() - checkedAt.getTime() > config.consoleReauthWindowMs;
  }
  const reauthRequired = (change: string) =>
    new ReauthRequiredError(
      `${change} needs your password confirmed in the last ${Math.round(config.consoleReauthWindowMs / 60_000)} minutes: confirm it and try again.`,
    );

  const bestEffortFailures: Record<BestEffortWrite, number> = { touchSession: 0, touchApiKey: 0 };

  return {
    store,
    config,
    bestEffortFailures,
    bestEffort: async (write, run) => {
      try {
        await run();
        return true;
      } catch (error) {
        bestEffortFailures[write] += 1;
        try {
          options.onBestEffortFailure?.({ write, error });
        } catch {
          // A reporter's failure must not turn the skipped write into the caller's error.
        }
        return false;
      }
    },
    random: options.random ?? defaultRandom,
    metrics: options.metrics ?? noMetrics,
    sendWebhook: options.sendWebhook ?? sendWebhook,
    windowTuning: options.windowTuning ?? {},
    hashing: options.passwordHashing ?? PASSWORD_HASHING,
    wait: options.wait ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    now,
    newId,

    emit: (event) => {
      try {
        options.onEvent?.(event);
      } catch {
        // A listener's failure must not turn a committed change into an error for the caller.
      }
    },

    auditEvent: (ctx, action, target, extra = {}) => {
      const actor = actorOf(ctx);
      return {
        id: newId(),
        at: now(),
        actorType: actor.type,
        actor: actor.type === "system" || actor.type === "cli" ? actor.type : actor.id,
        action,
        targetType: target?.type ?? null,
        target: target?.id ?? null,
        ip: ctx?.ip ?? null,
        reason: extra.reason ?? null,
        count: extra.count ?? null,
        data: extra.data ?? null,
      };
    },

    revocation: (ctx, endReason, reason) => ({
      at: now(),
      by: actorLabel(actorOf(ctx)),
      endReason,
      reason: reason ?? null,
    }),

    requireRecentSignIn: (ctx, change) => {
      if (lacksRecentSignIn(ctx)) throw reauthRequired(change);
    },
    lacksRecentSignIn,
    reauthRequired,
  };
}
