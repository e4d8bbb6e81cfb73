// Zod schemas for every service input. The service parses with them (so direct callers get the same
// checks as API callers) and apps/api reuses them as tRPC inputs, so the rules are written once.
import { z } from "zod";
import { ValidationError } from "./errors.js";
import {
  API_KEY_SCOPES,
  LIMITS,
  SESSION_END_REASONS,
  SESSION_KINDS,
  SESSION_SORT_KEYS,
  SESSION_STATUS_FILTERS,
  SORT_DIRECTIONS,
  USER_ROLES,
  USER_SORT_KEYS,
  USER_STATUSES,
} from "../vocab.js";

export const MAX_LIMIT = LIMITS.pageSize.max;
export const DEFAULT_LIMIT = LIMITS.pageSize.default;

// Every id the store makes is a UUIDv7; any other version nibble is accepted (ids are opaque to
// callers), but the shape is strict, so a raw token or a typo passed as an id is a 400, never a
// quiet "not found" that hides the caller's mistake.
const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const id = z
  .string()
  .trim()
  // abort: an empty or overlong id reports that alone, not also the shape it then cannot have.
  .min(1, { message: "is required", abort: true })
  .max(LIMITS.id, { message: "is too long", abort: true })
  .regex(UUID_SHAPE, "must be a UUID (every id is one, e.g. 0190c8e4-7b6a-7cde-8f12-3456789abcde)");
const shortText = (max: number) =>
  z.string().trim().min(1, "must not be empty").max(max, `must be at most ${max} characters`);

export const limitSchema = z
  .number()
  .int("must be a whole number")
  .min(LIMITS.pageSize.min, `must be at least ${LIMITS.pageSize.min}`)
  .max(MAX_LIMIT, `must be at most ${MAX_LIMIT}`)
  .default(DEFAULT_LIMIT);
export const cursorSchema = z.string().max(LIMITS.cursor).nullish();
export const reasonSchema = z
  .string()
  .trim()
  .max(LIMITS.reason, `must be at most ${LIMITS.reason} characters`)
  .nullish();

export const sessionFilterSchema = z
  .object({
    userId: id.optional(),
    // NFC like stored emails, so a search typed with combining marks still matches.
    email: z
      .string()
      .trim()
      .max(LIMITS.search)
      .transform((e) => e.normalize("NFC"))
      .optional(),
    status: z.enum(SESSION_STATUS_FILTERS).default("active"),
    createdFrom: z.coerce.date().optional(),
    createdTo: z.coerce.date().optional(),
    ip: shortText(LIMITS.ip).optional(),
    browser: shortText(LIMITS.browser).optional(),
    os: shortText(LIMITS.os).optional(),
    kind: z.enum(SESSION_KINDS).optional(),
    endReason: z.enum(SESSION_END_REASONS).optional(),
  })
  .refine((f) => !f.createdFrom || !f.createdTo || f.createdFrom <= f.createdTo, {
    message: "createdFrom must not be after createdTo",
    path: ["createdFrom"],
  })
  .transform((f) => (f.email === "" ? { ...f, email: undefined } : f));

export const sessionSortSchema = z.object({
  by: z.enum(SESSION_SORT_KEYS).default("createdAt"),
  dir: z.enum(SORT_DIRECTIONS).default("desc"),
});

export const listSessionsSchema = z.object({
  limit: limitSchema,
  cursor: cursorSchema,
  filter: sessionFilterSchema.default({ status: "active" }),
  sort: sessionSortSchema.default({ by: "createdAt", dir: "desc" }),
});

export const listUserSessionsSchema = z.object({
  limit: limitSchema,
  cursor: cursorSchema,
  status: z.enum(SESSION_STATUS_FILTERS).default("all"),
});

export const revokeManySchema = z.object({
  filter: sessionFilterSchema,
  dryRun: z.boolean().default(true),
  reason: reasonSchema,
});

/** A service's label for how the user authenticated: short, lower-case words ("password", "sso:okta"). */
export const authMethodSchema = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(LIMITS.authMethod, `must be at most ${LIMITS.authMethod} characters`)
  .regex(
    /^[a-z0-9][a-z0-9_.:-]*$/,
    "must be a short label of a-z, 0-9, _ . : - (e.g. password, passkey, sso)",
  );

