// The benchmark's data set: N sessions, 10 per user, created over the last 60 days, 20% expired
// (half of them long enough ago to be due for prune), 5% revoked, realistic user agents (each
// distinct string parsed once, by the service's own parser) and IPv4/IPv6 addresses. Generated in
// chunks so that a million sessions never sit in memory at once; only the handles the operations
// need (tokens, ids) are kept, in pools that never overlap, so one operation cannot spoil another.
import { createHash, randomBytes } from "node:crypto";
import { parseUserAgent, type SessionRecord, type UserRecord } from "@sessions/core";

export const SESSIONS_PER_USER = 10;
const DAY = 86_400_000;
const MINUTE = 60_000;

/** Weighted real-world user agents (browsers, mobile apps, a few bots and scripts). */
const USER_AGENTS: [weight: number, ua: string][] = [
  [
    22,
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
  ],
  [
    8,
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36",
  ],
  [
    9,
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
  ],
  [
    7,
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15",
  ],
  [
    12,
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1",
  ],
  [
    3,
    "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
  ],
  [
    10,
    "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36",
  ],
  [
    4,
    "Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.6312.99 Mobile Safari/537.36",
  ],
  [
    2,
    "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-A546B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36",
  ],
  [5, "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0"],
  [2, "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0"],
  [1, "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.4; rv:125.0) Gecko/20100101 Firefox/125.0"],
  [
    5,
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.67",
  ],
  [
    1,
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 OPR/109.0.0.0",
  ],
  [
    2,
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
  ],
  [
    1,
    "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
  ],
  [
    1,
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1",
  ],
  [1, "okhttp/4.12.0"],
  [1, "curl/8.5.0"],
  [1, "python-requests/2.31.0"],
  [1, "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"],
];

const FIRST_NAMES =
  "olivia liam emma noah amelia oliver ava elijah sophia james isabella william mia benjamin charlotte lucas harper henry evelyn theodore luna jack camila levi gianna alexander elizabeth jackson eleanor mateo ella daniel abigail michael sofia mason avery sebastian scarlett ethan emily logan aria owen penelope samuel chloe jacob layla asher mila aiden nora john hazel joseph madison wyatt ellie david lily leo nova luke isla julian grace hudson violet grayson aurora matthew riley ezra zoey gabriel willow carter emilia isaac stella jayden zoe luca victoria anthony hannah dylan addison lincoln leah thomas lucy maverick eliana elias ivy josiah everly".split(
    " ",
  );
const LAST_NAMES =
  "smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez lopez gonzalez wilson anderson thomas taylor moore jackson martin lee perez thompson white harris sanchez clark ramirez lewis robinson walker young allen king wright scott torres nguyen hill flores green adams nelson baker hall rivera campbell mitchell carter roberts kim chen patel singh mueller schmidt rossi silva tanaka sato kowalski novak".split(
    " ",
  );
/** Personal providers and company domains, weighted. */
const DOMAINS: [weight: number, domain: string][] = [
  [30, "gmail.com"],
  [12, "outlook.com"],
  [6, "yahoo.com"],
  [5, "icloud.com"],
  [3, "proton.me"],
  ...Array.from({ length: 40 }, (_, i): [number, string] => [1, `corp${i + 1}.example.com`]),
  [4, "acme.io"],
];

