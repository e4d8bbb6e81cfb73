import { describe, expect, it } from "vitest";
import { parseUserAgent } from "../src/domain/user-agent.js";
import { UA } from "../src/testing/contract/fixtures.js";

describe("parseUserAgent", () => {
  it.each(Object.entries(UA))("parses %s", (_name, { ua, browser, os, deviceType }) => {
    expect(parseUserAgent(ua)).toEqual({ browser, os, deviceType });
  });

  it("marks crawlers and HTTP libraries as bots", () => {
    expect(
      parseUserAgent("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)").deviceType,
    ).toBe("bot");
    expect(parseUserAgent("python-requests/2.31.0").deviceType).toBe("bot");
    expect(parseUserAgent("okhttp/4.12.0").deviceType).toBe("bot");
  });

  it("recognises tablets", () => {
    const ipad =
      "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";
    expect(parseUserAgent(ipad)).toEqual({ browser: "Mobile Safari", os: "iOS", deviceType: "tablet" });
  });

  it("returns nulls when there is no user agent", () => {
    for (const none of [null, undefined, ""]) {
      expect(parseUserAgent(none)).toEqual({ browser: null, os: null, deviceType: null });
    }
  });
});