export const createSessionSchema = z.object({
  userId: id,
  ip: z.string().trim().max(LIMITS.ip).nullish(),
  userAgent: z.string().max(LIMITS.userAgent).nullish(),
  // A Date, or an ISO string over JSON (REST): coerced like the filters' dates. Whether it is in
  // the future is checked against the service's clock (session-lifecycle.ts).
  authenticatedAt: z.coerce.date().nullish(),
  authMethod: authMethodSchema.nullish(),
});

/** A raw token as a service passes it (in a body, never a URL); its shape is checked where it is used. */
export const tokenSchema = z.string().max(500, "is too long");

export const validateSessionSchema = z.object({
  token: tokenSchema,
  /** Seconds: fresh is true only if the user authenticated at most this long ago. */
  maxAuthAge: z
    .number()
    .int("must be a whole number of seconds")
    .min(0, "must not be negative")
    .max(LIMITS.maxAuthAgeSeconds, `must be at most ${LIMITS.maxAuthAgeSeconds} seconds`)
    .optional(),
});

export const listForTokenSchema = z.object({ token: tokenSchema, limit: limitSchema, cursor: cursorSchema });
export const revokeOwnSchema = z.object({ token: tokenSchema, id });
export const reauthenticatedSchema = z.object({ token: tokenSchema, method: authMethodSchema.nullish() });

export const emailSchema = z
  .string()
  .trim()
  .max(LIMITS.email, `must be at most ${LIMITS.email} characters`)
  // Deliberately loose: one @, something on each side, no spaces. Unicode local parts and IDN
  // domains are valid addresses; only delivery can really prove an address.
  .regex(/^[^\s@]+@[^\s@]+$/u, "must be an email address")
  .transform((e) => e.normalize("NFC").toLowerCase());

export const passwordSchema = z
  .string()
  .min(LIMITS.password.min, `must be at least ${LIMITS.password.min} characters`)
  .max(LIMITS.password.max, `must be at most ${LIMITS.password.max} characters`);

export const createUserSchema = z.object({
  email: emailSchema,
  name: z.string().trim().max(LIMITS.name).nullish(),
  role: z.enum(USER_ROLES).default("user"),
  password: passwordSchema.nullish(),
  status: z.enum(USER_STATUSES).default("active"),
});

export const listUsersSchema = z.object({
  search: z
    .string()
    .trim()
    .max(LIMITS.search)
    .transform((s) => s.normalize("NFC"))
    .optional(),
  status: z.enum(USER_STATUSES).optional(),
  role: z.enum(USER_ROLES).optional(),
  sort: z
    .object({
      by: z.enum(USER_SORT_KEYS).default("createdAt"),
      dir: z.enum(SORT_DIRECTIONS).default("desc"),
    })
    .default({ by: "createdAt", dir: "desc" }),
  limit: limitSchema,
  cursor: cursorSchema,
});

export const listAuditSchema = z
  .object({
    // Any text, not z.enum(AUDIT_ACTIONS): an unknown action lists nothing instead of failing.
    action: shortText(LIMITS.auditFilter).optional(),
    actor: shortText(LIMITS.auditFilter).optional(),
    target: shortText(LIMITS.auditFilter).optional(),
    // A time range: from inclusive, to exclusive (a day picked in the console is [00:00, next 00:00)).
    from: z.coerce.date().optional(),
    to: z.coerce.date().optional(),
    limit: limitSchema,
    cursor: cursorSchema,
  })
  .refine((f) => !f.from || !f.to || f.from < f.to, {
    message: "from must be before to",
    path: ["from"],
  });

export const createApiKeySchema = z.object({
  name: shortText(LIMITS.apiKeyName),
  scopes: z
    .array(z.enum(API_KEY_SCOPES))
    .min(1, "choose at least one scope")
    .transform((s) => [...new Set(s)]),
  expiresInDays: z.number().int().min(1).max(LIMITS.apiKeyExpiryDays).nullish(),
});

export const idSchema = id;

/**
 * Parses input or throws a ValidationError naming each bad field. Nothing is changed on failure.
 * `path` names a bare argument (an id, a reason) that has no field name of its own.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, path?: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({
    path: [...(path ? [path] : []), ...i.path.map(String)].join("."),
    message: i.message,
  }));
  throw new ValidationError(
    issues.map((i) => (i.path ? `${i.path} ${i.message}` : i.message)).join("; "),
    issues,
  );
}
