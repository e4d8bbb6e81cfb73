// What the browser tests need around them: a Chromium to drive, the API serving the built console
// on a temp SQLite database, and a place for screenshots.
import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { seed } from "./seed";

export const ADMIN_DIR = join(dirname(fileURLToPath(import.meta.url)), "..");
export const API_DIR = join(ADMIN_DIR, "..", "api");
export const DIST_DIR = join(ADMIN_DIR, "dist");
export const RESULTS_DIR = join(ADMIN_DIR, "test-results");

/** Exactly these flags: headless, sandbox-free for containers, and no network chatter of its own. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH || "/usr/bin/chromium";
}

/** The browser to drive, or why there is none. */
export function findChromium():
  { ok: true; path: string } | { ok: false; path: string; notice: string; ciError: string } {
  const path = chromiumPath();
  try {
    accessSync(path, constants.X_OK);
    return { ok: true, path };
  } catch {
    const install = "install one with: apt-get install -y chromium, or set CHROMIUM_PATH";
    return {
      ok: false,
      path,
      notice: `e2e: skipped, no Chromium at ${path} (${install})`,
      ciError: `No Chromium at ${path} (${install}); CI must run the browser tests.`,
    };
  }
}

export function ensureResultsDir(): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  return RESULTS_DIR;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningApi {
  url: string;
  /** Everything the process printed, for a failure message. */
  output: () => string;
  stop: () => Promise<void>;
}

/**
 * Starts the API the way `pnpm start` does (NODE_ENV=production, tsx src/main.ts), so it serves the
 * built console from apps/admin/dist, on a free port, and waits until /readyz answers.
 */
export async function startApi(options: {
  databaseUrl: string;
  adminEmail: string;
  adminPassword: string;
  /** More settings for this API (e.g. a short CONSOLE_REAUTH_WINDOW). */
  env?: Record<string, string>;
}): Promise<RunningApi> {
  if (!existsSync(join(DIST_DIR, "index.html"))) {
    throw new Error(
      `The console is not built (${DIST_DIR}/index.html missing): run \`pnpm --filter @sessions/admin build\` first.`,
    );
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = "";
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: API_DIR,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: "production",
      HOST: "127.0.0.1",
      PORT: String(port),
      DATABASE_URL: options.databaseUrl,
      ADMIN_EMAIL: options.adminEmail,
      ADMIN_PASSWORD: options.adminPassword,
      CONSOLE_DIR: DIST_DIR,
      LOG_LEVEL: "warn",
      // The seeded rows stay put unless a test cleans up itself ("Clean up now").
      PRUNE_INTERVAL: "off",
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  // If the test runner goes away without stopping it, the API goes too.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The API exited with ${child.exitCode}:\n${output}`);
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`The API did not become ready within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }

  return {
    url,
    output: () => output,
    stop: async () => {
      process.removeListener("exit", killOnExit);
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A suite's own world: a seeded temp database, an API on it and a headless Chromium. */
export interface SeededConsole {
  api: RunningApi;
  browser: Browser;
  /** Closes the browser and the API and deletes the database. */
  stop: () => Promise<void>;
}

/**
 * For suites whose own sign-ins must not change another suite's counts (wire size, accessibility):
 * seeds a fresh database under a temp folder named for the suite, starts the API and Chromium.
 */
export async function startSeededConsole(options: {
  name: string;
  chromium: string;
  admin: { email: string; password: string };
  /** More settings for this suite's API, as startApi takes them. */
  env?: Record<string, string>;
}): Promise<SeededConsole> {
  const dir = mkdtempSync(join(tmpdir(), `sessions-${options.name}-`));
  const databaseUrl = `file:${join(dir, "db.sqlite")}`;
  await seed(databaseUrl);
  const api = await startApi({
    databaseUrl,
    adminEmail: options.admin.email,
    adminPassword: options.admin.password,
    ...(options.env ? { env: options.env } : {}),
  });
  const browser = await chromium.launch({
    executablePath: options.chromium,
    args: CHROMIUM_ARGS,
    headless: true,
  });
  return {
    api,
    browser,
    stop: async () => {
      await browser.close();
      await api.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Signs `page` in through the sign-in form, as a person would, and waits for the overview. */
export async function signIn(
  page: Page,
  baseUrl: string,
  user: { email: string; password: string },
): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Overview" }).waitFor();
}
