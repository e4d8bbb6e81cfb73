// Password hashing with scrypt from node:crypto. Stored as scrypt$N$r$p$salt$hash so parameters can
// be raised later without invalidating existing hashes: a hash made with less work than the current
// parameters still verifies, and the service rehashes it on the next successful sign-in.
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from "node:crypto";

const KEY_LENGTH = 64;

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/**
 * OWASP's minimum for scrypt allows N=2^17,r=8,p=1 or, with the same work spread over p,
 * N=2^14,r=8,p=5. Measured on the 2-core host this runs on: N=2^17,p=1 took 291 ms and 128 MiB
 * per hash, N=2^14,p=5 130 ms and 16 MiB; the second is the same OWASP level for half the time and
 * an eighth of the memory (four concurrent sign-ins on libuv's pool: 64 MiB, not 512 MiB).
 */
export const PASSWORD_HASHING: Readonly<ScryptParams> = { N: 2 ** 14, r: 8, p: 5 };

/** What an older hash was made with (before issue 10): still verified, upgraded on sign-in. */
export const LEGACY_PASSWORD_HASHING: Readonly<ScryptParams> = { N: 2 ** 14, r: 8, p: 1 };

// A stored hash is trusted input, but a corrupted or planted one must not make a sign-in allocate
// gigabytes: parameters beyond these are refused as "does not match".
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 64;

/** Memory scrypt needs for N and r (128·N·r bytes), with headroom, for node's maxmem check. */
function maxmemFor({ N, r }: ScryptParams): number {
  return 128 * N * r + 16 * 1024 * 1024;
}

function scrypt(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password.normalize("NFKC"), salt, keylen, options, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

export async function hashPassword(
  password: string,
  params: Readonly<ScryptParams> = PASSWORD_HASHING,
): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEY_LENGTH, { ...params, maxmem: maxmemFor(params) });
  return ["scrypt", params.N, params.r, params.p, salt.toString("base64url"), key.toString("base64url")].join(
    "$",
  );
}

/** The parameters a stored hash was made with, or null when it is not a well-formed scrypt hash. */
export function hashParams(stored: string): ScryptParams | null {
  const [scheme, n, r, p, salt, hash] = stored.split("$");
  if (scheme !== "scrypt" || !n || !r || !p || !salt || !hash) return null;
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  const valid =
    Number.isInteger(params.N) &&
    params.N > 1 &&
    params.N <= MAX_N &&
    (params.N & (params.N - 1)) === 0 &&
    Number.isInteger(params.r) &&
    params.r >= 1 &&
    params.r <= MAX_R &&
    Number.isInteger(params.p) &&
    params.p >= 1 &&
    params.p <= MAX_P;
  return valid ? params : null;
}

/**
 * Whether a hash was made with less work than `current` (work = N·r·p, what an attacker pays per
 * guess). Never true for more work, so a cheaper setting (tests) cannot downgrade stored hashes.
 */
export function needsRehash(stored: string, current: Readonly<ScryptParams> = PASSWORD_HASHING): boolean {
  const params = hashParams(stored);
  if (!params) return false;
  return params.N * params.r * params.p < current.N * current.r * current.p;
}

export async function verifyPasswordHash(password: string, stored: string): Promise<boolean> {
  const params = hashParams(stored);
  const [, , , , salt, hash] = stored.split("$");
  if (!params || !salt || !hash) return false;
  const expected = Buffer.from(hash, "base64url");
  const actual = await scrypt(password, Buffer.from(salt, "base64url"), expected.length, {
    ...params,
    maxmem: maxmemFor(params),
  });
  // Constant-time comparison: the time taken must not reveal how many bytes matched.
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * A hash of a random password, verified against when the email is unknown, so that "no such user"
 * costs the same scrypt work as "wrong password" and response time does not reveal which emails exist.
 */
export function dummyPasswordHash(params: Readonly<ScryptParams> = PASSWORD_HASHING): Promise<string> {
  return hashPassword(randomBytes(16).toString("hex"), params);
}
