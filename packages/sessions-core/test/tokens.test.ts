import { describe, expect, it } from "vitest";
import {
  API_KEY_PREFIX,
  generateApiKey,
  generateToken,
  hashToken,
  looksLikeToken,
  tokenPreview,
} from "../src/domain/tokens.js";

describe("tokens", () => {
  it("are 32 random bytes (256 bits) as 43 base64url characters", () => {
    const token = generateToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, "base64url")).toHaveLength(32);
    expect(looksLikeToken(token)).toBe(true);
    expect(new Set(Array.from({ length: 100 }, () => generateToken())).size).toBe(100);
  });

  it("take their bytes from the injected source", () => {
    const sizes: number[] = [];
    const token = generateToken((n) => {
      sizes.push(n);
      return new Uint8Array(n).fill(0xff);
    });
    expect(sizes).toEqual([32]);
    expect(token).toBe("_".repeat(42) + "8");
  });

  it("hash to SHA-256 hex, and the preview is its first 8 characters", () => {
    expect(hashToken("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(tokenPreview(hashToken("abc"))).toBe("ba7816bf");
  });

  it("looksLikeToken rejects anything that is not exactly 43 base64url characters", () => {
    for (const bad of [
      "",
      "a".repeat(42),
      "a".repeat(44),
      "a".repeat(42) + "=",
      "a".repeat(42) + "+",
      " " + "a".repeat(42),
    ]) {
      expect(looksLikeToken(bad)).toBe(false);
    }
  });

  it("API keys carry a recognisable prefix and 256 random bits", () => {
    const key = generateApiKey();
    expect(key.startsWith(API_KEY_PREFIX)).toBe(true);
    expect(Buffer.from(key.slice(API_KEY_PREFIX.length), "base64url")).toHaveLength(32);
  });
});
