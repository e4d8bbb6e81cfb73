// A route's input as JSON Schema, from its procedure's own zod schema (zod's converter, input side):
// what the OpenAPI document shows as parameters and body, and what the handler reads query strings
// by (a number field gets a number). Dates travel as ISO-8601 strings (the schemas coerce them).
import { z } from "zod";
import { appRouter } from "../router/index.js";

/** The JSON Schema subset this file reads. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  description?: string;
  [key: string]: unknown;
}

type ProcedureDef = { _def: { inputs: unknown[]; type: string } };

export function procedureOf(operationId: string): ProcedureDef {
  const procedures = appRouter._def.procedures as unknown as Record<string, ProcedureDef | undefined>;
  const procedure = procedures[operationId];
  if (!procedure) throw new Error(`REST route names no procedure: ${operationId}`);
  return procedure;
}

/**
 * zod's JSON Schema as a reader wants it (toJSONSchema's override hook, for inputs and for the
 * document's components alike): dates (coerced from ISO strings) as date-time strings, and none
 * of zod's noise (its ISO-8601 regex next to format, safe-integer bounds no value comes near).
 */
export const tidySchema: NonNullable<z.core.ToJSONSchemaParams["override"]> = ({ zodSchema, jsonSchema }) => {
  if (zodSchema._zod.def.type === "date") {
    jsonSchema.type = "string";
    jsonSchema.format = "date-time";
  }
  if (jsonSchema.format === "date-time") delete jsonSchema.pattern;
  if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
  if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
};

export function toJsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const json = z.toJSONSchema(schema, {
    io,
    target: "draft-2020-12",
    unrepresentable: "any",
    override: tidySchema,
  }) as JsonSchema;
  delete json.$schema;
  return json;
}

/** The procedure's input as an object schema (no input: no properties). */
export function inputObjectSchema(operationId: string): JsonSchema {
  const parser = procedureOf(operationId)._def.inputs[0];
  if (!parser) return { type: "object", properties: {} };
  const json = toJsonSchema(parser as z.ZodType, "input");
  // An optional input object (sessions.count) is an object all the same.
  const options = json.anyOf as JsonSchema[] | undefined;
  return options?.find((o) => o.type === "object") ?? json;
}
