// Shared set-up for router tests: a fresh store, a fake clock and the app's services per test, and
// callers for every kind of principal, all through createCaller with an inner context (no HTTP).
import type { ApiKeyScope, CreatedApiKey, SessionsStore, User, UserRole } from "@sessions/core";
import { createStoreHarness, FakeClock, type StoreHarness, type StoreKind } from "@sessions/core/testing";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, beforeEach, expect } from "vitest";
import { createAppServices } from "../src/app-services.js";
import { createLogger } from "../src/logger.js";
import { appRouter } from "../src/router/index.js";
import { testEnv } from "../src/testing/index.js";
import {
  createInnerContext,
  memoryCookie,
  type AppServices,
  type Caller,
  type InnerContextOptions,
} from "../src/trpc/context.js";
import { createCallerFactory } from "../src/trpc/procedures.js";

export const createCaller = createCallerFactory(appRouter);
export type ApiCaller = ReturnType<typeof createCaller>;

export const START = "2026-03-10T12:00:00.000Z";
export const PASSWORD = "correct horse battery staple";

export interface SignedIn {
  user: User;
  sessionId: string;
  token: string;
  caller: Caller;
  api: ApiCaller;
}

export interface RouterFixture {
  store: SessionsStore;
  clock: FakeClock;
  app: AppServices;
  /** A caller for any principal; options set IP, cookie, user agent. */
  as(caller: Caller, options?: Omit<InnerContextOptions, "caller">, signal?: AbortSignal): ApiCaller;
  anonymous(options?: Omit<InnerContextOptions, "caller">): ApiCaller;
  makeUser(role: UserRole, options?: { email?: string; password?: string; name?: string }): Promise<User>;
  /** A console sign-in of `user`: a real session in the store, as auth.login would make. */
  signIn(user: User, options?: { ip?: string }): Promise<SignedIn>;
  makeKey(scopes: ApiKeyScope[], name?: string): Promise<CreatedApiKey & { api: ApiCaller; caller: Caller }>;
}

let emailCounter = 0;

export function useRouterFixture(
  kind: StoreKind = "sqlite-memory",
  appOptions: { statsDebounceMs?: number } = {},
): RouterFixture {
  let harness: StoreHarness;
  const f = {} as RouterFixture;
  beforeAll(async () => {
    harness = await createStoreHarness(kind);
  });
  afterAll(async () => {
    await harness?.dispose();
  });
  beforeEach(async () => {
    f.store = await harness.fresh();
    f.clock = new FakeClock(START);
    f.app = createAppServices({
      env: testEnv(),
      store: f.store,
      clock: f.clock,
      logger: createLogger({ level: "silent" }),
      statsDebounceMs: appOptions.statsDebounceMs ?? 0,
    });
  });
  f.as = (caller, options = {}, signal) =>
    createCaller(createInnerContext(f.app, { ip: "203.0.113.7", userAgent: "vitest", ...options, caller }), {
      signal,
    });
  f.anonymous = (options = {}) => f.as({ type: "anonymous" }, options);
  f.makeUser = async (role, options = {}) =>
    f.app.service.createUser({
      email: options.email ?? `${role}-${++emailCounter}@example.com`,
      name: options.name ?? `A ${role}`,
      role,
      password: options.password ?? null,
    });
  f.signIn = async (user, options = {}) => {
    const { token, session } = await f.app.service.createConsoleSession(
      { userId: user.id, ip: options.ip ?? "203.0.113.7", userAgent: "vitest" },
      { actor: { type: "user", id: user.id } },
    );
    const caller: Caller = {
      type: "user",
      user,
      sessionId: session.id,
      authenticatedAt: session.authenticatedAt,
    };
    return {
      user,
      sessionId: session.id,
      token,
      caller,
      api: f.as(caller, { cookie: memoryCookie(token), ip: options.ip ?? "203.0.113.7" }),
    };
  };
  f.makeKey = async (scopes, name = `key ${scopes.join(" ")}`) => {
    const created = await f.app.service.createApiKey({ name, scopes });
    const caller: Caller = { type: "api_key", key: created.apiKey };
    return { ...created, caller, api: f.as(caller) };
  };
  return f;
}

/** Expects a tRPC error with exactly this code; returns it for further checks. */
export async function expectTRPCError(
  promise: Promise<unknown>,
  code: TRPCError["code"],
): Promise<TRPCError> {
  const error = await promise.then(
    () => {
      throw new Error(`expected ${code}, but the call succeeded`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  expect((error as TRPCError).code).toBe(code);
  return error as TRPCError;
}
