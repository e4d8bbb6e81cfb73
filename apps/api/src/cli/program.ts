// The `sessions` ops CLI: what an operator does from the host's shell, over the same service and the
// same DATABASE_URL as the API (so the same rules and the same audit log; the actor is "cli"). It is
// the way back in when no admin can sign in (`admin create`, `admin reset-password`). It never
// changes the schema except through `migrate`: every other command refuses a database that lacks a
// migration of this version.
//
// Exit codes: 0 done; 1 failed, with a one-line message on stderr; 2 a usage mistake (commander's
// own message and the command's usage). --json prints one JSON object (or, for exports to stdout,
// the rows) on stdout instead of text.
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { resolve } from "node:path";
import { EventEmitter, once } from "node:events";
import {
  API_KEY_SCOPES,
  createSessionsService,
  MigrationsPendingError,
  openStore,
  SESSION_STATUS_FILTERS,
  type ApiKeyScope,
  type CallContext,
  type SessionsService,
  type SessionsStore,
} from "@sessions/core";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { loadEnv, sessionsConfigFromEnv, EnvError } from "../env.js";
import { AUDIT_COLUMNS, exportLines, SESSION_COLUMNS, walkPages, type ExportFormat } from "../export.js";

export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: Record<string, string | undefined>;
  /** Where relative --out paths are resolved (the directory the operator ran the command in). */
  cwd: string;
}

/** A failure the operator can act on: printed as one line, exit 1. */
class CliError extends Error {}

const CLI: CallContext = { actor: { type: "cli" } };
const PAGE = 200;

/** A password for a person to type once and change: 24 characters of base64url (144 bits). */
const generatePassword = () => randomBytes(18).toString("base64url");

function positiveInt(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("must be a whole number of at least 1");
  return n;
}

function scopeList(text: string): ApiKeyScope[] {
  const scopes = text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = scopes.filter((s) => !(API_KEY_SCOPES as readonly string[]).includes(s));
  if (scopes.length === 0 || unknown.length > 0) {
    throw new InvalidArgumentError(`scopes are a comma-separated list of: ${API_KEY_SCOPES.join(", ")}`);
  }
  return scopes as ApiKeyScope[];
}

function dateArg(text: string): Date {
  const date = new Date(text);
  if (Number.isNaN(date.getTime()))
    throw new InvalidArgumentError("must be a date such as 2026-12-01 or an ISO-8601 time");
  return date;
}

