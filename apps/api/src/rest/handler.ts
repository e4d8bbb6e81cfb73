// Serves /api/v1 (routes.ts): finds the route, builds the procedure's input from the path, the
// query string (GET) or the JSON body (POST), runs the procedure through tRPC's caller (so every
// check of the tRPC API applies unchanged) and answers plain JSON: dates as ISO-8601 strings, no
// superjson, errors as rest/errors.ts shapes them.
import type { IncomingMessage, ServerResponse } from "node:http";
import { getTRPCErrorFromUnknown, TRPCError } from "@trpc/server";
import { appRouter } from "../router/index.js";
import type { Context } from "../trpc/context.js";
import { readBody } from "../trpc/http-handler.js";
import { createCallerFactory } from "../trpc/procedures.js";
import { sendRestError } from "./errors.js";
import { inputObjectSchema, type JsonSchema } from "./input-schema.js";
import { NOT_FOUND, REST_ROUTES, type RestRoute } from "./routes.js";

export const REST_BASE = "/api/v1";

/** One query parameter of a GET route: where its value goes in the input, and its JSON type. */
export interface QueryParam {
  name: string;
  /** Input path: ["limit"], ["filter", "email"]. */
  path: [string] | [string, string];
  schema: JsonSchema;
  required: boolean;
}

export interface CompiledRoute {
  route: RestRoute;
  pattern: RegExp;
  pathParams: string[];
  /** GET routes: every query parameter it takes. */
  query: QueryParam[];
  /** POST routes: the body's schema (the input without the path parameters). */
  body: JsonSchema | null;
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export function compileRoute(route: RestRoute): CompiledRoute {
  const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const pattern = new RegExp(`^${route.path.replace(/\{\w+\}/g, "([^/]+)")}$`);
  const input = inputObjectSchema(route.operationId);
  const properties = input.properties ?? {};
  const required = new Set(input.required ?? []);
  const query: QueryParam[] = [];
  let body: JsonSchema | null = null;
  const rest = Object.entries(properties).filter(([name]) => !pathParams.includes(name));
  if (route.method === "GET") {
    for (const [name, schema] of rest) {
      const prefix = route.flatten?.[name];
      if (prefix === undefined) {
        query.push({ name, path: [name], schema, required: required.has(name) });
        continue;
      }
      for (const [field, fieldSchema] of Object.entries(schema.properties ?? {})) {
        query.push({
          name: prefix ? `${prefix}${capitalize(field)}` : field,
          path: [name, field],
          schema: fieldSchema,
          required: false,
        });
      }
    }
  } else if (rest.length > 0) {
    body = {
      type: "object",
      properties: Object.fromEntries(rest),
      required: (input.required ?? []).filter((n) => !pathParams.includes(n)),
    };
  }
  return { route, pattern, pathParams, query, body };
}

export const COMPILED_ROUTES: readonly CompiledRoute[] = REST_ROUTES.map(compileRoute);

const badRequest = (message: string) => new TRPCError({ code: "BAD_REQUEST", message });

const typesOf = (schema: JsonSchema): string[] =>
  schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];

/** A query string value as its schema's type; anything unreadable is left for zod to refuse by name. */
function queryValue(raw: string, schema: JsonSchema): unknown {
  const types = typesOf(schema);
  if ((types.includes("integer") || types.includes("number")) && raw.trim() !== "") {
    const n = Number(raw);
    return Number.isNaN(n) ? raw : n;
  }
  if (types.includes("boolean") && (raw === "true" || raw === "false")) return raw === "true";
  return raw;
}

export function queryInput(compiled: CompiledRoute, search: URLSearchParams): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  const seen = new Set<string>();
  for (const [name, raw] of search) {
    const param = compiled.query.find((p) => p.name === name);
    if (!param) {
      const known = compiled.query.map((p) => p.name).join(", ") || "none";
      throw badRequest(`Unknown query parameter "${name}" (this endpoint takes: ${known}).`);
    }
    if (seen.has(name)) throw badRequest(`Query parameter "${name}" is given more than once.`);
    seen.add(name);
    const value = queryValue(raw, param.schema);
    if (param.path.length === 1) input[param.path[0]] = value;
    else {
      const [outer, field] = param.path;
      const nested = (input[outer] ??= {}) as Record<string, unknown>;
      nested[field] = value;
    }
  }
  return input;
}

