// Session tokens and API keys. The raw secret exists only in the response that created it; the
// database holds SHA-256(secret). A plain fast hash is right here (unlike passwords): the secret has
// 256 random bits, so it cannot be guessed offline, and lookup by hash must be one index probe.
import { createHash, randomBytes } from "node:crypto";

/** Where secret bytes come from; tests inject a deterministic source. */
export type RandomSource = (size: number) => Uint8Array;

export const defaultRandom: RandomSource = (size) => randomBytes(size);

export const TOKEN_BYTES = 32;

export function generateToken(random: RandomSource = defaultRandom): string {
  return Buffer.from(random(TOKEN_BYTES)).toString("base64url");
}

/** API keys carry a recognisable prefix so leaked keys are easy to spot and scan for. */
export const API_KEY_PREFIX = "sk_sess_";

export function generateApiKey(random: RandomSource = defaultRandom): string {
  return API_KEY_PREFIX + Buffer.from(random(TOKEN_BYTES)).toString("base64url");
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Identifies a session in lists without revealing its token. */
export function tokenPreview(tokenHash: string): string {
  return tokenHash.slice(0, 8);
}

/** A raw token is 43 base64url chars; reject anything else before hashing or touching the database. */
export function looksLikeToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}