const formatOption = () =>
  new Option("--format <format>", "csv or jsonl (one JSON object per line)")
    .choices(["csv", "jsonl"])
    .default("csv");

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const print = (line = "") => io.stdout.write(`${line}\n`);
  let json = false;
  /** Text for people, or one JSON object with --json. */
  const report = (text: string, data: unknown) => (json ? print(JSON.stringify(data)) : print(text));

  // Opened for each command and closed after it; only `migrate` may change the schema.
  async function withService<T>(
    run: (service: SessionsService, store: SessionsStore) => Promise<T>,
    options: { migrate?: boolean } = {},
  ): Promise<T> {
    const env = loadEnv(io.env);
    const store = await openStore(env.DATABASE_URL, {
      timeoutMs: env.DATABASE_TIMEOUT,
      migrate: options.migrate ?? false,
      directUrl: env.DATABASE_DIRECT_URL,
    });
    try {
      const service = createSessionsService({ store, config: sessionsConfigFromEnv(env) });
      return await run(service, store);
    } finally {
      await store.close();
    }
  }

  async function userByEmail(service: SessionsService, email: string) {
    const user = await service.findUserByEmail(email);
    if (!user) throw new CliError(`No user with the email ${email}.`);
    return user;
  }

  /** Rows to --out FILE (created, or replaced) or to stdout; returns how many. */
  async function writeExport<T>(
    out: string | undefined,
    lines: { header(): string; line(item: T): string },
    rows: AsyncIterable<T>,
  ): Promise<number> {
    const file = out ? createWriteStream(resolve(io.cwd, out)) : null;
    const write = async (text: string) => {
      if (!text) return;
      // Backpressure: at most one chunk buffered, whatever the export's size.
      const sink = file ?? io.stdout;
      if (sink.write(text) === false && sink instanceof EventEmitter) await once(sink, "drain");
    };
    let count = 0;
    try {
      await write(lines.header());
      for await (const row of rows) {
        await write(lines.line(row));
        count++;
      }
    } finally {
      if (file) {
        file.end();
        await once(file, "close");
      }
    }
    return count;
  }

  const program = new Command("sessions")
    .description("Operate a Sessions deployment: the same database (DATABASE_URL) and rules as the API.")
    .option("--json", "machine-readable output (one JSON object)")
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .hook("preAction", (command) => {
      json = Boolean(command.optsWithGlobals().json);
    });

  program
    .command("migrate")
    .description("apply the migrations this version has and the database lacks")
    .action(async () => {
      const env = loadEnv(io.env);
      let pending = 0;
      try {
        await (
          await openStore(env.DATABASE_URL, {
            timeoutMs: env.DATABASE_TIMEOUT,
            migrate: false,
            directUrl: env.DATABASE_DIRECT_URL,
          })
        ).close();
      } catch (error) {
        if (!(error instanceof MigrationsPendingError)) throw error;
        pending = error.pending;
      }
      if (pending > 0) await withService(async () => {}, { migrate: true });
      report(
        pending > 0
          ? `Applied ${pending} migration${pending === 1 ? "" : "s"}.`
          : "Up to date: nothing to apply.",
        {
          applied: pending,
        },
      );
    });

  const admin = program.command("admin").description("console operators: the way back in");
  admin
    .command("create")
    .description("create a console admin (prints a generated password when none is given)")
    .requiredOption("--email <email>", "the admin's email")
    .option("--password <password>", "their password (at least 12 characters); generated when left out")
    .option("--name <name>", "their name")
    .addOption(new Option("--role <role>", "admin or viewer").choices(["admin", "viewer"]).default("admin"))
    .action(async (o: { email: string; password?: string; name?: string; role: "admin" | "viewer" }) => {
      const password = o.password ?? generatePassword();
      const user = await withService((s) =>
        s.createUser({ email: o.email, name: o.name ?? null, role: o.role, password }, CLI),
      );
      const shown = o.password ? "" : `\nPassword (shown once): ${password}`;
      report(`Created ${user.role} ${user.email} (${user.id}).${shown}`, {
        user,
        ...(o.password ? {} : { password }),
      });
    });
  admin
    .command("reset-password")
    .description("give an operator a new password (printed once) and end all their sessions")
    .requiredOption("--email <email>", "the operator's email")
    .action(async (o: { email: string }) => {
      const password = generatePassword();
      const result = await withService((s) => s.resetPassword(o.email, password, CLI));
      if (!result.ok) throw new CliError(`No user with the email ${o.email}.`);
      report(
        `New password for ${result.user.email} (shown once): ${password}\nEnded ${result.endedSessions} session${result.endedSessions === 1 ? "" : "s"}.`,
        { user: result.user, password, endedSessions: result.endedSessions },
      );
    });

  const users = program.command("users").description("end users and operators");
  users
    .command("disable")
    .description("disable a user and revoke all their sessions")
    .requiredOption("--email <email>", "the user's email")
    .option("--reason <reason>", "kept in the audit log")
    .action(async (o: { email: string; reason?: string }) => {
      const result = await withService(async (s) =>
        s.setUserStatus((await userByEmail(s, o.email)).id, "disabled", { ...CLI, reason: o.reason ?? null }),
      );
      if (!result.ok) throw new CliError(`No user with the email ${o.email}.`);
      report(`Disabled ${result.user.email}; revoked ${result.revokedSessions} sessions.`, result);
    });
  users
    .command("enable")
    .description("enable a disabled user")
    .requiredOption("--email <email>", "the user's email")
    .action(async (o: { email: string }) => {
      const result = await withService(async (s) =>
        s.setUserStatus((await userByEmail(s, o.email)).id, "active", CLI),
      );
      if (!result.ok) throw new CliError(`No user with the email ${o.email}.`);
      report(`Enabled ${result.user.email}.`, result);
    });

  const sessions = program.command("sessions").description("sessions");
  sessions
    .command("revoke")
    .description("revoke one session by its id")
    .requiredOption("--id <id>", "the session's id")
    .option("--reason <reason>", "kept in the audit log")
    .action(async (o: { id: string; reason?: string }) => {
      const result = await withService((s) => s.revokeSession(o.id, { ...CLI, reason: o.reason ?? null }));
      if (!result.ok) throw new CliError(`No live session with the id ${o.id}.`);
      report(`Revoked session ${o.id}.`, { revoked: 1 });
    });
  sessions
    .command("revoke-user")
    .description("revoke every session of a user")
    .requiredOption("--email <email>", "the user's email")
    .option("--reason <reason>", "kept in the audit log")
    .action(async (o: { email: string; reason?: string }) => {
      const revoked = await withService(async (s) =>
        s.revokeUserSessions((await userByEmail(s, o.email)).id, { ...CLI, reason: o.reason ?? null }),
      );
      report(`Revoked ${revoked} session${revoked === 1 ? "" : "s"} of ${o.email}.`, { revoked });
    });
  sessions
    .command("prune")
    .description(
      "delete sessions that ended longer than SESSION_RETENTION ago (and audit events past AUDIT_RETENTION)",
    )
    .option("--dry-run", "only count what would be deleted")
    .action(async (o: { dryRun?: boolean }) => {
      if (o.dryRun) {
        const preview = await withService((s) => s.cleanupPreview());
        report(`${preview.sessions} sessions would be deleted.`, preview);
        return;
      }
      const result = await withService((s) => s.cleanUp(CLI));
      if (!result)
        throw new CliError("A cleanup is already running (the API's job or another CLI); try again later.");
      report(`Deleted ${result.sessions} sessions and ${result.auditEvents} audit events.`, result);
    });
  sessions
    .command("export")
    .description("write sessions matching a filter as CSV or JSON lines")
    .addOption(formatOption())
    .addOption(
      new Option("--status <status>", "which sessions").choices(SESSION_STATUS_FILTERS).default("active"),
    )
    .option("--email <text>", "only users whose email contains this")
    .option("--out <file>", "write to this file instead of stdout")
    .action(
      async (o: {
        format: ExportFormat;
        status: (typeof SESSION_STATUS_FILTERS)[number];
        email?: string;
        out?: string;
      }) => {
        const filter = { status: o.status, ...(o.email ? { email: o.email } : {}) };
        const count = await withService(async (s) => {
          const rows = await writeExport(
            o.out,
            exportLines(o.format, SESSION_COLUMNS),
            walkPages((cursor) => s.listActiveSessions({ filter, limit: PAGE, cursor })),
          );
          // Audited as the REST export is: data leaving the system is what investigations ask about.
          await s.recordExport({ what: "sessions", format: o.format, filter, rows, complete: true }, CLI);
          return rows;
        });
        if (o.out) report(`Wrote ${count} sessions to ${o.out}.`, { rows: count, out: o.out });
      },
    );

  program
    .command("audit")
    .description("the audit log")
    .command("export")
    .description("write audit events as CSV or JSON lines, newest first")
    .addOption(formatOption())
    .option("--action <action>", "only this action, e.g. session.revoked")
    .option("--since <date>", "only events at or after this time", dateArg)
    .option("--out <file>", "write to this file instead of stdout")
    .action(async (o: { format: ExportFormat; action?: string; since?: Date; out?: string }) => {
      const count = await withService(async (s) => {
        async function* events() {
          for await (const e of walkPages((cursor) =>
            s.listAudit({ action: o.action, limit: PAGE, cursor }),
          )) {
            // Newest first: the first event before --since ends the walk.
            if (o.since && e.at < o.since) return;
            yield e;
          }
        }
        const rows = await writeExport(o.out, exportLines(o.format, AUDIT_COLUMNS), events());
        const filter = {
          ...(o.action ? { action: o.action } : {}),
          ...(o.since ? { since: o.since.toISOString() } : {}),
        };
        await s.recordExport({ what: "audit", format: o.format, filter, rows, complete: true }, CLI);
        return rows;
      });
      if (o.out) report(`Wrote ${count} audit events to ${o.out}.`, { rows: count, out: o.out });
    });

  program
    .command("stats")
    .description("the dashboard's figures")
    .action(async () => {
      const stats = await withService((s) => s.getSessionStats());
      report(
        [
          `Active sessions   ${stats.totalActive}`,
          `Unique users      ${stats.uniqueUsers}`,
          `Created today     ${stats.sessionsToday}`,
          `Revoked today     ${stats.revokedToday}`,
          `Expired           ${stats.expiredSessions}`,
        ].join("\n"),
        stats,
      );
    });

  const keys = program.command("keys").description("API keys for services");
  keys
    .command("create")
    .description("create an API key (printed once)")
    .requiredOption("--name <name>", "what the key is for")
    .requiredOption("--scopes <list>", `comma-separated: ${API_KEY_SCOPES.join(", ")}`, scopeList)
    .option("--expires-in-days <days>", "the key stops working after this many days", positiveInt)
    .action(async (o: { name: string; scopes: ApiKeyScope[]; expiresInDays?: number }) => {
      const created = await withService((s) =>
        s.createApiKey({ name: o.name, scopes: o.scopes, expiresInDays: o.expiresInDays ?? null }, CLI),
      );
      report(
        `Created API key ${created.apiKey.id} (${created.apiKey.name}).\nKey (shown once): ${created.key}`,
        created,
      );
    });
  keys
    .command("revoke")
    .description("revoke an API key (and the keys it made)")
    .requiredOption("--id <id>", "the key's id")
    .action(async (o: { id: string }) => {
      const result = await withService((s) => s.revokeApiKey(o.id, CLI));
      if (!result.ok) throw new CliError(`No live API key with the id ${o.id}.`);
      report(`Revoked API key ${o.id}.`, { revoked: true });
    });

  try {
    if (argv.length === 0) {
      program.outputHelp();
      return 2;
    }
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here too, successfully.
      return error.exitCode === 0 ? 0 : 2;
    }
    io.stderr.write(`sessions: ${oneLine(error)}\n`);
    return 1;
  }
}

/** The error as one line: the service's own messages are written for people already. */
function oneLine(error: unknown): string {
  if (error instanceof EnvError) return error.problems.join("; ");
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0]!;
}
