// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- these ambient types must reach every program that compiles this file (packages/client type-checks the API through @sessions/api/testing), not only apps/api/tsconfig.json
/// <reference path="../types/negotiator.d.ts" />
// Serves the built console (apps/admin/dist) with SPA fallback: a file when one exists, otherwise
// index.html for page routes, so client-side routes survive a reload. The build writes brotli and
// gzip copies beside each asset (apps/admin/vite.config.ts); the copy the client accepts is sent
// as it is, so nothing is compressed per request.
import { createReadStream, existsSync, statSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, resolve, sep } from "node:path";
import { pipeline } from "node:stream/promises";
import Negotiator from "negotiator";

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".webmanifest": "application/manifest+json",
};

/** Content codings the build writes, best first, with the suffix of their copies. */
const CODINGS = [
  { coding: "br", suffix: ".br" },
  { coding: "gzip", suffix: ".gz" },
] as const;

function sizeOf(path: string): number | null {
  try {
    const stat = statSync(path);
    return stat.isFile() ? stat.size : null;
  } catch {
    return null;
  }
}

/**
 * The representation to send: a precompressed copy when the client accepts one, else the file.
 * null when the client accepts none of them (`identity;q=0` and no copy it takes): 406.
 */
function representation(
  req: IncomingMessage,
  file: string,
): { path: string; size: number; coding: string | null } | null {
  const copies = CODINGS.flatMap(({ coding, suffix }) => {
    const size = sizeOf(file + suffix);
    return size === null ? [] : [{ path: file + suffix, size, coding }];
  });
  const offered = [...copies.map((c) => c.coding), "identity"];
  const chosen = new Negotiator(req).encoding(offered, { preferred: offered });
  if (chosen === undefined) return null;
  const copy = copies.find((c) => c.coding === chosen);
  if (copy) return copy;
  const size = sizeOf(file);
  return size === null ? null : { path: file, size, coding: null };
}

export type StaticHandler = (req: IncomingMessage, res: ServerResponse, pathname: string) => Promise<boolean>;

/** A handler for the folder, or null when it holds no index.html (the console is not built). */
export function createStaticHandler(dir: string): StaticHandler | null {
  const root = resolve(dir);
  const index = join(root, "index.html");
  if (!existsSync(index)) return null;

  function fileFor(pathname: string): string | null {
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return null;
    }
    if (decoded.includes("\0")) return null;
    const candidate = resolve(root, `.${decoded}`);
    // Never outside the folder, whatever ../ or encoded tricks the path holds.
    if (candidate !== root && !candidate.startsWith(root + sep)) return null;
    try {
      return statSync(candidate).isFile() ? candidate : null;
    } catch {
      return null;
    }
  }

  return async (req, res, pathname) => {
    let file = fileFor(pathname);
    if (!file) {
      // Unknown paths that look like files (/assets/x.js) are real 404s; page routes get the app.
      if (extname(pathname) !== "") return false;
      file = index;
    }
    const isIndex = file === index;
    const chosen = representation(req, file);
    // Caches keep one copy per coding: a gzip-only client must never be handed a brotli body.
    res.appendHeader("Vary", "Accept-Encoding");
    if (!chosen) {
      res.statusCode = 406;
      res.setHeader("Content-Type", "text/plain; charset=utf-8");
      res.end("None of the encodings this file is available in is acceptable (Accept-Encoding).");
      return true;
    }
    res.statusCode = 200;
    if (chosen.coding) res.setHeader("Content-Encoding", chosen.coding);
    res.setHeader("Content-Length", chosen.size);
    res.setHeader("Content-Type", CONTENT_TYPES[extname(file).toLowerCase()] ?? "application/octet-stream");
    // Vite puts a content hash in every asset name under /assets: cache those forever, never the page.
    res.setHeader(
      "Cache-Control",
      !isIndex && pathname.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "no-cache",
    );
    if (req.method === "HEAD") {
      res.end();
      return true;
    }
    await pipeline(createReadStream(chosen.path), res);
    return true;
  };
}
