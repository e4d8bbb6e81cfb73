// Shared helpers for the contract modules: fixture builders, whole-state snapshots and error checks.
import { createHash } from "node:crypto";
import { expect } from "vitest";
import { ValidationError } from "../../domain/errors.js";
import type { CallContext, CreatedSession, Page, SessionInfo, User } from "../../domain/types.js";
import type { SessionsService } from "../../service/index.js";
import type { ContractContext } from "./context.js";

/** Real user-agent strings and what ua-parser-js makes of them. */
export const UA = {
  chromeWindows: {
    ua: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
    browser: "Chrome",
    os: "Windows",
    deviceType: "desktop",
  },
  firefoxLinux: {
    ua: "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
    browser: "Firefox",
    os: "Linux",
    deviceType: "desktop",
  },
  safariIphone: {
    ua: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    browser: "Mobile Safari",
    os: "iOS",
    deviceType: "mobile",
  },
  safariMac: {
    ua: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
    browser: "Safari",
    os: "Mac OS",
    deviceType: "desktop",
  },
  chromeAndroid: {
    ua: "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
    browser: "Chrome",
    os: "Android",
    deviceType: "mobile",
  },
  edgeWindows: {
    ua: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51",
    browser: "Edge",
    os: "Windows",
    deviceType: "desktop",
  },
  curl: { ua: "curl/8.5.0", browser: null, os: null, deviceType: "bot" },
} as const;

export const sha256Hex = (s: string): string => createHash("sha256").update(s).digest("hex");

let emailCounter = 0;

/** A user with a unique email (unless one is given). */
export async function makeUser(
  service: SessionsService,
  input: { email?: string; name?: string | null; role?: "admin" | "viewer" | "user"; password?: string } = {},
): Promise<User> {
  return service.createUser({ ...input, email: input.email ?? `user${++emailCounter}@example.com` });
}

/** Creates a session as if at `at` (the clock is put back afterwards). */
export async function sessionAt(
  t: ContractContext,
  at: Date | string,
  input: { userId: string; ip?: string | null; userAgent?: string | null },
  service: SessionsService = t.service,
): Promise<CreatedSession> {
  const back = t.clock.now();
  t.clock.set(at);
  try {
    return await service.createSession(input);
  } finally {
    t.clock.set(back);
  }
}

/** Runs `fn` with the clock set to `at`, then puts it back. */
export async function atTime<T>(t: ContractContext, at: Date | string, fn: () => Promise<T>): Promise<T> {
  const back = t.clock.now();
  t.clock.set(at);
  try {
    return await fn();
  } finally {
    t.clock.set(back);
  }
}

/** Follows nextCursor to the end. Fails instead of looping forever on a cursor that never ends. */
export async function collectPages<T>(fetch: (cursor: string | null) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 1000; pages++) {
    const page: Page<T> = await fetch(cursor);
    items.push(...page.items);
    if (page.nextCursor === null) return items;
    cursor = page.nextCursor;
  }
  throw new Error("more than 1000 pages: the cursor never ends");
}

/** Every session in the store, whatever its status (newest first). */
export function allSessions(service: SessionsService, ctx?: CallContext): Promise<SessionInfo[]> {
  return collectPages((cursor) =>
    service.listActiveSessions({ filter: { status: "all" }, limit: 200, cursor }, ctx),
  );
}

export function allAudit(service: SessionsService) {
  return collectPages((cursor) => service.listAudit({ limit: 200, cursor }));
}

export function allUsers(service: SessionsService) {
  return collectPages((cursor) => service.listUsers({ limit: 200, cursor }));
}

/** Everything a caller can see, serialized: equal snapshots mean nothing was written in between. */
export async function snapshot(service: SessionsService): Promise<string> {
  const [users, sessions, audit, keys] = await Promise.all([
    allUsers(service),
    allSessions(service),
    allAudit(service),
    service.listApiKeys(),
  ]);
  return JSON.stringify({ users, sessions, audit, keys });
}

/** Awaits a promise that must reject with a ValidationError naming `path` (when given). */
export async function expectValidationError(
  promise: Promise<unknown>,
  path?: string,
): Promise<ValidationError> {
  const error: unknown = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, "expected a ValidationError").toBeInstanceOf(ValidationError);
  const validation = error as ValidationError;
  expect(validation.code).toBe("validation");
  expect(validation.message.length).toBeGreaterThan(0);
  if (path !== undefined) expect(validation.issues.map((i) => i.path)).toContain(path);
  return validation;
}

/** Awaits a promise that must reject with an error of the given class. */
export async function expectRejection<E extends Error>(
  promise: Promise<unknown>,
  kind: abstract new (...args: never[]) => E,
): Promise<E> {
  const error: unknown = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(kind);
  return error as E;
}

/** A syntactically valid id that no row has. */
export const UNKNOWN_ID = "01900000-0000-7000-8000-000000000000";

/**
 * A console user's call context just after their password was checked (auth.login or
 * auth.reauthenticate): what dangerous changes (keys, operators) require of a user actor.
 */
export function recentlySignedIn(clock: { now(): Date }, id: string): CallContext {
  return { actor: { type: "user", id }, authenticatedAt: clock.now() };
}
