// A Postgres server of the fault tests' own, to stop, freeze and start again: initdb with trust
// auth into a temp directory as the postgres OS user, on 127.0.0.1 and a free port, the way .ci/run
// starts the shared one. Needs root (to act as postgres) and the server binaries; `available()`
// says whether this machine has both.
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../src/testing/index.js";

const BIN = process.env.POSTGRES_BIN ?? "/usr/lib/postgresql/15/bin";

export function clusterUnavailableReason(): string | null {
  if (process.getuid?.() !== 0) return "not root (the cluster runs as the postgres OS user)";
  if (!existsSync(join(BIN, "initdb"))) return `no Postgres server binaries at ${BIN}`;
  return null;
}

const asPostgres = (args: string[]) =>
  execFileSync("runuser", ["-u", "postgres", "--", ...args], { stdio: "pipe", timeout: 60_000 });

export interface Cluster {
  url: string;
  /** Stops the server (fast shutdown: connections are terminated). */
  stop(): void;
  start(): void;
  /** Freezes every server process (SIGSTOP): connections stay open and nothing answers. */
  freeze(): void;
  thaw(): void;
  destroy(): void;
}

export async function startCluster(): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), "sessions-pg-"));
  chmodSync(dir, 0o777);
  const data = join(dir, "data");
  const port = await freePort();
  asPostgres([join(BIN, "initdb"), "-D", data, "--auth=trust", "--username=postgres", "-E", "UTF8"]);
  const options = `-h 127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c max_connections=50`;
  const start = () =>
    void asPostgres([join(BIN, "pg_ctl"), "-D", data, "-l", join(dir, "log"), "-w", "-o", options, "start"]);
  const pids = (): string[] => {
    const postmaster = readFileSync(join(data, "postmaster.pid"), "utf8").split("\n")[0]!.trim();
    let children: string[] = [];
    try {
      children = execFileSync("pgrep", ["-P", postmaster], { encoding: "utf8" }).split("\n").filter(Boolean);
    } catch {
      // no children yet
    }
    return [postmaster, ...children];
  };
  const signal = (name: "STOP" | "CONT") => {
    for (const pid of pids()) {
      try {
        process.kill(Number(pid), `SIG${name}`);
      } catch {
        // gone meanwhile
      }
    }
  };
  start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => void asPostgres([join(BIN, "pg_ctl"), "-D", data, "-m", "fast", "-w", "stop"]),
    start,
    freeze: () => signal("STOP"),
    thaw: () => signal("CONT"),
    destroy: () => {
      try {
        signal("CONT");
        asPostgres([join(BIN, "pg_ctl"), "-D", data, "-m", "immediate", "-w", "stop"]);
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
