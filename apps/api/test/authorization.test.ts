// The authorization matrix: every procedure × every kind of caller → allowed, or the exact error code.
// Generated from ONE table that must hold a row per procedure of the router: a new procedure without a
// row fails to typecheck (the table's type is keyed by the router's procedure paths) and fails below.
import { API_KEY_SCOPES, type ApiKeyScope } from "@sessions/core";
import type { AnyTRPCProcedure } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { appRouter, type AppRouter } from "../src/router/index.js";
import { memoryCookie, type Caller } from "../src/trpc/context.js";
import {
  expectTRPCError,
  PASSWORD,
  useRouterFixture,
  type ApiCaller,
  type RouterFixture,
} from "./helpers.js";

type ProcedurePaths<TRecord, Prefix extends string = ""> = {
  [K in keyof TRecord & string]: TRecord[K] extends AnyTRPCProcedure
    ? `${Prefix}${K}`
    : ProcedurePaths<TRecord[K], `${Prefix}${K}.`>;
}[keyof TRecord & string];
type ProcedurePath = ProcedurePaths<AppRouter["_def"]["record"]>;

type KeyPrincipal = `key:${ApiKeyScope}`;
type Principal = "anonymous" | "user" | "viewer" | "admin" | KeyPrincipal;
const PRINCIPALS: Principal[] = [
  "anonymous",
  "user",
  "viewer",
  "admin",
  ...API_KEY_SCOPES.map((s): KeyPrincipal => `key:${s}`),
];

interface Row {
  /** Who may call; everyone else gets UNAUTHORIZED (anonymous) or FORBIDDEN. */
  allow: Principal[];
  /** A call that succeeds for an allowed caller. */
  call(api: ApiCaller, f: RouterFixture): Promise<unknown>;
}

const readers = (scope: ApiKeyScope): Principal[] => ["viewer", "admin", `key:${scope}`];
const admins = (scope: ApiKeyScope): Principal[] => ["admin", `key:${scope}`];

async function someUserId(f: RouterFixture): Promise<string> {
  return (await f.makeUser("user")).id;
}

async function someEndpoint(f: RouterFixture) {
  const created = await f.app.service.createWebhook({
    url: "https://8.8.8.8/hooks",
    events: ["session.created"],
  });
  return created.endpoint;
}

async function someSession(f: RouterFixture) {
  return f.app.service.createSession({ userId: await someUserId(f) });
}

