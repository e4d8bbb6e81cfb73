// Serves the built console (apps/admin/dist) with SPA fallback: a file when one exists, otherwise
// index.html for page routes, so client-side routes survive a reload.
import { createReadStream, existsSync, statSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, resolve, sep } from "node:path";
import { pipeline } from "node:stream/promises";

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
    res.statusCode = 200;
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
    await pipeline(createReadStream(file), res);
    return true;
  };
}
