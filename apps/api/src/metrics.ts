// Prometheus metrics for GET /metrics (http/metrics-endpoint.ts): one registry per app, so tests
// build as many apps as they like and each scrape sees only its own process. Counters are fed by the
// service (ServiceMetrics, on the hot path: a label lookup and an add) and by the request pipeline;
// the gauges are read when scraped, from the figures the stores maintain for the statistics (no
// session scan), at most once per FIGURES_TTL_MS however many scrapers there are.
import { SESSION_END_REASONS, SESSION_KINDS, VALIDATION_RESULTS, type ServiceMetrics } from "@sessions/core";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

/** The figures the gauges show, read from the service when scraped. */
export interface ActiveFigures {
  active: number;
  users: number;
}

export interface AppMetrics {
  readonly registry: Registry;
  /** What createSessionsService({ metrics }) counts with. */
  readonly service: ServiceMetrics;
  /** One finished HTTP request: its route label (a procedure, an operation or a fixed name). */
  observeRequest(route: string, status: number, seconds: number): void;
  /** The exposition text and its content type. */
  render(): Promise<{ contentType: string; text: string }>;
}

export interface AppMetricsOptions {
  figures: () => Promise<ActiveFigures>;
  subscribers: () => number;
  /** prom-client's process and event-loop metrics (default true). */
  defaults?: boolean;
  /** Milliseconds now, for the figures' cache (tests move it). */
  now?: () => number;
}

/** Two scrapers (an HA Prometheus pair) a second apart read the figures once. */
export const FIGURES_TTL_MS = 1_000;

// sessions.validate is a single indexed read: most answers take well under a millisecond, so the
// buckets start far below prom-client's default (5 ms) to show where the tail is.
const VALIDATE_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];
const HTTP_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createAppMetrics(options: AppMetricsOptions): AppMetrics {
  const registry = new Registry();
  const registers = [registry];
  if (options.defaults !== false) {
    collectDefaultMetrics({ register: registry });
    // Gauges named like counters, which promtool's lint rejects; each is the sum of its unsuffixed
    // sibling's per-type series (nodejs_active_handles and so on), so nothing is lost.
    for (const name of [
      "nodejs_active_handles_total",
      "nodejs_active_requests_total",
      "nodejs_active_resources_total",
    ])
      registry.removeSingleMetric(name);
  }

  let cached: { at: number; figures: Promise<ActiveFigures | null> } | null = null;
  let readable = false;
  const figures = (): Promise<ActiveFigures | null> => {
    const now = (options.now ?? Date.now)();
    if (!cached || now - cached.at >= FIGURES_TTL_MS) {
      const read = options.figures().then(
        (f) => ((readable = true), f),
        () => ((readable = false), null),
      );
      cached = { at: now, figures: read };
    }
    return cached.figures;
  };
  new Gauge({
    name: "sessions_database_up",
    help: "1 when this scrape could read the session figures from the database, else 0 (the figures then keep their last value).",
    registers,
    async collect() {
      await figures();
      this.set(readable ? 1 : 0);
    },
  });
  new Gauge({
    name: "sessions_active",
    help: "Active sessions (both kinds): not revoked, not expired, not idle.",
    registers,
    async collect() {
      const f = await figures();
      if (f) this.set(f.active);
    },
  });
  new Gauge({
    name: "sessions_users_active",
    help: "Users with at least one active session.",
    registers,
    async collect() {
      const f = await figures();
      if (f) this.set(f.users);
    },
  });
  new Gauge({
    name: "sessions_events_subscribers",
    help: "Open live-event streams (console dashboards) on this instance.",
    registers,
    collect() {
      this.set(options.subscribers());
    },
  });

  const created = new Counter({
    name: "sessions_created_total",
    help: "Sessions issued by this instance, by kind (app: sessions.create; console: sign-ins).",
    labelNames: ["kind"] as const,
    registers,
  });
  const validated = new Counter({
    name: "sessions_validated_total",
    help: "sessions.validate calls on this instance, by what they found.",
    labelNames: ["result"] as const,
    registers,
  });
  const ended = new Counter({
    name: "sessions_ended_total",
    help: "Sessions ended (revoked or logged out) by this instance, by the operation that ended them.",
    labelNames: ["reason"] as const,
    registers,
  });
  const validateDuration = new Histogram({
    name: "sessions_validate_duration_seconds",
    help: "Time the service took to validate an app session token, store read and touch included.",
    buckets: VALIDATE_BUCKETS,
    registers,
  });
  const httpDuration = new Histogram({
    name: "http_request_duration_seconds",
    help: "HTTP requests by route (tRPC procedure, REST operationId, or a fixed name) and status.",
    labelNames: ["procedure", "status"] as const,
    buckets: HTTP_BUCKETS,
    registers,
  });
  const webhookAttempts = new Counter({
    name: "sessions_webhook_attempts_total",
    help: "Webhook delivery attempts by this instance: delivered (2xx), retry (failed, tried again later), failed (retries ran out).",
    labelNames: ["outcome"] as const,
    registers,
  });
  const webhookDisabled = new Counter({
    name: "sessions_webhook_endpoints_disabled_total",
    help: "Webhook endpoints this instance turned off after WEBHOOK_DISABLE_AFTER of failures.",
    registers,
  });
  // Every label value exists from the start, so rate() sees a 0 before the first increment.
  for (const outcome of ["delivered", "retry", "failed"]) webhookAttempts.inc({ outcome }, 0);
  for (const kind of SESSION_KINDS) created.inc({ kind }, 0);
  for (const result of VALIDATION_RESULTS) validated.inc({ result }, 0);
  for (const reason of SESSION_END_REASONS) ended.inc({ reason }, 0);

  // Bound children: the hot path does no label hashing.
  const validatedBy = Object.fromEntries(VALIDATION_RESULTS.map((r) => [r, validated.labels(r)]));
  const createdBy = Object.fromEntries(SESSION_KINDS.map((k) => [k, created.labels(k)]));
  const endedBy = Object.fromEntries(SESSION_END_REASONS.map((r) => [r, ended.labels(r)]));

  return {
    registry,
    service: {
      sessionCreated: (kind) => createdBy[kind]?.inc(),
      sessionValidated: (result, seconds) => {
        validatedBy[result]?.inc();
        validateDuration.observe(seconds);
      },
      sessionsEnded: (reason, count) => endedBy[reason]?.inc(count),
      webhookAttempted: (outcome) => webhookAttempts.inc({ outcome }),
      webhookEndpointDisabled: () => webhookDisabled.inc(),
    },
    observeRequest: (route, status, seconds) =>
      httpDuration.observe({ procedure: route, status: String(status) }, seconds),
    render: async () => ({ contentType: registry.contentType, text: await registry.metrics() }),
  };
}
