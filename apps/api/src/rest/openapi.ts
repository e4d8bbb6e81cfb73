// The OpenAPI 3.1 document of /api/v1 (GET /api/openapi.json), built from the routes themselves:
// parameters and bodies from each procedure's zod input schema, responses from rest/schemas.ts,
// one operationId per procedure path. Built once per process; nothing in it varies per request.
import { z } from "zod";
import { REST_BASE, COMPILED_ROUTES, type CompiledRoute } from "./handler.js";
import { tidySchema, type JsonSchema } from "./input-schema.js";
import { EXPORTS } from "./export.js";
import { components, errorJson } from "./schemas.js";

const ERRORS: Record<string, string> = {
  "400": "Bad input (BAD_REQUEST): `error.issues` names each field",
  "401": "No or unknown credentials (UNAUTHORIZED)",
  "403": "The key lacks the scope, or the sign-in the role (FORBIDDEN)",
  "404": "Not found (NOT_FOUND)",
  "503": "The database cannot answer now (SERVICE_UNAVAILABLE); retry after Retry-After seconds",
};

const ref = (schema: z.ZodType): JsonSchema => {
  const id = components.get(schema)?.id;
  if (!id) throw new Error("REST response schemas must be registered components");
  return { $ref: `#/components/schemas/${id}` };
};

function componentSchemas(): Record<string, JsonSchema> {
  const { schemas } = z.toJSONSchema(components, {
    io: "output",
    target: "draft-2020-12",
    uri: (id) => `#/components/schemas/${id}`,
    override: tidySchema,
  }) as { schemas: Record<string, JsonSchema> };
  for (const schema of Object.values(schemas)) {
    delete schema.$schema;
    delete schema.$id;
  }
  return schemas;
}

function operation(compiled: CompiledRoute) {
  const { route } = compiled;
  const parameters = [
    ...compiled.pathParams.map((name) => ({ name, in: "path", required: true, schema: { type: "string" } })),
    ...compiled.query.map((p) => ({
      name: p.name,
      in: "query",
      required: p.required,
      ...(p.schema.description ? { description: p.schema.description } : {}),
      schema: p.schema,
    })),
  ];
  const status = String(route.status ?? 200);
  const errors = Object.fromEntries(
    Object.entries(ERRORS)
      .filter(([code]) => code !== "404" || route.notFound || compiled.pathParams.length > 0)
      .map(([code, description]) => [
        code,
        { description, content: { "application/json": { schema: ref(errorJson) } } },
      ]),
  );
  return {
    operationId: route.operationId,
    summary: route.summary,
    description: `Who may call: ${route.access} (console role / API key scope). tRPC: \`${route.operationId}\`.`,
    tags: [route.tag],
    ...(parameters.length ? { parameters } : {}),
    ...(compiled.body
      ? { requestBody: { required: true, content: { "application/json": { schema: compiled.body } } } }
      : {}),
    responses: {
      [status]: {
        description: route.summary,
        content: { "application/json": { schema: ref(route.response) } },
      },
      ...errors,
    },
  };
}

/** The REST API's own version: /api/v1 changes only compatibly while this stays 1.x. */
export const REST_API_VERSION = "1.0.0";

function exportOperation(kind: (typeof EXPORTS)[number]) {
  const errors = Object.fromEntries(
    Object.entries(ERRORS)
      .filter(([code]) => code !== "404")
      .map(([code, description]) => [
        code,
        { description, content: { "application/json": { schema: ref(errorJson) } } },
      ]),
  );
  const what = kind.what === "sessions" ? "sessions" : "audit events";
  return {
    operationId: `${kind.what}.export`,
    summary: `Export every matching ${what} as CSV or JSON lines, streamed`,
    description:
      `Who may call: ${kind.access.role} / ${kind.access.scope}. The same filter as the list, as flat query ` +
      "parameters; streamed row by row (constant memory on the server). CSV cells that a spreadsheet would run " +
      "as a formula get a leading apostrophe. Each export is an audit event with its filter and row count.",
    tags: [kind.what],
    parameters: [
      {
        name: "format",
        in: "query",
        required: false,
        schema: { type: "string", enum: ["csv", "jsonl"], default: "csv" },
      },
      ...[...kind.list.query, ...kind.extra].map((p) => ({
        name: p.name,
        in: "query",
        required: false,
        schema: p.schema,
      })),
    ],
    responses: {
      "200": {
        description: `The ${what}, newest first: CSV with a header row, or one JSON object per line`,
        content: {
          "text/csv": { schema: { type: "string" } },
          "application/jsonl": { schema: { type: "string" } },
        },
      },
      ...errors,
    },
  };
}

export function buildOpenApiDocument(options: { serverUrl?: string } = {}) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const compiled of COMPILED_ROUTES) {
    const path = `${REST_BASE}${compiled.route.path}`;
    (paths[path] ??= {})[compiled.route.method.toLowerCase()] = operation(compiled);
  }
  for (const kind of EXPORTS) paths[kind.path] = { get: exportOperation(kind) };
  return {
    openapi: "3.1.0",
    info: {
      title: "Sessions API",
      version: REST_API_VERSION,
      description:
        "The session authority's REST API: the operations services use, with the same API keys, scopes, " +
        "input rules and errors as the tRPC API. Send an API key as `Authorization: Bearer <key>`. " +
        "Dates are ISO-8601 strings. Lists are keyset-paginated: pass `nextCursor` back as `cursor`.",
      license: { name: "Proprietary", identifier: "LicenseRef-Proprietary" },
    },
    servers: [{ url: options.serverUrl ?? "/" }],
    security: [{ bearer: [] }],
    tags: [
      { name: "sessions", description: "Issue, validate, end, list and revoke sessions" },
      { name: "users", description: "The users sessions belong to" },
      { name: "audit", description: "Every change and refusal, newest first" },
      {
        name: "webhooks",
        description:
          "Endpoints that receive signed (Standard Webhooks) session events, and their delivery logs",
      },
    ],
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: "http",
          scheme: "bearer",
          description: "An API key (sk_…) from the console or the CLI.",
        },
      },
      schemas: componentSchemas(),
    },
  };
}
