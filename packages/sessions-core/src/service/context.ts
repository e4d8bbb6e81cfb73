// What every concern of the service shares, built once per createSessionsService call: the store,
// the clock, the resolved config, the random source, the id generator and the helpers that write
// audit events, revocations and change events. It lives apart from the concerns so that each rule
// about actors, audit rows and ids is written once; nothing here is module-level state, so two
// services (or two tests) never share an id generator or a listener.
import { V7Generator } from "uuidv7";
import { systemClock, type Clock } from "../domain/clock.js";
import { resolveConfig, type SessionsConfig } from "../domain/config.js";
import { PASSWORD_HASHING, type ScryptParams } from "../domain/password.js";
import { defaultRandom, type RandomSource } from "../domain/tokens.js";
import type { Actor, AuditAction, AuditEvent, CallContext, SessionsEvent, User } from "../domain/types.js";
import type { AuditRecord, Revocation, SessionsStore, UserRecord } from "../store/store.js";

export interface SessionsServiceOptions {
  store: SessionsStore;
  clock?: Clock;
  config?: Partial<SessionsConfig>;
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
}

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
  /** The audit row a change commits with (same transaction), attributed to the caller (default: system). */
  auditEvent: (
    ctx: CallContext | undefined,
    action: AuditAction,
    target: AuditTarget,
    extra?: AuditExtra,
  ) => AuditRecord;
  /** What a revocation stamps on the rows it ends: when, by whom (actorLabel) and why. */
  revocation: (ctx: CallContext | undefined, reason: string | null | undefined) => Revocation;
}

export function actorOf(ctx: CallContext | undefined): Actor {
  return ctx?.actor ?? { type: "system" };
}

/** How an actor is written in revoked_by: "user:<id>", "api_key:<id>" or "system". */
export function actorLabel(actor: Actor): string {
  return actor.type === "system" ? "system" : `${actor.type}:${actor.id}`;
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

  return {
    store,
    config,
    random: options.random ?? defaultRandom,
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
        actor: actor.type === "system" ? "system" : actor.id,
        action,
        targetType: target?.type ?? null,
        target: target?.id ?? null,
        ip: ctx?.ip ?? null,
        reason: extra.reason ?? null,
        count: extra.count ?? null,
        data: extra.data ?? null,
      };
    },

    revocation: (ctx, reason) => ({ at: now(), by: actorLabel(actorOf(ctx)), reason: reason ?? null }),
  };
}
