// `pnpm build`: bundles the API (src/main.ts with @sessions/core and the pure-JS dependencies) into
// dist/main.js, which `pnpm start` runs with plain node. Production then pays neither tsx's loader
// (~40 MiB of resident memory, TypeScript transforms at start) nor the resolution of hundreds of
// modules. better-sqlite3 stays an import: its native addon is found relative to its own package.
// sessions-core's migrations are copied next to the bundle, where sessions-core looks for them when
// it runs bundled (src/store/migrations.ts).
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const API_DIR = dirname(fileURLToPath(import.meta.url));
const DIST = join(API_DIR, "dist");
const CORE_MIGRATIONS = fileURLToPath(new URL("../migrations", import.meta.resolve("@sessions/core")));

rmSync(DIST, { recursive: true, force: true });
mkdirSync(DIST, { recursive: true });

await build({
  entryPoints: [join(API_DIR, "src/main.ts")],
  outfile: join(DIST, "main.js"),
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  external: ["better-sqlite3"],
  // Bundled CommonJS dependencies (pino, ua-parser-js…) call require() for Node built-ins, which an
  // ES module does not have.
  banner: {
    js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);',
  },
  sourcemap: "linked",
  legalComments: "linked",
  logLevel: "warning",
});

for (const dialect of ["sqlite", "postgres"]) {
  cpSync(join(CORE_MIGRATIONS, dialect), join(DIST, "migrations", dialect), { recursive: true });
}
console.log(`built ${join(DIST, "main.js")}`);
