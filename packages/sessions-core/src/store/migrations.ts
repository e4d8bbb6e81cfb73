// Where each dialect's drizzle-kit migrations live. From source they sit at the package root
// (migrations/<dialect>). An app that bundles sessions-core into one file (apps/api's production
// build) ships a copy next to its bundle (./migrations/<dialect>): in a bundle import.meta.url names
// the bundle, not this module, so a path relative to this file alone would point nowhere.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export function migrationsFolderOf(dialect: "sqlite" | "postgres"): string {
  const fromSource = fileURLToPath(new URL(`../../migrations/${dialect}`, import.meta.url));
  const nextToBundle = fileURLToPath(new URL(`./migrations/${dialect}`, import.meta.url));
  const journal = (dir: string) => existsSync(join(dir, "meta", "_journal.json"));
  // When neither exists, drizzle's "Can't find meta/_journal.json" names the source location.
  return !journal(fromSource) && journal(nextToBundle) ? nextToBundle : fromSource;
}
