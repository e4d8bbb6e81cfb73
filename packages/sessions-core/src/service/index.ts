// createSessionsService: the only entry point to the domain. Every rule lives here (one file per
// concern) or in domain/; the store only persists what this decides, and routers only authenticate
// and translate. The concerns share one context, built once here, and are spread into ONE plain
// object so callers see a single service whose methods are closures, not lookups through a proxy.
import { apiKeys } from "./api-keys.js";
import { audit } from "./audit.js";
import { devices } from "./devices.js";
import { createServiceContext, type SessionsServiceOptions } from "./context.js";
import { maintenance } from "./maintenance.js";
import { passwords } from "./passwords.js";
import { sessionLifecycle } from "./session-lifecycle.js";
import { sessions } from "./sessions.js";
import { signIn } from "./sign-in.js";
import { users } from "./users.js";
import { webhooks } from "./webhooks.js";

export type { DispatchResult } from "./webhooks.js";
export type { WebhookRequest, WebhookSend, WebhookSendResult } from "./webhook-sender.js";
export { actorLabel, type RevokeOptions, type SessionsServiceOptions } from "./context.js";

export function createSessionsService(options: SessionsServiceOptions) {
  const ctx = createServiceContext(options);
  return {
    config: ctx.config,
    /** Best-effort writes skipped since start (failed touches), for /metrics and the log. */
    faults: () => ({ failedTouches: { ...ctx.bestEffortFailures } }),
    ...sessions(ctx),
    ...sessionLifecycle(ctx),
    ...devices(ctx),
    ...users(ctx),
    ...passwords(ctx),
    ...signIn(ctx),
    ...audit(ctx),
    ...apiKeys(ctx),
    ...maintenance(ctx),
    ...webhooks(ctx),
  };
}

export type SessionsService = ReturnType<typeof createSessionsService>;
