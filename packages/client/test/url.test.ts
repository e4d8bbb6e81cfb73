import { describe, expect, it } from "vitest";
import { trpcUrl } from "../src/index.js";

describe("trpcUrl", () => {
  it.each([
    ["http://localhost:3000", "http://localhost:3000/trpc"],
    ["http://localhost:3000/", "http://localhost:3000/trpc"],
    ["https://sessions.internal/trpc", "https://sessions.internal/trpc"],
    ["https://sessions.internal/trpc/", "https://sessions.internal/trpc"],
    ["https://gateway.internal/sessions", "https://gateway.internal/sessions/trpc"],
  ])("%s → %s", (input, expected) => {
    expect(trpcUrl(input)).toBe(expected);
  });
});
