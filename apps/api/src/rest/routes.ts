// The REST API (/api/v1): a plain-JSON door to the procedures services call, for languages without
// a tRPC client. Each route names one procedure (its operationId is the procedure's path) and runs
// it through tRPC's own caller, so authentication, scopes, input schemas, audit and errors are the
// procedure's and are never written twice; the route only says where its input comes from (path,
// query, body) and how the result is shaped as JSON.
import type { z } from "zod";
import {
  auditPageJson,
  countJson,
  createdSessionJson,
  endedJson,
  matchingCountJson,
  okJson,
  reauthenticatedJson,
  revokedCountJson,
  sessionJson,
  sessionPageJson,
  statsJson,
  statusChangedJson,
  userJson,
  userDetailJson,
  userPageJson,
  validationJson,
  createdWebhookJson,
  webhookDeliveryJson,
  webhookDeliveryPageJson,
  webhookEndpointJson,
  webhookEndpointPageJson,
} from "./schemas.js";

/** A result that answers 404 with this message instead of 200. */
export const NOT_FOUND = Symbol("not found");

export interface RestRoute {
  /** The procedure's path: also the OpenAPI operationId. */
  operationId: string;
  method: "GET" | "POST";
  /** OpenAPI path template under /api/v1; each {param} is an input field of the same name. */
  path: string;
  summary: string;
  /** Who may call, in the words of the README's procedure table. */
  access: string;
  tag: "sessions" | "users" | "audit" | "webhooks";
  /**
   * GET only: nested input objects whose fields are flat query parameters, each with the prefix
   * given ("" = none): { filter: "", sort: "sort" } reads ?email=…&sortBy=… into filter.email, sort.by.
   */
  flatten?: Record<string, string>;
  /** 201 for creations. */
  status?: 200 | 201;
  response: z.ZodType;
  /** The procedure's result as JSON; NOT_FOUND for a 404 (with notFound as its message). */
  present?: (data: unknown) => unknown;
  notFound?: string;
}

const nullIsNotFound = (data: unknown) => data ?? NOT_FOUND;
const okOrNotFound = (data: unknown) =>
  typeof data === "object" && data !== null && "ok" in data && data.ok === false ? NOT_FOUND : data;

