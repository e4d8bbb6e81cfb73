// pnpm --filter @sessions/bench cost-curve 100k.json 1M.json 10M.json — the cost curve table for RESULTS.md:
// each operation's median at each size, and 10M ÷ 1M with the issue-15 target (≤ 1.5×) marked for
// the index-served operations (validate, get, list pages at any depth, count, revokeUserSessions).
import { readFileSync } from "node:fs";

interface Op {
  op: string;
  n: number;
  medianUs: number;
  p99Us: number;
}
const files = process.argv.slice(2);
if (files.length < 2)
  throw new Error("usage: pnpm --filter @sessions/bench cost-curve SMALL.json … LARGE.json");
const runs = files.map(
  (f) =>
    JSON.parse(readFileSync(f, "utf8")) as {
      results: Op[];
      seed: { byDialect: { sqlite?: { sessions: number } } };
    },
);
const sizes = runs.map((r) => r.results[0]?.n ?? r.seed.byDialect.sqlite?.sessions ?? 0);
const label = (n: number) => (n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`);
const indexServed = (op: string) =>
  /^validateSession \((fresh|lastSeenAt touch|unknown token|expired token)\)|^getSessionInfo|^listUserSessions|^listActiveSessions|^countActiveSessions|^revokeUserSessions/.test(
    op,
  );
const fmt = (us: number | undefined) =>
  us === undefined
    ? "—"
    : us >= 10_000
      ? `${(us / 1000).toFixed(0)} ms`
      : us >= 1000
        ? `${(us / 1000).toFixed(2)} ms`
        : `${us.toFixed(1)} µs`;
// The person and last name searched are sampled from each data set: compare them by their kind.
const kindOf = (op: string) =>
  op
    .replace(/email "([^"@]*\.[^"@]*)"/, 'email "<person>"')
    .replace(/email "(@[^"]*)"/, 'email "<domain>"')
    .replace(/email "([a-z]+)"/, 'email "<last name>"')
    .replace(/search "[^"]*"/, 'search "<person>"');
const ops = runs
  .at(-1)!
  .results.filter((r) => !r.op.includes("during") && !r.op.startsWith("validateSession (arrivals"));
const [mid, big] = [runs.length - 2, runs.length - 1];
console.log(
  `| operation | ${sizes.map(label).join(" | ")} | ${label(sizes[big]!)} ÷ ${label(sizes[mid]!)} | target ≤ 1.5× |`,
);
console.log(`| --- | ${sizes.map(() => "---:").join(" | ")} | ---: | --- |`);
for (const op of ops) {
  const at = runs.map((r) => r.results.find((x) => kindOf(x.op) === kindOf(op.op))?.medianUs);
  const ratio = at[big]! / at[mid]!;
  const target = !Number.isFinite(ratio)
    ? "—"
    : indexServed(op.op)
      ? ratio <= 1.5
        ? "met"
        : "**missed**"
      : "(not index-served)";
  console.log(
    `| ${kindOf(op.op)} | ${at.map(fmt).join(" | ")} | ${Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : "—"} | ${target} |`,
  );
}
