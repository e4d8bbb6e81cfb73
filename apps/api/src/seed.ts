// Demo data for a console with something to show: a few dozen users and a few hundred sessions with
// real user agents, varied IPs (documentation ranges) and ages up to three months, so some have
// expired, some were revoked, and two users are disabled. Written through the service (so every row
// and audit event is what the API itself would write) with a clock moved into the past for each step.
import {
  createSessionsService,
  type Clock,
  type SessionsConfigInput,
  type SessionsStore,
  type User,
} from "@sessions/core";

const DAY = 86_400_000;
const MINUTE = 60_000;

/** [user agent, relative weight]: roughly today's browser and OS mix, plus a few non-browser clients. */
const USER_AGENTS: [string | null, number][] = [
  [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    18,
  ],
  [
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
    10,
  ],
  [
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
    8,
  ],
  [
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    12,
  ],
  [
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
    10,
  ],
  ["Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0", 6],
  ["Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0", 3],
  ["Mozilla/5.0 (Macintosh; Intel Mac OS X 14.7; rv:133.0) Gecko/20100101 Firefox/133.0", 2],
  [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
    7,
  ],
  [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 OPR/115.0.0.0",
    2,
  ],
  [
    "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36",
    3,
  ],
  [
    "Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1",
    3,
  ],
  [
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1",
    3,
  ],
  [
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36",
    3,
  ],
  [
    "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    2,
  ],
  ["okhttp/4.12.0", 2],
  ["curl/8.5.0", 1],
  [null, 1],
];

const NAMES = [
  "Ada Lovelace",
  "Grace Hopper",
  "Alan Turing",
  "Katherine Johnson",
  "Linus Torvalds",
  "Margaret Hamilton",
  "Dennis Ritchie",
  "Barbara Liskov",
  "Ken Thompson",
  "Frances Allen",
  "Donald Knuth",
  "Radia Perlman",
  "Tim Berners-Lee",
  "Hedy Lamarr",
  "John McCarthy",
  "Adele Goldberg",
  "Edsger Dijkstra",
  "Sophie Wilson",
  "Guido van Rossum",
  "Shafi Goldwasser",
  "Bjarne Stroustrup",
  "Anita Borg",
  "Leslie Lamport",
  "Mary Kenneth Keller",
  "Niklaus Wirth",
  "Joan Clarke",
  "James Gosling",
  "Evelyn Boyd Granville",
  "Yukihiro Matsumoto",
  "Jean Sammet",
  "Brendan Eich",
  "Annie Easley",
  "Anders Hejlsberg",
  "Karen Sparck Jones",
  "Rob Pike",
  "Lynn Conway",
];
const DOMAINS = ["example.com", "example.org", "example.net"];
const REVOKE_REASONS = [
  "lost device",
  "suspicious activity",
  "password reset",
  "user request",
  "security review",
];

/** Deterministic randomness (mulberry32), so a seed value always produces the same data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface SeedOptions {
  store: SessionsStore;
  /** Must match the API's settings (lifetime, idle timeout) for ages to mean the same thing. */
  config?: SessionsConfigInput;
  now?: Date;
  users?: number;
  sessions?: number;
  seed?: number;
}

export interface SeedSummary {
  users: number;
  sessions: number;
  revoked: number;
  expired: number;
  disabledUsers: number;
}

