import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError } from "../src/domain/errors.js";
import { createSessionsService } from "../src/service/index.js";
import { DEFAULT_DATABASE_URL, openStore, parseDatabaseUrl } from "../src/store/open.js";

const ACCEPTED_FORMS = ["file:", ":memory:", "postgres://", "postgresql://"];

function expectConfigErrorNamingForms(fn: () => unknown): ConfigError {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  const message = (error as ConfigError).message;
  for (const form of ACCEPTED_FORMS) expect(message).toContain(form);
  expect(message).toContain("DATABASE_URL");
  return error as ConfigError;
}

describe("parseDatabaseUrl", () => {
  it("defaults to the embedded SQLite file", () => {
    expect(DEFAULT_DATABASE_URL).toBe("file:./data/sessions.db");
    expect(parseDatabaseUrl()).toEqual({ dialect: "sqlite", filename: resolve("data/sessions.db") });
  });

  it.each([
    [":memory:", ":memory:"],
    ["file::memory:", ":memory:"],
    ["file:/var/lib/sessions.db", "/var/lib/sessions.db"],
    ["file:///var/lib/sessions.db", "/var/lib/sessions.db"],
    ["file:./data/x.db", resolve("data/x.db")],
    ["file:x.db", resolve("x.db")],
    ["./data/x.db", resolve("data/x.db")],
    ["/abs/path/x.sqlite", "/abs/path/x.sqlite"],
    ["plain.db", resolve("plain.db")],
    ["  file:/trimmed.db  ", "/trimmed.db"],
  ])("%s → SQLite %s", (url, filename) => {
    expect(parseDatabaseUrl(url)).toEqual({ dialect: "sqlite", filename });
  });

  it.each([
    "postgres://user:pw@db.internal:5432/sessions",
    "postgresql://db.internal/sessions?sslmode=require",
    "POSTGRES://db/x",
    "postgres:///sessions?host=/var/run/postgresql",
  ])("%s → Postgres", (url) => {
    expect(parseDatabaseUrl(url)).toEqual({ dialect: "postgres", url });
  });

  it.each([
    "mysql://db/x",
    "http://example.com/db",
    "sqlite://x.db",
    "sqlite:x.db",
    "redis:6379",
    "mongodb+srv://c/x",
  ])("rejects %s, naming the scheme and every accepted form", (url) => {
    const error = expectConfigErrorNamingForms(() => parseDatabaseUrl(url));
    expect(error.message).toContain(`"${url.split(":")[0]}:"`);
  });

  it.each(["", "   ", "file:", "postgres://", "postgresql://:5432/x"])(
    "rejects %j with the accepted forms",
    (url) => {
      expectConfigErrorNamingForms(() => parseDatabaseUrl(url));
    },
  );
});

describe("openStore", () => {
  const dir = mkdtempSync(join(tmpdir(), "sessions-open-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("opens an in-memory SQLite store that works", async () => {
    const store = await openStore(":memory:");
    try {
      expect(store.dialect).toBe("sqlite");
      await store.ping();
      const service = createSessionsService({ store });
      const user = await service.createUser({ email: "m@example.com" });
      expect((await service.getUser(user.id))?.email).toBe("m@example.com");
    } finally {
      await store.close();
    }
  });

  it("creates missing directories for a SQLite file and keeps data across reopen", async () => {
    const file = join(dir, "nested", "deeper", "sessions.db");
    const first = await openStore(`file:${file}`);
    const service = createSessionsService({ store: first });
    const user = await service.createUser({ email: "persist@example.com" });
    await first.close();
    expect(existsSync(file)).toBe(true);

    const second = await openStore(file); // a plain path, migrations already applied
    try {
      expect((await createSessionsService({ store: second }).getUser(user.id))?.email).toBe(
        "persist@example.com",
      );
    } finally {
      await second.close();
    }
  });

  it("rejects an unsupported URL before opening or creating anything", async () => {
    const before = readdirSync(dir);
    await expect(openStore("mysql://root@localhost/sessions")).rejects.toThrow(ConfigError);
    await expect(openStore("mysql://root@localhost/sessions")).rejects.toThrow(/postgresql:\/\//);
    await expect(openStore(`sqlite://${join(dir, "never", "x.db")}`)).rejects.toThrow(ConfigError);
    expect(readdirSync(dir)).toEqual(before);
  });
});
