// Facts about an incoming request that the API decides on: who is at the other end (IP), whether
// it came over HTTPS, and whether a browser sent it from a page the API trusts.
import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The client's IP. Behind a trusted proxy: the last X-Forwarded-For entry (the one that proxy added;
 * earlier entries are whatever the client claimed). Otherwise the socket's peer address.
 */
export function clientIp(req: IncomingMessage, trustProxy: boolean): string | null {
  if (trustProxy) {
    const forwarded = firstHeader(req.headers["x-forwarded-for"]);
    const last = forwarded
      ?.split(",")
      .map((s) => s.trim())
      .filter(Boolean)
      .pop();
    if (last) return last;
  }
  const address = req.socket.remoteAddress ?? null;
  // IPv4 clients of a dual-stack socket show up as ::ffff:a.b.c.d.
  return address?.startsWith("::ffff:") ? address.slice("::ffff:".length) : address;
}

/**
 * Whether the browser reached us over HTTPS. A PUBLIC_URL that is https settles it: behind a TLS
 * proxy that forgot TRUST_PROXY (or strips X-Forwarded-Proto) the browser still speaks HTTPS, and
 * guessing "plain HTTP" there would drop Secure, `__Host-` and HSTS.
 */
export function isHttps(
  req: IncomingMessage,
  trustProxy: boolean,
  publicOrigin: string | null = null,
): boolean {
  if (publicOrigin?.startsWith("https:")) return true;
  if ((req.socket as Partial<TLSSocket>).encrypted) return true;
  return trustProxy && firstHeader(req.headers["x-forwarded-proto"])?.split(",")[0]?.trim() === "https";
}

/**
 * The server's own origin, as a browser on it would send in Origin: PUBLIC_URL when set (a Host
 * header is the client's to choose), else scheme://host of the request itself.
 */
export function ownOrigin(
  req: IncomingMessage,
  https: boolean,
  publicOrigin: string | null = null,
): string | null {
  if (publicOrigin) return publicOrigin;
  const host = firstHeader(req.headers.host);
  return host ? `${https ? "https" : "http"}://${host.toLowerCase()}` : null;
}

export type OriginVerdict = { ok: true; origin: string | null } | { ok: false; reason: string };

/**
 * CSRF defence for state-changing requests. Browsers always send Origin on cross-origin POSTs and
 * Sec-Fetch-Site on every request; non-browser clients (services with API keys) send neither and
 * carry no ambient credentials, so they pass.
 */
export function checkOrigin(
  headers: IncomingHttpHeaders,
  self: string | null,
  allowedOrigins: readonly string[],
): OriginVerdict {
  const origin = firstHeader(headers.origin);
  const fetchSite = firstHeader(headers["sec-fetch-site"]);
  if (origin !== undefined) {
    if (origin === "null") return { ok: false, reason: "requests from an opaque origin are not accepted" };
    const normalized = origin.toLowerCase();
    if (normalized === self || allowedOrigins.includes(normalized)) return { ok: true, origin: normalized };
    return { ok: false, reason: `cross-site request from ${origin} rejected` };
  }
  if (fetchSite === "cross-site" || fetchSite === "same-site") {
    return { ok: false, reason: "cross-site request rejected" };
  }
  return { ok: true, origin: null };
}

export function isJsonContentType(headers: IncomingHttpHeaders): boolean {
  const type = firstHeader(headers["content-type"]);
  return type?.split(";", 1)[0]?.trim().toLowerCase() === "application/json";
}