export async function seedDemoData(options: SeedOptions): Promise<SeedSummary> {
  const now = options.now ?? new Date();
  let at = now;
  const clock: Clock = { now: () => at };
  const service = createSessionsService({ store: options.store, clock, config: options.config });
  const lifetime = service.config.lifetimeMs;
  const random = prng(options.seed ?? 42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const system = { actor: { type: "system" } } as const;

  const weightTotal = USER_AGENTS.reduce((sum, [, w]) => sum + w, 0);
  const pickUserAgent = (): string | null => {
    let r = random() * weightTotal;
    for (const [ua, w] of USER_AGENTS) if ((r -= w) < 0) return ua;
    return USER_AGENTS[0]![0];
  };
  const pickIp = (): string => {
    const roll = random();
    if (roll < 0.12)
      return `2001:db8:${Math.floor(random() * 0xffff).toString(16)}::${Math.floor(random() * 0xfff).toString(16)}`;
    const prefix = pick(["192.0.2", "198.51.100", "203.0.113"]);
    return `${prefix}.${1 + Math.floor(random() * 254)}`;
  };

  const userCount = options.users ?? 36;
  const users: User[] = [];
  for (let i = 0; i < userCount; i++) {
    const name = NAMES[i % NAMES.length]!;
    const suffix = i >= NAMES.length ? String(Math.floor(i / NAMES.length) + 1) : "";
    const email = `${name.toLowerCase().replace(/[^a-z]+/g, ".")}${suffix}@${DOMAINS[i % DOMAINS.length]}`;
    at = new Date(now.getTime() - (100 + random() * 300) * DAY);
    const existing = await service.findUserByEmail(email);
    users.push(
      existing ?? (await service.createUser({ email, name, role: i < 2 ? "viewer" : "user" }, system)),
    );
  }

  // Some users have many sessions (several devices, frequent sign-ins), most a few.
  const weights = users.map(() => 0.2 + random() ** 2 * 3);
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const pickUser = (): User => {
    let r = random() * weightSum;
    for (let i = 0; i < users.length; i++) if ((r -= weights[i]!) < 0) return users[i]!;
    return users[users.length - 1]!;
  };

  const sessionCount = options.sessions ?? 320;
  const plans = Array.from({ length: sessionCount }, () => {
    // Mostly recent, with a tail past the 60-day lifetime (those have expired).
    const roll = random();
    const ageDays = roll < 0.55 ? random() * 14 : roll < 0.85 ? 14 + random() * 46 : 60 + random() * 30;
    return {
      createdAt: new Date(now.getTime() - ageDays * DAY - random() * DAY),
      user: pickUser(),
      userAgent: pickUserAgent(),
      ip: pickIp(),
    };
  }).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());

  const summary: SeedSummary = { users: users.length, sessions: 0, revoked: 0, expired: 0, disabledUsers: 0 };
  for (const plan of plans) {
    if (plan.user.status !== "active") continue;
    at = plan.createdAt;
    const { token, session } = await service.createSession(
      { userId: plan.user.id, ip: plan.ip, userAgent: plan.userAgent },
      system,
    );
    summary.sessions++;
    const usableUntil = Math.min(now.getTime(), plan.createdAt.getTime() + lifetime - MINUTE);
    const span = usableUntil - plan.createdAt.getTime();
    const seenAt = plan.createdAt.getTime() + Math.sqrt(random()) * span;
    if (seenAt - plan.createdAt.getTime() > 2 * MINUTE) {
      at = new Date(seenAt);
      await service.validateSession(token);
    }
    if (random() < 0.09) {
      at = new Date(seenAt + random() * (usableUntil - seenAt));
      const result = await service.revokeSession(session.id, { ...system, reason: pick(REVOKE_REASONS) });
      if (result.ok) summary.revoked++;
    } else if (plan.createdAt.getTime() + lifetime <= now.getTime()) {
      summary.expired++;
    }
  }

  // Two people left: their accounts are disabled, which revokes whatever they still had.
  at = new Date(now.getTime() - 2 * DAY);
  for (const user of users.slice(-2)) {
    if (user.status !== "active") continue;
    const result = await service.setUserStatus(user.id, "disabled", {
      ...system,
      reason: "left the company",
    });
    if (result.ok) {
      summary.disabledUsers++;
      summary.revoked += result.revokedSessions;
    }
  }
  return summary;
}

/** Whether demo data is already there: any user of role "user". */
export async function hasDemoData(store: SessionsStore): Promise<boolean> {
  const service = createSessionsService({ store });
  return (await service.listUsers({ role: "user", limit: 1 })).items.length > 0;
}
