// `pnpm sessions <command>` (see program.ts). pnpm runs it from apps/api, where the API's default
// DATABASE_URL (file:./data/sessions.db) points too; --out paths are taken from where the operator
// ran the command (pnpm's INIT_CWD).
import { runCli } from "./program.js";

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.env.INIT_CWD ?? process.cwd(),
});
