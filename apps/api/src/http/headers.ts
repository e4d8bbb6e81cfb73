// The security headers every response carries, whatever serves it (tRPC, health, the console files).
// Set before routing, so no handler can forget them; HSTS only over HTTPS, where browsers honour it
// (which includes every request when PUBLIC_URL is https: see isHttps in request.ts).
import type { ServerResponse } from "node:http";

const SECURITY_HEADERS: Record<string, string> = {
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Resource-Policy": "same-origin",
  "Content-Security-Policy": [
    "default-src 'self'",
    "script-src 'self'",
    // Component libraries set inline styles; scripts stay strictly same-origin.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; "),
};

// Computed once: every request walks this list.
const SECURITY_HEADER_ENTRIES = Object.entries(SECURITY_HEADERS);

export function setSecurityHeaders(res: ServerResponse, https: boolean): void {
  for (const [name, value] of SECURITY_HEADER_ENTRIES) res.setHeader(name, value);
  if (https) res.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
}
