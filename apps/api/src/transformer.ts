// The API's tRPC transformer: superjson, with a faster encoder for what procedures return. superjson's
// generic walker (a path array and a list of type rules per value, an identity map) took ~12 µs of
// the ~160 µs of CPU an API-key sessions.validate costs. Procedure results are plain objects and
// arrays of strings, finite numbers, booleans, null and Dates; for exactly those, and only when no
// object appears twice, encodeOutput writes what superjson.serialize writes (the same JSON and the
// same meta.values, byte for byte: test/transformer.test.ts). Anything else (undefined, NaN, ±Infinity,
// -0, bigint, Map, Set, RegExp, Error, URL, class instances, shared or circular references,
// superjson's forbidden keys) is handed to superjson.serialize whole. Inputs are decoded by superjson.
import superjson from "superjson";
import type { SuperJSONResult } from "superjson";

type Annotations = Record<string, ["Date"]>;

/** Not encodable here: superjson.serialize encodes the whole value instead. */
class Unsupported extends Error {}
const unsupported = new Unsupported();

// superjson refuses these keys (prototype pollution) by throwing; superjson must then throw itself.
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** superjson's path escaping: "\" and "." inside a key are backslash-escaped. */
function escapeKey(key: string): string {
  return key.includes("\\") || key.includes(".") ? key.replace(/\\/g, "\\\\").replace(/\./g, "\\.") : key;
}

function encode(value: unknown, path: string, annotations: Annotations, seen: Set<object>): unknown {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      if (!Number.isFinite(value) || Object.is(value, -0)) throw unsupported;
      return value;
    case "object": {
      if (value === null) return null;
      if (seen.has(value)) throw unsupported;
      seen.add(value);
      if (value instanceof Date) {
        const time = value.getTime();
        if (Number.isNaN(time)) throw unsupported;
        annotations[path] = ["Date"];
        return value.toISOString();
      }
      const prefix = path === "" ? "" : `${path}.`;
      if (Array.isArray(value)) {
        const out: unknown[] = new Array<unknown>(value.length);
        for (let i = 0; i < value.length; i++) out[i] = encode(value[i], `${prefix}${i}`, annotations, seen);
        return out;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) throw unsupported;
      const record = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(record)) {
        if (FORBIDDEN_KEYS.has(key)) throw unsupported;
        out[key] = encode(record[key], prefix + escapeKey(key), annotations, seen);
      }
      return out;
    }
    default:
      throw unsupported;
  }
}

/** superjson.serialize's output for values this encoder supports, or null for any other value. */
export function encodeFast(value: unknown): SuperJSONResult | null {
  // A Date at the root is annotated with the type alone, not by path.
  if (value instanceof Date && !Number.isNaN(value.getTime())) {
    return { json: value.toISOString(), meta: { values: ["Date"], v: 1 } };
  }
  const annotations: Annotations = {};
  let json: unknown;
  try {
    json = encode(value, "", annotations, new Set());
  } catch (error) {
    if (error instanceof Unsupported) return null;
    throw error;
  }
  for (const _ in annotations) {
    return { json, meta: { values: annotations, v: 1 } } as SuperJSONResult;
  }
  return { json } as SuperJSONResult;
}

export function encodeOutput(value: unknown): SuperJSONResult {
  return encodeFast(value) ?? superjson.serialize(value);
}

/** tRPC's combined transformer: superjson for inputs; encodeOutput for results and errors. */
export const transformer = {
  input: superjson,
  output: {
    serialize: encodeOutput,
    deserialize: (payload: SuperJSONResult): unknown => superjson.deserialize(payload),
  },
};
