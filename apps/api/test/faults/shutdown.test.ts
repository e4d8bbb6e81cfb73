// Issue 11, finding 5, reproduced and fixed: SIGTERM while keep-alive clients keep sending. Every
// request either gets a response (the work done, or refused with a status) or is refused before
// the server read a byte of it (ECONNREFUSED: the listener is closed); none is cut off mid-way
// (ECONNRESET, "other side closed"), where the client cannot tell whether it was applied. Five
// runs, each against a production process, which must exit within SHUTDOWN_TIMEOUT.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSessionsService, openStore } from "@sessions/core";
import { Agent, request } from "node:http";
import { afterAll, describe, expect, it } from "vitest";
import { startApiProcess } from "./process.js";

const RUNS = 5;
const CLIENTS = 16;

/** What happened to one request, by what the client saw. */
type Outcome = "answered" | "refused" | "cut";

/** One POST on the agent's pooled sockets; resolves once the whole response has arrived. */
function post(agent: Agent, url: string, headers: Record<string, string>, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", agent, headers }, (res) => {
      res.on("data", () => {});
      res.on("end", () => resolve(res.statusCode ?? 0));
      res.on("error", reject);
    });
    req.on("error", (error) => reject(Object.assign(error, { reused: req.reusedSocket })));
    req.end(body);
  });
}

function outcomeOf(error: unknown): Outcome {
  const codes: string[] = [];
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") codes.push(code);
  }
  return codes.includes("ECONNREFUSED") ? "refused" : "cut";
}

describe("SIGTERM under keep-alive load", () => {
  const dir = mkdtempSync(join(tmpdir(), "sessions-shutdown-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`answers or refuses every request, cuts none, over ${RUNS} runs`, async () => {
    const totals: Record<Outcome, number> = { answered: 0, refused: 0, cut: 0 };
    const cuts: string[] = [];
    for (let run = 0; run < RUNS; run++) {
      const databaseUrl = `file:${join(dir, `run-${run}.db`)}`;
      const setup = await openStore(databaseUrl);
      const service = createSessionsService({ store: setup });
      const { key } = await service.createApiKey({ name: "svc", scopes: ["sessions:issue"] });
      const user = await service.createUser({ email: `u${run}@example.com` });
      const { token } = await service.createSession({ userId: user.id });
      await setup.close();

      const api = await startApiProcess({ DATABASE_URL: databaseUrl, SHUTDOWN_TIMEOUT: "5s" });
      // A pool that reuses its sockets, as a service's HTTP client does.
      const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
      let stop = false;
      const send = async (): Promise<Outcome> => {
        try {
          await post(
            agent,
            `${api.url}/trpc/sessions.validate`,
            { "content-type": "application/json", authorization: `Bearer ${key}` },
            JSON.stringify({ json: { token } }),
          );
          return "answered";
        } catch (error) {
          const outcome = outcomeOf(error);
          if (outcome === "cut")
            cuts.push(`${String(error)} reused=${String((error as { reused?: boolean }).reused)}`);
          return outcome;
        }
      };
      const loops = Array.from({ length: CLIENTS }, async () => {
        while (!stop) {
          const outcome = await send();
          totals[outcome] += 1;
          if (outcome !== "answered") break;
        }
      });
      await new Promise((r) => setTimeout(r, 700 + run * 37));
      const signalled = Date.now();
      api.child.kill("SIGTERM");
      const code = await api.exited;
      const tookMs = Date.now() - signalled;
      stop = true;
      await Promise.all(loops);
      agent.destroy();
      expect(code).toBe(0);
      expect(tookMs).toBeLessThan(5_000 + 1_000);
    }
    expect(cuts).toEqual([]);
    expect(totals.cut).toBe(0);
    expect(totals.answered).toBeGreaterThan(RUNS * CLIENTS);
  }, 120_000);
});
