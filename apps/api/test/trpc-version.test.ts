// The lean tRPC handler (src/trpc/http-handler.ts) uses tRPC internals no semver promise covers, so a
// tRPC upgrade must come with a re-check of those internals. This test fails until that is done: it
// compares the @trpc/server the handler actually imports with the version it was last checked
// against. (test/trpc-http.test.ts then compares its answers with tRPC's own handler.)
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { CHECKED_TRPC_VERSION, TRPC_INTERNALS_RELIED_ON } from "../src/trpc/http-handler.js";

/** The version of the @trpc/server that the handler's own imports resolve to. */
function installedTrpcVersion(): string {
  const handler = new URL("../src/trpc/http-handler.ts", import.meta.url);
  const packageJson = createRequire(handler).resolve("@trpc/server/package.json");
  const { version } = JSON.parse(readFileSync(packageJson, "utf8")) as { version: string };
  return version;
}

describe("the lean tRPC handler's pinned tRPC version", () => {
  it("is the installed @trpc/server", () => {
    const installed = installedTrpcVersion();
    expect(
      installed,
      [
        `@trpc/server is ${installed}, but src/trpc/http-handler.ts was last checked against ${CHECKED_TRPC_VERSION}.`,
        "Before bumping CHECKED_TRPC_VERSION, re-check in tRPC's source what the handler relies on:",
        ...TRPC_INTERNALS_RELIED_ON.map((item) => `  - ${item}`),
        "and run test/trpc-http.test.ts, which compares the handler's answers with tRPC's own handler.",
      ].join("\n"),
    ).toBe(CHECKED_TRPC_VERSION);
  });
});
