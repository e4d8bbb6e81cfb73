import { UAParser } from "ua-parser-js";

export interface ParsedUserAgent {
  browser: string | null;
  os: string | null;
  /** desktop | mobile | tablet | console | smarttv | wearable | embedded | bot | null when no UA. */
  deviceType: string | null;
}

const BOT = /bot|crawler|spider|crawling|curl|wget|python-requests|httpclient|okhttp|go-http-client/i;

/** Parsed once at session creation and stored, so lists and stats never parse. */
export function parseUserAgent(userAgent: string | null | undefined): ParsedUserAgent {
  if (!userAgent) return { browser: null, os: null, deviceType: null };
  const result = new UAParser(userAgent).getResult();
  const deviceType = BOT.test(userAgent) ? "bot" : (result.device.type ?? "desktop");
  return { browser: result.browser.name ?? null, os: result.os.name ?? null, deviceType };
}
