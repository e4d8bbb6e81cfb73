// The app router: one sub-router per concern. AppRouter (a type only) is what the console and
// @sessions/client import, through @sessions/api/router.
import { auditRouter } from "./audit.js";
import { authRouter } from "./auth.js";
import { eventsProcedure } from "./events.js";
import { keysRouter } from "./keys.js";
import { maintenanceRouter } from "./maintenance.js";
import { sessionsRouter } from "./sessions.js";
import { usersRouter } from "./users.js";
import { webhooksRouter } from "./webhooks.js";
import { router } from "../trpc/procedures.js";

export const appRouter = router({
  auth: authRouter,
  sessions: sessionsRouter,
  users: usersRouter,
  audit: auditRouter,
  keys: keysRouter,
  maintenance: maintenanceRouter,
  webhooks: webhooksRouter,
  events: eventsProcedure,
});

export type AppRouter = typeof appRouter;
export type { LiveEvent } from "../events.js";