/** Deterministic PRNG (mulberry32): the same seed always yields the same data set. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function weighted<T>(items: [number, T][]): (r: number) => T {
  const total = items.reduce((s, [w]) => s + w, 0);
  const cumulative: number[] = [];
  let acc = 0;
  for (const [w] of items) cumulative.push((acc += w / total));
  return (r) => {
    for (let i = 0; i < cumulative.length; i++) if (r < cumulative[i]!) return items[i]![1];
    return items[items.length - 1]![1];
  };
}

interface ParsedAgent {
  ua: string;
  browser: string | null;
  os: string | null;
  deviceType: string | null;
}

/** Each distinct user agent parsed once, by the service's parser. */
const AGENTS: [number, ParsedAgent][] = USER_AGENTS.map(([w, ua]) => [w, { ua, ...parseUserAgent(ua) }]);
const pickAgent = weighted(AGENTS);
const pickDomain = weighted(DOMAINS);

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** A UUIDv7 for an instant, from 10 random bytes (version and variant bits set). */
export function uuidv7At(ms: number, random: Buffer, offset: number): string {
  let hi = "";
  let rem = ms;
  const tsBytes: number[] = [];
  for (let i = 0; i < 6; i++) {
    tsBytes.unshift(rem % 256);
    rem = Math.floor(rem / 256);
  }
  for (const b of tsBytes) hi += HEX[b]!;
  const r = (i: number) => random[offset + i]!;
  return (
    `${hi.slice(0, 8)}-${hi.slice(8, 12)}-` +
    `${HEX[0x70 | (r(0) & 0x0f)]}${HEX[r(1)]}-${HEX[0x80 | (r(2) & 0x3f)]}${HEX[r(3)]}-` +
    `${HEX[r(4)]}${HEX[r(5)]}${HEX[r(6)]}${HEX[r(7)]}${HEX[r(8)]}${HEX[r(9)]}`
  );
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** What the operations draw on. Every pool is disjoint from the others. */
export interface Pools {
  /** Active sessions last seen seconds before `now`: validate without a lastSeenAt write. */
  freshTokens: string[];
  /** Active sessions last seen long ago: each validate writes lastSeenAt once. */
  staleTokens: string[];
  expiredTokens: string[];
  /** Active sessions to revoke one at a time. */
  revokeIds: string[];
  /** Sessions (any state) to read with getSessionInfo. */
  infoIds: string[];
  /** Users whose sessions are revoked all at once (none of their sessions is in another pool). */
  revokeUserIds: string[];
  /** Any users: listUserSessions and createSession. */
  userIds: string[];
  /** Emails of a few users, for realistic searches. */
  sampleEmails: string[];
}

export interface DataSetOptions {
  sessions: number;
  /** The benchmark's "now": every timestamp is relative to it. */
  now: number;
  seed?: number;
  /** Size of each pool (the operations' iteration budget). */
  poolSize: number;
}

export interface Chunk {
  users: UserRecord[];
  sessions: SessionRecord[];
}

/** Share of sessions in each state. The two expired halves: ended > 30 days ago (due for prune) or recently. */
const EXPIRED_LONG_AGO = 0.1;
const EXPIRED_RECENTLY = 0.1;
const REVOKED = 0.05;
/** Active sessions that are "online": last seen within the touch interval. */
const ONLINE = 0.02;

export function createDataSet(options: DataSetOptions) {
  const { now, poolSize } = options;
  const userCount = Math.max(1, Math.ceil(options.sessions / SESSIONS_PER_USER));
  const random = rng(options.seed ?? 42);
  const pools: Pools = {
    freshTokens: [],
    staleTokens: [],
    expiredTokens: [],
    revokeIds: [],
    infoIds: [],
    revokeUserIds: [],
    userIds: [],
    sampleEmails: [],
  };
  // The last users (up to poolSize of them) are reserved for revokeUserSessions.
  const revokeUserFrom = Math.max(Math.floor(userCount / 2), userCount - poolSize);
  let sessionsMade = 0;

  function makeUser(index: number, firstSessionAt: number): UserRecord {
    const first = FIRST_NAMES[Math.floor(random() * FIRST_NAMES.length)]!;
    const last = LAST_NAMES[Math.floor(random() * LAST_NAMES.length)]!;
    const style = random();
    const local =
      style < 0.5
        ? `${first}.${last}${index}`
        : style < 0.8
          ? `${first[0]}${last}${index}`
          : `${first}${index}`;
    const email = `${local}@${pickDomain(random())}`;
    const createdAt = firstSessionAt - Math.floor(random() * 300 * DAY);
    return {
      id: "",
      email,
      name: `${first[0]!.toUpperCase()}${first.slice(1)} ${last[0]!.toUpperCase()}${last.slice(1)}`,
      role: "user",
      status: "active",
      confirmedAt: new Date(createdAt + 3_600_000),
      passwordHash: null,
      createdAt: new Date(createdAt),
      updatedAt: new Date(createdAt),
    };
  }

  function ip(r: number): string {
    if (r < 0.12) {
      const h = () => Math.floor(random() * 0xffff).toString(16);
      return `2a02:${h()}:${h()}:${h()}::${h()}`;
    }
    return `${1 + Math.floor(random() * 222)}.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}.${1 + Math.floor(random() * 254)}`;
  }

  /** The users [from, to) and their sessions. */
  function chunk(from: number, to: number): Chunk {
    const users: UserRecord[] = [];
    const sessions: SessionRecord[] = [];
    const count = Math.min(options.sessions - sessionsMade, (to - from) * SESSIONS_PER_USER);
    const bytes = randomBytes(count * 32 + (to - from + count) * 10);
    let tokenOffset = 0;
    let idOffset = count * 32;
    for (let u = from; u < to; u++) {
      const reservedUser = u >= revokeUserFrom;
      const userIps = [ip(random()), ip(random()), ip(random())];
      const userAgents = [pickAgent(random()), pickAgent(random())];
      const mine: SessionRecord[] = [];
      let firstSessionAt = now;
      for (let k = 0; k < SESSIONS_PER_USER && sessionsMade < options.sessions; k++, sessionsMade++) {
        const state = random();
        let createdAt: number;
        let expiresAt: number;
        let revokedAt: number | null = null;
        let lastSeenAt: number;
        if (state < EXPIRED_LONG_AGO) {
          // Created 31..60 days ago, expired before the 30-day retention cutoff.
          createdAt = now - 31 * DAY - Math.floor(random() * 29 * DAY);
          expiresAt = createdAt + MINUTE + Math.floor(random() * (now - 30 * DAY - MINUTE - createdAt));
          lastSeenAt = createdAt + Math.floor(random() * (expiresAt - createdAt));
        } else if (state < EXPIRED_LONG_AGO + EXPIRED_RECENTLY) {
          createdAt = now - Math.floor(DAY + random() * 59 * DAY);
          const from = Math.max(createdAt, now - 30 * DAY);
          expiresAt = from + 1 + Math.floor(random() * (now - from - 1));
          lastSeenAt = createdAt + Math.floor(random() * (expiresAt - createdAt));
        } else {
          createdAt = now - Math.floor(random() * 60 * DAY);
          expiresAt = createdAt + 60 * DAY;
          if (state < EXPIRED_LONG_AGO + EXPIRED_RECENTLY + REVOKED) {
            // Revoked within the retention period, so prune leaves it.
            const from = Math.max(createdAt, now - 29 * DAY);
            revokedAt = from + Math.floor(random() * (now - from));
            lastSeenAt = createdAt + Math.floor(random() * (revokedAt - createdAt));
          } else {
            lastSeenAt = createdAt + Math.floor(random() * (now - createdAt - 2 * MINUTE));
          }
        }
        if (createdAt < firstSessionAt) firstSessionAt = createdAt;
        const token = bytes.toString("base64url", tokenOffset, tokenOffset + 32);
        tokenOffset += 32;
        const agent = userAgents[k % 3 === 2 ? 1 : 0]!;
        const session: SessionRecord = {
          id: uuidv7At(createdAt, bytes, idOffset),
          kind: "app",
          tokenHash: sha256Hex(token),
          userId: "",
          createdAt: new Date(createdAt),
          expiresAt: new Date(expiresAt),
          lastSeenAt: new Date(lastSeenAt),
          authenticatedAt: new Date(createdAt),
          authMethod: null,
          ip: userIps[k % 3]!,
          userAgent: agent.ua,
          browser: agent.browser,
          os: agent.os,
          deviceType: agent.deviceType,
          revokedAt: revokedAt === null ? null : new Date(revokedAt),
          revokedBy: revokedAt === null ? null : "system",
          revokeReason: revokedAt === null ? null : "bench",
          endReason: revokedAt === null ? null : "revoked",
        };
        idOffset += 10;
        mine.push(session);
        if (reservedUser) continue;
        const active = revokedAt === null && expiresAt > now;
        if (active && random() < ONLINE) {
          session.lastSeenAt = new Date(now - 5_000 - Math.floor(random() * 30_000));
          if (pools.freshTokens.length < poolSize) pools.freshTokens.push(token);
        } else if (active) {
          const pick = random();
          if (pick < 0.4 && pools.staleTokens.length < poolSize) pools.staleTokens.push(token);
          else if (pick < 0.8 && pools.revokeIds.length < poolSize) pools.revokeIds.push(session.id);
        } else if (revokedAt === null && pools.expiredTokens.length < poolSize) {
          pools.expiredTokens.push(token);
        }
        if (random() < 0.05 && pools.infoIds.length < poolSize) pools.infoIds.push(session.id);
      }
      const user = makeUser(u, firstSessionAt);
      user.id = uuidv7At(user.createdAt.getTime(), bytes, idOffset);
      idOffset += 10;
      for (const s of mine) s.userId = user.id;
      users.push(user);
      sessions.push(...mine);
      if (reservedUser) pools.revokeUserIds.push(user.id);
      else if (pools.userIds.length < poolSize) pools.userIds.push(user.id);
      if (u % 997 === 0 && pools.sampleEmails.length < 50) pools.sampleEmails.push(user.email);
    }
    return { users, sessions };
  }

  return { userCount, pools, chunk };
}
