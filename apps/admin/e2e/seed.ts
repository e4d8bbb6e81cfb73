// Known data for the browser tests, written through the domain service (as the API would) with a
// clock moved into the past, so sessions have distinct ages and some have expired or were revoked.
import { createSessionsService, openStore } from "@sessions/core";

const DAY = 86_400_000;
const MINUTE = 60_000;

const UA = {
  chromeMac:
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  safariIphone:
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
  firefoxLinux: "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
  edgeWindows:
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
  chromeAndroid:
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
};

export const VIEWER = { email: "viewer@acme.test", password: "viewer-password-123" };
export const FLEET_SESSIONS = 120;

export interface Seeded {
  /** Active sessions after seeding (the admin's sign-in comes on top). */
  active: number;
  aliceSessions: number;
  bobSessions: number;
  oldestEmail: string;
  /** Sessions past the retention, due for cleanup. */
  due: number;
}

export async function seed(databaseUrl: string): Promise<Seeded> {
  const store = await openStore(databaseUrl);
  let now = Date.now();
  const clock = { now: () => new Date(now) };
  const service = createSessionsService({ store, clock });
  const at = (msAgo: number) => (now = Date.now() - msAgo);

  try {
    at(40 * DAY);
    const people = {
      alice: await service.createUser({ email: "alice@acme.test", name: "Alice Martin" }),
      bob: await service.createUser({ email: "bob@acme.test", name: "Bob Chen" }),
      carol: await service.createUser({ email: "carol@acme.test", name: "Carol Diaz" }),
      oldest: await service.createUser({ email: "oldest@acme.test", name: "Olive Oldest" }),
    };
    await service.createUser({
      email: VIEWER.email,
      name: "Vera Viewer",
      role: "viewer",
      password: VIEWER.password,
    });

    let active = 0;
    // The oldest still-active session: 50 days old with the default 60-day lifetime.
    at(50 * DAY);
    await service.createSession({ userId: people.oldest.id, ip: "198.51.100.9", userAgent: UA.edgeWindows });
    active++;
    // An expired one (70 days old) and a revoked one, for the status filter.
    at(70 * DAY);
    await service.createSession({ userId: people.carol.id, ip: "198.51.100.10", userAgent: UA.chromeMac });
    // Expired 40 days ago: past the 30-day retention, what "Clean up now" deletes.
    at(100 * DAY);
    await service.createSession({ userId: people.carol.id, ip: "198.51.100.12", userAgent: UA.edgeWindows });
    at(3 * DAY);
    const revoked = await service.createSession({
      userId: people.carol.id,
      ip: "198.51.100.11",
      userAgent: UA.firefoxLinux,
    });
    await service.revokeSession(revoked.session.id, { reason: "seeded as revoked" });

    const own = [
      [people.alice, UA.chromeMac, "203.0.113.10", 2 * DAY],
      [people.alice, UA.safariIphone, "203.0.113.11", 1 * DAY],
      [people.alice, UA.firefoxLinux, "203.0.113.12", 5 * DAY],
      [people.bob, UA.edgeWindows, "203.0.113.20", 4 * DAY],
      [people.bob, UA.chromeAndroid, "203.0.113.21", 6 * DAY],
      [people.carol, UA.chromeMac, "203.0.113.30", 7 * DAY],
    ] as const;
    for (const [user, userAgent, ip, ago] of own) {
      at(ago);
      await service.createSession({ userId: user.id, ip, userAgent });
      active++;
    }

    // A fleet of service devices: enough for several pages and a bulk revoke above the
    // type-the-count threshold.
    const fleetUsers = [];
    for (let i = 0; i < 40; i++) {
      at(30 * DAY);
      fleetUsers.push(await service.createUser({ email: `device-${String(i).padStart(3, "0")}@fleet.test` }));
    }
    for (let i = 0; i < FLEET_SESSIONS; i++) {
      at(20 * DAY - i * 97 * MINUTE);
      await service.createSession({
        userId: fleetUsers[i % fleetUsers.length]!.id,
        ip: `192.0.2.${(i % 250) + 1}`,
        userAgent: i % 3 === 0 ? UA.chromeAndroid : UA.chromeMac,
      });
      active++;
    }
    return { active, aliceSessions: 3, bobSessions: 2, oldestEmail: people.oldest.email, due: 1 };
  } finally {
    await store.close();
  }
}