export const REST_ROUTES: readonly RestRoute[] = [
  {
    operationId: "sessions.create",
    method: "POST",
    path: "/sessions",
    tag: "sessions",
    summary: "Issue an app session for a user; the raw token is in this response only",
    access: "admin / sessions:issue",
    status: 201,
    response: createdSessionJson,
  },
  {
    operationId: "sessions.validate",
    method: "POST",
    path: "/sessions/validate",
    tag: "sessions",
    summary: "Check a session token: the session and its user while it is valid (moves lastSeenAt)",
    access: "admin / sessions:issue",
    response: validationJson,
    present: (data) => (data ? { valid: true, ...data } : { valid: false }),
  },
  {
    operationId: "sessions.end",
    method: "POST",
    path: "/sessions/end",
    tag: "sessions",
    summary: "End (log out) the session a token belongs to",
    access: "admin / sessions:issue",
    response: endedJson,
  },
  {
    operationId: "sessions.listForToken",
    method: "POST",
    path: "/sessions/devices",
    tag: "sessions",
    summary:
      "Your devices: the token's user's active app sessions, isCurrent on the token's own (401 for an invalid token)",
    access: "admin / sessions:issue",
    response: sessionPageJson,
  },
  {
    operationId: "sessions.revokeOthers",
    method: "POST",
    path: "/sessions/revoke-others",
    tag: "sessions",
    summary: "Sign out everywhere else: end every other live app session of the token's user",
    access: "admin / sessions:issue",
    response: revokedCountJson,
  },
  {
    operationId: "sessions.revokeOwn",
    method: "POST",
    path: "/sessions/revoke-own",
    tag: "sessions",
    summary: "End one of the token's user's own app sessions by id (any other id is 404)",
    access: "admin / sessions:issue",
    response: okJson,
    present: okOrNotFound,
    notFound: "No live session of this user with this id.",
  },
  {
    operationId: "sessions.reauthenticated",
    method: "POST",
    path: "/sessions/reauthenticated",
    tag: "sessions",
    summary: "Record that the service re-verified the token's user (renews authenticatedAt for maxAuthAge)",
    access: "admin / sessions:issue",
    response: reauthenticatedJson,
  },
  {
    operationId: "sessions.listActive",
    method: "GET",
    path: "/sessions",
    tag: "sessions",
    summary: "List sessions matching a filter (default: active), newest first, a page at a time",
    access: "viewer / sessions:read",
    flatten: { filter: "", sort: "sort" },
    response: sessionPageJson,
  },
  {
    operationId: "sessions.count",
    method: "GET",
    path: "/sessions/count",
    tag: "sessions",
    summary: "Count active sessions, or those matching the same filter as the list",
    access: "viewer / sessions:read",
    flatten: { filter: "" },
    response: countJson,
    present: (count) => ({ count }),
  },
  {
    operationId: "sessions.countMatching",
    method: "GET",
    path: "/sessions/count-matching",
    tag: "sessions",
    summary:
      "How many sessions match a filter, with bounded work: exact up to 10,000 (or from the maintained figures), else 10,000 and exact: false",
    access: "viewer / sessions:read",
    flatten: { filter: "" },
    response: matchingCountJson,
  },
  {
    operationId: "sessions.stats",
    method: "GET",
    path: "/sessions/stats",
    tag: "sessions",
    summary: "The overview's statistics",
    access: "viewer / sessions:read",
    response: statsJson,
  },
  {
    operationId: "sessions.get",
    method: "GET",
    path: "/sessions/{id}",
    tag: "sessions",
    summary: "One session by id",
    access: "viewer / sessions:read",
    response: sessionJson,
    present: nullIsNotFound,
    notFound: "No session with this id.",
  },
  {
    operationId: "sessions.revoke",
    method: "POST",
    path: "/sessions/{id}/revoke",
    tag: "sessions",
    summary: "Revoke one live session",
    access: "admin / sessions:revoke",
    response: okJson,
    present: okOrNotFound,
    notFound: "No live session with this id.",
  },
  {
    operationId: "sessions.listForUser",
    method: "GET",
    path: "/users/{userId}/sessions",
    tag: "sessions",
    summary: "A user's sessions (default: all statuses), newest first",
    access: "viewer / sessions:read",
    response: sessionPageJson,
  },
  {
    operationId: "sessions.revokeForUser",
    method: "POST",
    path: "/users/{userId}/sessions/revoke",
    tag: "sessions",
    summary: "Revoke every live session of a user",
    access: "admin / sessions:revoke",
    response: revokedCountJson,
  },
  {
    operationId: "users.create",
    method: "POST",
    path: "/users",
    tag: "users",
    summary: "Create a user",
    access: "admin / users:write",
    status: 201,
    response: userJson,
  },
  {
    operationId: "users.list",
    method: "GET",
    path: "/users",
    tag: "users",
    summary: "List users, each with its active session count (newest first, or ?sortBy=email&sortDir=asc)",
    access: "viewer / users:read",
    flatten: { sort: "sort" },
    response: userPageJson,
  },
  {
    operationId: "users.get",
    method: "GET",
    path: "/users/{id}",
    tag: "users",
    summary: "One user by id",
    access: "viewer / users:read",
    response: userDetailJson,
    present: nullIsNotFound,
    notFound: "No user with this id.",
  },
  {
    operationId: "users.setStatus",
    method: "POST",
    path: "/users/{id}/status",
    tag: "users",
    summary: "Enable or disable a user; disabling revokes their sessions in the same transaction",
    access: "admin / users:write (a key: not an operator)",
    response: statusChangedJson,
    present: okOrNotFound,
    notFound: "No user with this id.",
  },
  {
    operationId: "audit.list",
    method: "GET",
    path: "/audit",
    tag: "audit",
    summary: "The audit log, newest first (?from=&to= for a time range: ISO instants, to exclusive)",
    access: "viewer / audit:read",
    response: auditPageJson,
  },
  {
    operationId: "webhooks.create",
    method: "POST",
    path: "/webhooks",
    tag: "webhooks",
    summary: "Add an endpoint for the chosen events; the signing secret is in this response only",
    access: "admin / webhooks:manage",
    status: 201,
    response: createdWebhookJson,
  },
  {
    operationId: "webhooks.list",
    method: "GET",
    path: "/webhooks",
    tag: "webhooks",
    summary: "Every webhook endpoint, oldest first (never a secret)",
    access: "viewer / webhooks:manage",
    response: webhookEndpointPageJson,
  },
  {
    operationId: "webhooks.get",
    method: "GET",
    path: "/webhooks/{id}",
    tag: "webhooks",
    summary: "One webhook endpoint by id",
    access: "viewer / webhooks:manage",
    response: webhookEndpointJson,
  },
  {
    operationId: "webhooks.update",
    method: "POST",
    path: "/webhooks/{id}",
    tag: "webhooks",
    summary: "Change an endpoint's url, events, description or enabled (enabling clears its failures)",
    access: "admin / webhooks:manage",
    response: webhookEndpointJson,
  },
  {
    operationId: "webhooks.delete",
    method: "POST",
    path: "/webhooks/{id}/delete",
    tag: "webhooks",
    summary: "Delete an endpoint and its delivery log",
    access: "admin / webhooks:manage",
    response: okJson,
    present: okOrNotFound,
    notFound: "No webhook endpoint with this id.",
  },
  {
    operationId: "webhooks.deliveries",
    method: "GET",
    path: "/webhooks/{endpointId}/deliveries",
    tag: "webhooks",
    summary: "An endpoint's deliveries, newest first: status, attempts, last status code and error",
    access: "viewer / webhooks:manage",
    response: webhookDeliveryPageJson,
  },
  {
    operationId: "webhooks.redeliver",
    method: "POST",
    path: "/webhooks/deliveries/{deliveryId}/redeliver",
    tag: "webhooks",
    summary: "Send a delivery again, with the same webhook-id",
    access: "admin / webhooks:manage",
    response: webhookDeliveryJson,
  },
  {
    operationId: "webhooks.test",
    method: "POST",
    path: "/webhooks/{id}/test",
    tag: "webhooks",
    summary: "Send a webhook.test event to the endpoint",
    access: "admin / webhooks:manage",
    response: okJson,
  },
];
