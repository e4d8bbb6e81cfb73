// The drain's idle sweep against a stalled process (issue 11, finding 5): a keep-alive client sends
// its next request while the server's event loop is held for longer than the drain's idle time.
// When the loop turns again, the sweep's timer runs before the poll phase reads that request, and a
// sweep that judged idleness by the clock alone closed the socket under it: the client saw the
// connection reset with its request unanswered (the flake once seen in faults/shutdown.test.ts on a
// loaded machine). The stall here is a busy wait, so the order of events is fixed, not timed.
import { createServer, type Server } from "node:http";
import { connect, type AddressInfo, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createGracefulShutdown, type GracefulShutdown } from "../src/http/shutdown.js";
import { createLogger } from "../src/logger.js";

const DRAIN_IDLE_MS = 50;

function request(path: string): string {
  return `GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n`;
}

/** Everything the socket receives until it closes, and whether it closed by a reset. */
function collect(socket: Socket): { text: () => string; closed: Promise<{ reset: boolean }> } {
  let text = "";
  let reset = false;
  socket.setEncoding("utf8");
  socket.on("data", (chunk: string) => (text += chunk));
  socket.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "ECONNRESET" || error.code === "EPIPE") reset = true;
  });
  const closed = new Promise<{ reset: boolean }>((resolve) => socket.once("close", () => resolve({ reset })));
  return { text: () => text, closed };
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 2));
}

describe("drain idle sweep", () => {
  let server: Server | null = null;
  afterEach(async () => {
    server?.closeAllConnections();
    server = null;
  });

  async function start(): Promise<{ port: number; shutdown: GracefulShutdown }> {
    const s = createServer((req, res) => {
      shutdown.requestStarted(res, req.socket);
      res.once("close", () => shutdown.requestDone(res, req.socket));
      if (shutdown.shuttingDown) res.setHeader("Connection", "close");
      res.end(`answered ${req.url ?? ""}\n`);
    });
    const shutdown = createGracefulShutdown({
      server: s,
      logger: createLogger({ level: "silent" }),
      timeoutMs: 5_000,
      drainIdleMs: DRAIN_IDLE_MS,
      endStreams: () => {},
      release: async () => {},
    });
    server = s;
    await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
    return { port: (s.address() as AddressInfo).port, shutdown };
  }

  it("answers a request sent on an idle socket while the process was stalled past the idle time", async () => {
    const { port, shutdown } = await start();
    const socket = connect(port, "127.0.0.1");
    const received = collect(socket);
    socket.write(request("/first"));
    await until(() => received.text().includes("answered /first"));

    const closing = shutdown.close();
    // From the check phase (setImmediate), so that the loop's next phase is its timers, not a poll:
    // the client's next request reaches the kernel, then the process stalls for 4× the idle time,
    // and the sweep's next run sees a socket idle by the clock with the request not yet read.
    await new Promise((resolve) => setImmediate(resolve));
    socket.write(request("/second"));
    const stallUntil = Date.now() + DRAIN_IDLE_MS * 4;
    while (Date.now() < stallUntil) {
      // busy: the event loop is held, as by a starved CPU or a long GC
    }
    const { reset } = await received.closed;
    await closing;

    expect(reset).toBe(false);
    expect(received.text()).toContain("answered /second");
    // Answered with Connection: close, so the client knows not to reuse the socket.
    expect(received.text().split("answered /first")[1]).toMatch(/connection: close/i);
  });

  it("still closes a socket that stays idle, well before the shutdown timeout", async () => {
    const { port, shutdown } = await start();
    const socket = connect(port, "127.0.0.1");
    const received = collect(socket);
    socket.write(request("/only"));
    await until(() => received.text().includes("answered /only"));
    const started = Date.now();
    await shutdown.close();
    const { reset } = await received.closed;
    expect(reset).toBe(false);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
