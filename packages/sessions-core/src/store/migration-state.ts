// Whether a database has every migration this build ships. The API migrates when it starts; the
// ops CLI migrates only when told to (`sessions migrate`), so a command run against a database an
// older or newer build left behind says so instead of changing its schema on the side.
import { readFileSync } from "node:fs";
import { join } from "node:path";

export class MigrationsPendingError extends Error {
  constructor(readonly pending: number) {
    super(
      `The database is missing ${pending} migration${pending === 1 ? "" : "s"} of this version: run \`pnpm sessions migrate\` first.`,
    );
    this.name = "MigrationsPendingError";
  }
}

/** When each migration in `folder` was made (drizzle-kit's journal), oldest first. */
function journalTimes(folder: string): number[] {
  const journal = JSON.parse(readFileSync(join(folder, "meta", "_journal.json"), "utf8")) as {
    entries: { when: number }[];
  };
  return journal.entries.map((e) => e.when);
}

/**
 * How many of the folder's migrations are newer than the last one applied (drizzle records each
 * migration's journal time as created_at); `lastApplied` null: none applied, a new database.
 */
export function pendingMigrations(folder: string, lastApplied: number | null): number {
  return journalTimes(folder).filter((when) => lastApplied === null || when > lastApplied).length;
}
