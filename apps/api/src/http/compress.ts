// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- these ambient types must reach every program that compiles this file (packages/client type-checks the API through @sessions/api/testing), not only apps/api/tsconfig.json
/// <reference path="../types/compression.d.ts" />
// Compresses the API's larger JSON answers (lists, stats, audit pages: several KiB each, smaller by
// ~5-10× in brotli) as they are written, by Accept-Encoding with Vary, through compression's own
// negotiation and streaming. What is never compressed, and why:
// - Mutations' answers. They carry the only secrets a body ever holds (a session token or an API key,
//   once) beside text the caller chose (metadata, names): a compressed body's length would tell an
//   observer on the wire how much of their text matches the secret (BREACH). Queries return no secret.
// - Event streams (subscriptions): each event must reach the browser when it is written, not when a
//   compressor's buffer fills.
// - Bodies under 1 KiB (not worth it), and what already has a Content-Encoding (the console's
//   precompressed files).
import type { IncomingMessage, ServerResponse } from "node:http";
import compression from "compression";

export type Compress = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export function createCompress(): Compress {
  const middleware = compression({
    threshold: 1024,
    filter: (req, res) =>
      (req.method === "GET" || req.method === "HEAD") &&
      !String(res.getHeader("Content-Type") ?? "").startsWith("text/event-stream") &&
      compression.filter(req, res),
  });
  // The middleware only wraps res.write/end and calls next at once; it never fails the request.
  return (req, res) => new Promise<void>((resolve) => middleware(req, res, () => resolve()));
}