async function bodyInput(req: IncomingMessage, maxBodySize: number): Promise<Record<string, unknown>> {
  const text = await readBody(req, maxBodySize);
  if (text instanceof TRPCError) throw text;
  if (text.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new TRPCError({ code: "BAD_REQUEST", message: "The body is not valid JSON.", cause });
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw badRequest("The body must be a JSON object.");
  }
  return parsed as Record<string, unknown>;
}

export interface RestHandlerOptions {
  createContext(opts: { req: IncomingMessage; res: ServerResponse }): Promise<Context>;
  /** Reports an error as tRPC's onError does (refusal log, error log, 503 log). */
  onError(error: TRPCError, ctx: Context | undefined, operationId: string | undefined): void;
  maxBodySize: number;
}

export interface RestMatch {
  compiled: CompiledRoute;
  params: string[];
}

/** The route `method` `pathname` (under /api/v1) names, or why none does. */
export function matchRoute(
  method: string | undefined,
  pathname: string,
): RestMatch | { status: 404 } | { status: 405; allow: string[] } {
  const path = pathname.slice(REST_BASE.length) || "/";
  const allow: string[] = [];
  for (const compiled of COMPILED_ROUTES) {
    const m = compiled.pattern.exec(path);
    if (!m) continue;
    if (compiled.route.method === method) return { compiled, params: m.slice(1) };
    allow.push(compiled.route.method);
  }
  return allow.length ? { status: 405, allow } : { status: 404 };
}

const createCaller = createCallerFactory(appRouter);

export function createRestHandler(options: RestHandlerOptions) {
  return async function serveRest(
    req: IncomingMessage,
    res: ServerResponse,
    match: RestMatch,
    search: string,
  ): Promise<void> {
    const { route, pathParams, query } = match.compiled;
    res.setHeader("Cache-Control", "no-store");
    let ctx: Context | undefined;
    try {
      ctx = await options.createContext({ req, res });
      const input: Record<string, unknown> =
        route.method === "GET"
          ? queryInput(match.compiled, new URLSearchParams(search))
          : await bodyInput(req, options.maxBodySize);
      pathParams.forEach((name, i) => {
        let value: string;
        try {
          value = decodeURIComponent(match.params[i]!);
        } catch {
          throw badRequest(`The path's ${name} is not valid URL encoding.`);
        }
        if (name in input && input[name] !== value) {
          throw badRequest(`${name} is in the path; the body must not name another.`);
        }
        input[name] = value;
      });
      // No input at all (sessions.stats) stays undefined, as the tRPC client sends it.
      const hasInput = query.length > 0 || pathParams.length > 0 || match.compiled.body !== null;
      const call = procedureCall(createCaller(ctx), route.operationId);
      const data: unknown = await call(hasInput ? input : undefined);
      const shown = route.present ? route.present(data) : data;
      if (shown === NOT_FOUND) {
        return sendRestError(
          res,
          new TRPCError({ code: "NOT_FOUND", message: route.notFound ?? "Not found." }),
          ctx,
          route.operationId,
        );
      }
      res.statusCode = route.status ?? 200;
      res.setHeader("Content-Type", "application/json; charset=utf-8");
      res.end(JSON.stringify(shown));
    } catch (cause) {
      const error = getTRPCErrorFromUnknown(cause);
      options.onError(error, ctx, route.operationId);
      sendRestError(res, error, ctx, route.operationId);
    }
  };
}

type Callable = (input: unknown) => Promise<unknown>;

/** The caller's function for a dotted procedure path (caller.sessions.validate). */
function procedureCall(caller: object, path: string): Callable {
  let at: unknown = caller;
  for (const key of path.split(".")) at = (at as Record<string, unknown>)[key];
  if (typeof at !== "function") throw new Error(`no procedure at ${path}`);
  return at as Callable;
}
