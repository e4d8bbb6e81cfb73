// What the REST API answers, as zod schemas of the JSON on the wire (dates as ISO-8601 strings): the
// OpenAPI document's response schemas. Inputs need none here: each route's input is its procedure's
// own zod schema (routes.ts). The REST suite parses every answer it gets with these (strict, so a
// field the service adds and this file lacks fails the test rather than going undocumented).
import {
  AUDIT_ACTOR_TYPES,
  AUDIT_TARGET_TYPES,
  SESSION_END_REASONS,
  SESSION_KINDS,
  SESSION_LIMIT_POLICIES,
  SESSION_STATUSES,
  USER_ROLES,
  USER_STATUSES,
  WEBHOOK_DELIVERY_STATUSES,
  WEBHOOK_EVENT_TYPES,
  WEBHOOK_TEST_EVENT,
} from "@sessions/core";
import { z } from "zod";

/** Every named schema, by its name under #/components/schemas in the OpenAPI document. */
export const components = z.registry<{ id: string }>();

const instant = z.iso.datetime({ offset: true });

export const userJson = z
  .strictObject({
    id: z.string(),
    email: z.string(),
    name: z.string().nullable(),
    role: z.enum(USER_ROLES),
    status: z.enum(USER_STATUSES),
    confirmedAt: instant.nullable(),
    createdAt: instant,
    updatedAt: instant,
  })
  .register(components, { id: "User" });

export const userWithSessionsJson = userJson
  .extend({ activeSessions: z.number().int() })
  .register(components, { id: "UserWithSessionCount" });

export const userDetailJson = userWithSessionsJson
  .extend({
    sessionLimit: z
      .strictObject({
        max: z.number().int(),
        appSessions: z.number().int(),
        policy: z.enum(SESSION_LIMIT_POLICIES),
      })
      .nullable()
      .meta({ description: "MAX_SESSIONS_PER_USER and the active app sessions it counts; null = no limit." }),
  })
  .register(components, { id: "UserDetail" });

