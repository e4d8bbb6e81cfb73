// The lean tRPC handler (src/trpc/http-handler.ts) against tRPC's own node handler: the same requests, over
// the same services and context, must get the same status, headers that matter, body and onError
// reports; and every request it does not serve must reach tRPC's handler.
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { SessionsStore } from "@sessions/core";
import { createStoreHarness, FakeClock, type StoreHarness } from "@sessions/core/testing";
import type { TRPCError } from "@trpc/server";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAppServices } from "../src/app-services.js";
import { createLogger } from "../src/logger.js";
import { appRouter } from "../src/router/index.js";
import { testEnv } from "../src/testing/index.js";
import { createHttpContextFactory } from "../src/trpc/context.js";
import { createTrpcHttpHandler } from "../src/trpc/http-handler.js";

interface Exchange {
  status: number;
  contentType: string | undefined;
  vary: string | undefined;
  body: string;
  errors: string[];
}

interface Case {
  name: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Served by tRPC's handler rather than the lean one. */
  fallback?: boolean;
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => resolve(`127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

function send(host: string, c: Case): Promise<Omit<Exchange, "errors">> {
  return new Promise((resolve, reject) => {
    const [hostname, port] = host.split(":");
    const req = request(
      { hostname, port: Number(port), method: c.method, path: c.path, headers: c.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: res.headers["content-type"],
            vary: res.headers.vary,
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
      },
    );
    req.on("error", reject);
    req.end(c.body);
  });
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const json = (value: unknown) => JSON.stringify(superjson.serialize(value));

describe("lean tRPC handler", () => {
  let harness: StoreHarness;
  let lean: Server;
  let standard: Server;
  let leanHost: string;
  let standardHost: string;
  const leanErrors: string[] = [];
  const standardErrors: string[] = [];
  let fallbacks = 0;
  let token: string;
  let sessionId: string;
  let issueKey: string;
  let readKey: string;

  beforeAll(async () => {
    harness = await createStoreHarness("sqlite-memory");
    const base = await harness.fresh();
    // sessions.stats fails unexpectedly: an INTERNAL_SERVER_ERROR with an error id.
    const store: SessionsStore = { ...base, sessionStats: () => Promise.reject(new Error("disk on fire")) };
    const services = createAppServices({
      env: testEnv(),
      store,
      clock: new FakeClock("2026-03-10T12:00:00.000Z"),
      logger: createLogger({ level: "silent" }),
      statsDebounceMs: 0,
    });
    const user = await services.service.createUser({ email: "someone@example.com", role: "user" });
    const created = await services.service.createSession({ userId: user.id });
    token = created.token;
    sessionId = created.session.id;
    issueKey = (await services.service.createApiKey({ name: "issue", scopes: ["sessions:issue"] })).key;
    readKey = (await services.service.createApiKey({ name: "read", scopes: ["sessions:read"] })).key;

    const createContext = createHttpContextFactory(services, {
      allowedOrigins: ["http://console.example"],
      trustProxy: false,
    });
    const report = (into: string[]) => (o: { error: TRPCError; path: string | undefined }) =>
      void into.push(`${o.error.code} ${o.path ?? "-"}`);
    // Both servers (and the lean one's fallback) are set up alike but for where errors are reported.
    const options = {
      router: appRouter,
      basePath: "/trpc/",
      createContext,
      maxBodySize: 2_000,
      maxBatchSize: 3,
    };
    const leanOptions = { ...options, onError: report(leanErrors) };
    const leanHandler = createTrpcHttpHandler({
      ...leanOptions,
      fallback: (req: IncomingMessage, res: ServerResponse) => {
        fallbacks++;
        return createHTTPHandler(leanOptions)(req, res);
      },
    });
    lean = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://localhost");
      void leanHandler(req, res, url.pathname, url.search.slice(1));
    });
    standard = createServer(createHTTPHandler({ ...options, onError: report(standardErrors) }));
    leanHost = await listen(lean);
    standardHost = await listen(standard);
  });

  afterAll(async () => {
    lean?.close();
    standard?.close();
    await harness?.dispose();
  });

  const post = (
    name: string,
    path: string,
    body: string | Buffer | undefined,
    headers: Record<string, string> = {},
    fallback = false,
  ): Case => ({
    name,
    method: "POST",
    path,
    headers: { "content-type": "application/json", ...headers },
    body,
    fallback,
  });
  const get = (name: string, path: string, headers: Record<string, string> = {}, fallback = false): Case => ({
    name,
    method: "GET",
    path,
    headers,
    fallback,
  });

  const cases = (): Case[] => {
    const issue = { authorization: `Bearer ${issueKey}` };
    const read = { authorization: `Bearer ${readKey}` };
    const validateBatch = `{"0":${json({ token })}}`;
    return [
      post("batched mutation", "/trpc/sessions.validate?batch=1", validateBatch, issue),
      post("single mutation", "/trpc/sessions.validate", json({ token }), issue),
      post(
        "unknown token",
        "/trpc/sessions.validate?batch=1",
        `{"0":${json({ token: "x".repeat(43) })}}`,
        issue,
      ),
      post("no credentials", "/trpc/sessions.validate?batch=1", validateBatch),
      post("missing scope", "/trpc/sessions.validate?batch=1", validateBatch, read),
      post("unknown key", "/trpc/sessions.validate?batch=1", validateBatch, {
        authorization: "Bearer sk_sess_unknown",
      }),
      post("invalid input", "/trpc/sessions.validate?batch=1", `{"0":${json({ token: 5 })}}`, issue),
      post("malformed JSON", "/trpc/sessions.validate?batch=1", "{nope", issue),
      post("empty body", "/trpc/sessions.validate?batch=1", "", issue),
      post("batch input not an object", "/trpc/sessions.validate?batch=1", "[1]", issue),
      post("byte-order mark", "/trpc/sessions.validate?batch=1", `\uFEFF${validateBatch}`, issue),
      post(
        "body too large",
        "/trpc/sessions.validate?batch=1",
        `{"0":${json({ token: "y".repeat(3_000) })}}`,
        issue,
      ),
      post(
        "batch with an error (207)",
        "/trpc/sessions.validate,sessions.validate?batch=1",
        `{"0":${json({ token })},"1":${json({ token: 1 })}}`,
        issue,
      ),
      post(
        "batch with a missing input",
        "/trpc/sessions.validate,sessions.validate?batch=1",
        validateBatch,
        issue,
      ),
      post("encoded path", "/trpc/sessions%2Evalidate?batch=1", validateBatch, issue),
      post("cross-site POST", "/trpc/sessions.validate?batch=1", validateBatch, {
        ...issue,
        origin: "https://evil.example",
      }),
      post("allowed origin", "/trpc/sessions.validate?batch=1", validateBatch, {
        ...issue,
        origin: "http://console.example",
      }),
      post("charset in content type", "/trpc/sessions.validate?batch=1", validateBatch, {
        ...issue,
        "content-type": "Application/JSON; charset=utf-8",
      }),
      get("query", "/trpc/sessions.count", read),
      get("batched queries", "/trpc/sessions.count,sessions.get?batch=1", read),
      get(
        "query with input",
        `/trpc/sessions.get?input=${encodeURIComponent(json({ id: sessionId }))}`,
        read,
      ),
      get(
        "batched query inputs",
        `/trpc/sessions.get,sessions.get?batch=1&input=${encodeURIComponent(`{"0":${json({ id: sessionId })},"1":${json({ id: "nope" })}}`)}`,
        read,
      ),
      get("query with malformed input", "/trpc/sessions.get?input=%7Bnope", read),
      get("unexpected error", "/trpc/sessions.stats", read),
      get("query without credentials", "/trpc/sessions.count"),
      // tRPC's handler decides these.
      get("unknown procedure", "/trpc/sessions.nope", read, true),
      get("query path that is a router", "/trpc/sessions", read, true),
      get("mutation over GET", "/trpc/sessions.validate", issue, true),
      post("query over POST", "/trpc/sessions.count", "{}", read, true),
      post("text body", "/trpc/sessions.validate", "token", { ...issue, "content-type": "text/plain" }, true),
      post(
        "no content type",
        "/trpc/sessions.validate",
        json({ token }),
        { ...issue, "content-type": "" },
        true,
      ),
      post(
        "jsonl streaming",
        "/trpc/sessions.validate?batch=1",
        validateBatch,
        { ...issue, "trpc-accept": "application/jsonl" },
        true,
      ),
      post(
        "batch over the limit",
        "/trpc/sessions.validate,sessions.validate,sessions.validate,sessions.validate?batch=1",
        validateBatch,
        issue,
        true,
      ),
      post("malformed path encoding", "/trpc/sessions.validate%E0%A4%A?batch=1", validateBatch, issue, true),
      { name: "HEAD", method: "HEAD", path: "/trpc/sessions.count", headers: read, fallback: true },
    ];
  };

  it("answers every request as tRPC's handler does", async () => {
    for (const c of cases()) {
      const before = fallbacks;
      leanErrors.length = 0;
      standardErrors.length = 0;
      const mine = { ...(await send(leanHost, c)), errors: [...leanErrors] };
      const theirs = { ...(await send(standardHost, c)), errors: [...standardErrors] };
      const masked = (e: Exchange) => ({ ...e, body: e.body.replace(UUID, "<uuid>") });
      expect(masked(mine), c.name).toEqual(masked(theirs));
      expect(fallbacks - before, `${c.name}: served by tRPC's handler`).toBe(c.fallback ? 1 : 0);
    }
  });

  it("gives up on a body whose client went away mid-way", async () => {
    leanErrors.length = 0;
    const [hostname, port] = leanHost.split(":");
    const req = request({
      hostname,
      port: Number(port),
      method: "POST",
      path: "/trpc/sessions.validate?batch=1",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${issueKey}`,
        "content-length": "1000",
      },
    });
    req.on("error", () => {});
    req.write('{"0":{"json":{"token":"');
    await new Promise((r) => setTimeout(r, 50));
    req.destroy();
    const deadline = Date.now() + 2_000;
    while (leanErrors.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(leanErrors).toEqual(["CLIENT_CLOSED_REQUEST sessions.validate"]);
  });

  it("hands subscriptions to tRPC's handler", async () => {
    const before = fallbacks;
    const res = await send(leanHost, get("subscription without credentials", "/trpc/events"));
    expect(fallbacks - before).toBe(1);
    expect(res.contentType).toContain("text/event-stream");
  });
});
