// A fake API for component tests: answers tRPC batch requests from handlers, with superjson, the
// way apps/api does, so components run their real queries and mutations against it.
import superjson from "superjson";
import { vi } from "vitest";

export type Handler = (input: unknown) => unknown;

export interface MockApi {
  calls: { path: string; input: unknown }[];
  restore: () => void;
}

export function mockApi(handlers: Record<string, Handler>): MockApi {
  const calls: MockApi["calls"] = [];
  const original = globalThis.fetch;
  const fake = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
    const href = typeof url === "string" ? url : url instanceof URL ? url.href : url.url;
    const parsed = new URL(href, "http://localhost");
    const paths = decodeURIComponent(parsed.pathname.replace(/^\/trpc\//, "")).split(",");
    let inputs: Record<
      string,
      { json: unknown; meta?: Parameters<typeof superjson.deserialize>[0]["meta"] }
    > = {};
    if (init?.method === "POST" && typeof init.body === "string")
      inputs = JSON.parse(init.body) as typeof inputs;
    else if (parsed.searchParams.get("input"))
      inputs = JSON.parse(parsed.searchParams.get("input")!) as typeof inputs;
    const results = paths.map((path, i) => {
      const raw = inputs[String(i)];
      const input = raw ? superjson.deserialize({ json: raw.json as never, meta: raw.meta }) : undefined;
      calls.push({ path, input });
      const handler = handlers[path];
      if (!handler)
        return {
          error: { json: { message: `no handler for ${path}`, code: -32004, data: { code: "NOT_FOUND" } } },
        };
      return { result: { data: superjson.serialize(handler(input)) } };
    });
    return new Response(JSON.stringify(results), {
      status: 200,
      headers: { "content-type": "application/json" },
    });
  });
  globalThis.fetch = fake;
  return { calls, restore: () => (globalThis.fetch = original) };
}

export function fakeSession(n: number, overrides: Record<string, unknown> = {}) {
  const created = new Date(Date.UTC(2025, 0, 1, 12, 0, n));
  return {
    id: `s${n}`,
    tokenPreview: `abcd${String(n).padStart(4, "0")}`,
    user: { id: `u${n}`, email: `user${n}@example.com`, name: `User ${n}`, status: "active", role: "user" },
    createdAt: created,
    expiresAt: new Date(created.getTime() + 60 * 86400_000),
    lastSeenAt: created,
    ageSeconds: 3600,
    status: "active",
    isValid: true,
    isCurrent: false,
    ip: "203.0.113.7",
    userAgent: "Mozilla/5.0",
    browser: "Chrome",
    os: "macOS",
    deviceType: "desktop",
    revokedAt: null,
    revokedBy: null,
    revokeReason: null,
    ...overrides,
  };
}
