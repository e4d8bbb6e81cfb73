// CORS for the tRPC endpoint: only origins listed in ALLOWED_ORIGINS (the Vite dev server, a console
// on another host) get credentialed access. The server's own pages need no CORS; every other origin
// gets no CORS headers, so browsers keep its pages from reading answers.
import type { IncomingMessage, ServerResponse } from "node:http";

const CORS_ALLOWED_HEADERS = "content-type, authorization, trpc-accept, x-trpc-source, last-event-id";

/**
 * Adds the CORS headers for an allowed Origin. True when it has answered the request itself (a
 * preflight from an allowed origin: 204); false when the request goes on to tRPC.
 */
export function answerCors(
  req: IncomingMessage,
  res: ServerResponse,
  allowedOrigins: readonly string[],
): boolean {
  const origin = req.headers.origin?.toLowerCase();
  if (!origin || !allowedOrigins.includes(origin)) return false;
  res.setHeader("Access-Control-Allow-Origin", origin);
  res.setHeader("Access-Control-Allow-Credentials", "true");
  res.appendHeader("Vary", "Origin");
  if (req.method !== "OPTIONS") return false;
  res.setHeader("Access-Control-Allow-Methods", "GET, POST");
  res.setHeader("Access-Control-Allow-Headers", CORS_ALLOWED_HEADERS);
  res.setHeader("Access-Control-Max-Age", "600");
  res.statusCode = 204;
  res.end();
  return true;
}