const MATRIX: Record<ProcedurePath, Row> = {
  "auth.login": {
    allow: ["anonymous", "user", "viewer", "admin"],
    call: async (api, f) => {
      const admin = await f.makeUser("admin", { password: PASSWORD });
      return api.auth.login({ email: admin.email, password: PASSWORD });
    },
  },
  "auth.logout": { allow: ["user", "viewer", "admin"], call: (api) => api.auth.logout() },
  "auth.me": { allow: ["viewer", "admin"], call: (api) => api.auth.me() },
  // Every signed-in caller below has the password PASSWORD (see callerFor).
  "auth.reauthenticate": {
    allow: ["viewer", "admin"],
    call: (api) => api.auth.reauthenticate({ password: PASSWORD }),
  },

  "sessions.listActive": { allow: readers("sessions:read"), call: (api) => api.sessions.listActive({}) },
  "sessions.listForUser": {
    allow: readers("sessions:read"),
    call: async (api, f) => api.sessions.listForUser({ userId: await someUserId(f) }),
  },
  "sessions.get": {
    allow: readers("sessions:read"),
    call: async (api, f) => api.sessions.get({ id: (await someSession(f)).session.id }),
  },
  "sessions.count": { allow: readers("sessions:read"), call: (api) => api.sessions.count() },
  "sessions.countMatching": {
    allow: readers("sessions:read"),
    call: (api) => api.sessions.countMatching({ filter: { email: "example" } }),
  },
  "sessions.stats": { allow: readers("sessions:read"), call: (api) => api.sessions.stats() },
  "sessions.revoke": {
    allow: admins("sessions:revoke"),
    call: async (api, f) => api.sessions.revoke({ id: (await someSession(f)).session.id, reason: "matrix" }),
  },
  "sessions.revokeForUser": {
    allow: admins("sessions:revoke"),
    call: async (api, f) => api.sessions.revokeForUser({ userId: (await someSession(f)).session.user.id }),
  },
  "sessions.revokeMany": {
    allow: admins("sessions:revoke"),
    call: (api) => api.sessions.revokeMany({ filter: { status: "active" }, dryRun: true }),
  },
  "sessions.previewRevoke": {
    allow: admins("sessions:revoke"),
    call: async (api) => {
      let last: unknown = null;
      for await (const event of await api.sessions.previewRevoke({ filter: { status: "all" } })) last = event;
      expect(last).toMatchObject({ type: "done", revoked: 0 });
    },
  },
  "sessions.create": {
    allow: admins("sessions:issue"),
    call: async (api, f) => api.sessions.create({ userId: await someUserId(f) }),
  },
  "sessions.validate": {
    allow: admins("sessions:issue"),
    call: async (api, f) => api.sessions.validate({ token: (await someSession(f)).token }),
  },
  "sessions.end": {
    allow: admins("sessions:issue"),
    call: async (api, f) => api.sessions.end({ token: (await someSession(f)).token }),
  },
  "sessions.listForToken": {
    allow: admins("sessions:issue"),
    call: async (api, f) => api.sessions.listForToken({ token: (await someSession(f)).token }),
  },
  "sessions.revokeOthers": {
    allow: admins("sessions:issue"),
    call: async (api, f) => api.sessions.revokeOthers({ token: (await someSession(f)).token }),
  },
  "sessions.revokeOwn": {
    allow: admins("sessions:issue"),
    call: async (api, f) => {
      const { token, session } = await someSession(f);
      return api.sessions.revokeOwn({ token, id: session.id });
    },
  },
  "sessions.reauthenticated": {
    allow: admins("sessions:issue"),
    call: async (api, f) => api.sessions.reauthenticated({ token: (await someSession(f)).token }),
  },

  "users.create": {
    allow: admins("users:write"),
    call: (api) => api.users.create({ email: "new@example.com" }),
  },
  "users.list": { allow: readers("users:read"), call: (api) => api.users.list({}) },
  "users.get": {
    allow: readers("users:read"),
    call: async (api, f) => api.users.get({ id: await someUserId(f) }),
  },
  "users.setStatus": {
    allow: admins("users:write"),
    call: async (api, f) =>
      api.users.setStatus({ id: await someUserId(f), status: "disabled", reason: "matrix" }),
  },
  // Roles are an operator's decision: console admins only, no API key scope reaches it.
  "users.setRole": {
    allow: ["admin"],
    call: async (api, f) => api.users.setRole({ id: await someUserId(f), role: "viewer" }),
  },

  "audit.list": { allow: readers("audit:read"), call: (api) => api.audit.list({}) },

  "maintenance.cleanupPreview": {
    allow: readers("sessions:read"),
    call: (api) => api.maintenance.cleanupPreview(),
  },
  // Deleting history is an operator's decision: no key scope reaches it.
  "maintenance.cleanUp": { allow: ["admin"], call: (api) => api.maintenance.cleanUp() },

  // Key management is admin-only in the console (viewers do not see keys).
  "webhooks.create": {
    allow: admins("webhooks:manage"),
    call: (api) => api.webhooks.create({ url: "https://8.8.8.8/hooks", events: ["session.ended"] }),
  },
  "webhooks.list": { allow: readers("webhooks:manage"), call: (api) => api.webhooks.list() },
  "webhooks.get": {
    allow: readers("webhooks:manage"),
    call: async (api, f) => api.webhooks.get({ id: (await someEndpoint(f)).id }),
  },
  "webhooks.update": {
    allow: admins("webhooks:manage"),
    call: async (api, f) => api.webhooks.update({ id: (await someEndpoint(f)).id, enabled: false }),
  },
  "webhooks.delete": {
    allow: admins("webhooks:manage"),
    call: async (api, f) => api.webhooks.delete({ id: (await someEndpoint(f)).id }),
  },
  "webhooks.deliveries": {
    allow: readers("webhooks:manage"),
    call: async (api, f) => api.webhooks.deliveries({ endpointId: (await someEndpoint(f)).id }),
  },
  "webhooks.redeliver": {
    allow: admins("webhooks:manage"),
    call: async (api, f) => {
      const endpoint = await someEndpoint(f);
      await f.app.service.testWebhook(endpoint.id);
      const [delivery] = (await f.app.service.listWebhookDeliveries({ endpointId: endpoint.id })).items;
      return api.webhooks.redeliver({ deliveryId: delivery!.id });
    },
  },
  "webhooks.test": {
    allow: admins("webhooks:manage"),
    call: async (api, f) => api.webhooks.test({ id: (await someEndpoint(f)).id }),
  },

  "keys.create": {
    allow: admins("keys:manage"),
    call: (api) => api.keys.create({ name: "made by the matrix", scopes: ["keys:manage"] }),
  },
  "keys.list": { allow: admins("keys:manage"), call: (api) => api.keys.list() },
  "keys.revoke": {
    allow: admins("keys:manage"),
    call: async (api, f) => {
      const { apiKey } = await f.app.service.createApiKey({ name: "to revoke", scopes: ["sessions:read"] });
      return api.keys.revoke({ id: apiKey.id });
    },
  },

  events: {
    allow: readers("sessions:read"),
    call: async (api) => {
      const iterator = (await api.events())[Symbol.asyncIterator]();
      await iterator.return?.();
    },
  },
};

const f = useRouterFixture("sqlite-memory");

async function callerFor(principal: Principal): Promise<ApiCaller> {
  if (principal === "anonymous") return f.anonymous();
  if (principal.startsWith("key:")) {
    return (await f.makeKey([principal.slice("key:".length) as ApiKeyScope])).api;
  }
  const user = await f.makeUser(principal as "user" | "viewer" | "admin", { password: PASSWORD });
  const signedIn = await f.signIn(user);
  const caller: Caller = signedIn.caller;
  return f.as(caller, { cookie: memoryCookie(signedIn.token) });
}

describe("authorization matrix", () => {
  it("has exactly one row per procedure of the router", () => {
    expect(Object.keys(MATRIX).sort()).toEqual(Object.keys(appRouter._def.procedures).sort());
    for (const row of Object.values(MATRIX)) {
      for (const p of row.allow) expect(PRINCIPALS).toContain(p);
    }
  });

  const cells = Object.entries(MATRIX).flatMap(([path, row]) =>
    PRINCIPALS.map((principal) => {
      const expected = row.allow.includes(principal)
        ? "allowed"
        : principal === "anonymous"
          ? "UNAUTHORIZED"
          : "FORBIDDEN";
      return { path, principal, expected, row };
    }),
  );

  it.each(cells)("$path × $principal → $expected", async ({ principal, expected, row }) => {
    const api = await callerFor(principal);
    if (expected === "allowed") await row.call(api, f);
    else await expectTRPCError(row.call(api, f), expected as "UNAUTHORIZED" | "FORBIDDEN");
  });
});