export const sessionJson = z
  .strictObject({
    id: z.string().meta({ description: "The session's public id. Never the token." }),
    tokenPreview: z.string().meta({ description: "First 8 hex characters of SHA-256(token)." }),
    kind: z.enum(SESSION_KINDS),
    user: z.strictObject({
      id: z.string(),
      email: z.string(),
      name: z.string().nullable(),
      status: z.enum(USER_STATUSES),
      role: z.enum(USER_ROLES),
    }),
    createdAt: instant,
    expiresAt: instant,
    lastSeenAt: instant,
    authenticatedAt: instant.nullable().meta({
      description:
        "When the user last authenticated for this session (sessions.create, sessions.reauthenticated).",
    }),
    authMethod: z
      .string()
      .nullable()
      .meta({ description: 'How, as the service labelled it ("password", "passkey", …).' }),
    ageSeconds: z.number().int(),
    status: z.enum(SESSION_STATUSES),
    isValid: z.boolean(),
    isCurrent: z.boolean(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    browser: z.string().nullable(),
    os: z.string().nullable(),
    deviceType: z.string().nullable(),
    revokedAt: instant.nullable(),
    revokedBy: z.string().nullable(),
    revokeReason: z.string().nullable(),
    endedAt: instant
      .nullable()
      .meta({ description: "When it ended (logout or revocation); null while live." }),
    endReason: z
      .enum(SESSION_END_REASONS)
      .nullable()
      .meta({ description: "Why it ended; null while live (expiry and idling out are statuses)." }),
  })
  .register(components, { id: "Session" });

export const auditEventJson = z
  .strictObject({
    id: z.string(),
    at: instant,
    actorType: z.enum(AUDIT_ACTOR_TYPES),
    actor: z.string(),
    action: z.string(),
    targetType: z.enum(AUDIT_TARGET_TYPES).nullable(),
    target: z.string().nullable(),
    ip: z.string().nullable(),
    reason: z.string().nullable(),
    count: z.number().int().nullable(),
    data: z.record(z.string(), z.unknown()).nullable(),
    actorName: z.string().nullable(),
    targetName: z.string().nullable(),
  })
  .register(components, { id: "AuditEvent" });

const page = <T extends z.ZodType>(item: T, id: string) =>
  z
    .strictObject({
      items: z.array(item),
      nextCursor: z
        .string()
        .nullable()
        .meta({ description: "Pass as `cursor` for the next page; null on the last one." }),
    })
    .register(components, { id });

export const sessionPageJson = page(sessionJson, "SessionPage");
export const userPageJson = page(userWithSessionsJson, "UserPage");
export const auditPageJson = page(auditEventJson, "AuditPage");

export const createdSessionJson = z
  .strictObject({
    token: z.string().meta({ description: "The raw session token: in this response only, never again." }),
    session: sessionJson,
  })
  .register(components, { id: "CreatedSession" });

export const validationJson = z
  .discriminatedUnion("valid", [
    z.strictObject({
      valid: z.literal(true),
      session: sessionJson,
      user: userJson,
      fresh: z.boolean().meta({
        description: "Whether the user authenticated within maxAuthAge seconds (always true without it).",
      }),
    }),
    z.strictObject({ valid: z.literal(false) }),
  ])
  .meta({
    description:
      "valid: false for any token that does not authenticate now (unknown, expired, idle, revoked, its user disabled).",
  })
  .register(components, { id: "Validation" });

export const endedJson = z
  .strictObject({ ok: z.boolean().meta({ description: "false when the token had no live session." }) })
  .register(components, { id: "Ended" });
export const reauthenticatedJson = z
  .strictObject({ authenticatedAt: instant, authMethod: z.string().nullable() })
  .register(components, { id: "Reauthenticated" });
export const okJson = z.strictObject({ ok: z.literal(true) }).register(components, { id: "Ok" });
export const revokedCountJson = z
  .strictObject({ revoked: z.number().int() })
  .register(components, { id: "RevokedCount" });
export const countJson = z.strictObject({ count: z.number().int() }).register(components, { id: "Count" });
export const matchingCountJson = z
  .strictObject({
    count: z.number().int().describe("The matches, or the cap (10,000) when there are more"),
    exact: z.boolean().describe('false: at least `count` match (show "10,000+")'),
  })
  .register(components, { id: "MatchingCount" });
export const statusChangedJson = z
  .strictObject({ ok: z.literal(true), user: userJson, revokedSessions: z.number().int() })
  .register(components, { id: "StatusChanged" });

const byName = z.array(z.strictObject({ name: z.string(), count: z.number().int() }));
export const statsJson = z
  .strictObject({
    totalActive: z.number().int(),
    uniqueUsers: z.number().int(),
    expiredSessions: z.number().int(),
    sessionsToday: z.number().int(),
    revokedToday: z.number().int(),
    byBrowser: byName,
    byOs: byName,
    createdPerDay: z.array(z.strictObject({ date: z.string(), count: z.number().int() })),
    timezone: z.string(),
    generatedAt: instant,
  })
  .register(components, { id: "SessionStats" });

export const errorJson = z
  .strictObject({
    error: z.strictObject({
      code: z
        .string()
        .meta({ description: "tRPC's error code: BAD_REQUEST, UNAUTHORIZED, FORBIDDEN, NOT_FOUND…" }),
      message: z.string(),
      issues: z.array(z.strictObject({ path: z.string(), message: z.string() })).nullable(),
      errorId: z.string().nullable(),
      retryAfterSeconds: z.number().int().nullable(),
      reauthRequired: z.boolean(),
    }),
  })
  .register(components, { id: "Error" });

export const webhookEndpointJson = z
  .strictObject({
    id: z.string(),
    url: z.string(),
    description: z.string().nullable(),
    events: z.array(z.enum(WEBHOOK_EVENT_TYPES)),
    enabled: z.boolean(),
    status: z.enum(["active", "failing", "disabled"]).meta({
      description: "failing: on, but its last deliveries failed (since failingSince); disabled: off",
    }),
    disabledReason: z
      .string()
      .nullable()
      .meta({
        description: '"failing" when the dispatcher turned it off after WEBHOOK_DISABLE_AFTER of failures',
      }),
    failingSince: instant.nullable(),
    createdBy: z.string().nullable(),
    createdAt: instant,
    updatedAt: instant,
  })
  .register(components, { id: "WebhookEndpoint" });

export const webhookEndpointPageJson = page(webhookEndpointJson, "WebhookEndpointPage");

export const createdWebhookJson = z
  .strictObject({
    endpoint: webhookEndpointJson,
    secret: z
      .string()
      .meta({ description: "The Standard Webhooks signing secret (whsec_…): in this response only" }),
  })
  .register(components, { id: "CreatedWebhook" });

export const webhookDeliveryJson = z
  .strictObject({
    id: z.string().meta({ description: "The webhook-id header: the same on every retry and redelivery" }),
    endpointId: z.string(),
    type: z.enum([...WEBHOOK_EVENT_TYPES, WEBHOOK_TEST_EVENT]),
    payload: z.string().meta({ description: "The JSON body exactly as signed and sent" }),
    createdAt: instant,
    status: z.enum(WEBHOOK_DELIVERY_STATUSES),
    attempts: z.number().int(),
    nextAttemptAt: instant.nullable(),
    lastAttemptAt: instant.nullable(),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    deliveredAt: instant.nullable(),
  })
  .register(components, { id: "WebhookDelivery" });

export const webhookDeliveryPageJson = page(webhookDeliveryJson, "WebhookDeliveryPage");
