// Sums the gzipped JavaScript a browser downloads for the first screen: the entry chunk and
// everything it imports statically, plus the route chunks (and their static imports) that render
// it: the sign-in page when signed out, the app shell and overview when signed in. The overview's
// chart (uPlot) is a separate chunk requested after the figures are on screen; it is reported
// on its own line and in the total with it. The 250 KB budget applies to the first screen, and
// to the overview with its chart: the chart is part of what a signed-in visitor first sees.
// Run after `vite build`: node scripts/bundle-size.mjs
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";

const dist = new URL("../dist/", import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(dist, ".vite/manifest.json"), "utf8"));

function closure(keys) {
  const seen = new Set();
  const visit = (key) => {
    if (seen.has(key)) return;
    seen.add(key);
    for (const dep of manifest[key]?.imports ?? []) visit(dep);
  };
  keys.forEach(visit);
  return seen;
}

const gz = (file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const entry = Object.keys(manifest).find((k) => manifest[k].isEntry);
const find = (suffix) => {
  const key = Object.keys(manifest).find((k) => k.endsWith(suffix));
  if (!key) throw new Error(`no chunk for ${suffix}`);
  return key;
};

const jsOf = (keys) => [...closure(keys)].map((k) => manifest[k].file).filter((f) => f.endsWith(".js"));
const sum = (files) => files.reduce((total, f) => total + gz(f), 0);

const signedOut = jsOf([entry, find("features/login/login-page.tsx")]);
const signedIn = jsOf([
  entry,
  find("components/app-shell.tsx"),
  find("features/dashboard/dashboard-page.tsx"),
]);
const withChart = jsOf([
  entry,
  find("components/app-shell.tsx"),
  find("features/dashboard/dashboard-page.tsx"),
  find("features/dashboard/sessions-chart.tsx"),
]);
const chartOnly = withChart.filter((f) => !signedIn.includes(f));

const budget = 250 * 1024;
const worst = Math.max(sum(signedOut), sum(signedIn), sum(withChart));
console.log(
  `first-screen JS, signed out (sign-in page): ${kb(sum(signedOut))} gzipped in ${signedOut.length} files`,
);
console.log(
  `first-screen JS, signed in (shell + overview): ${kb(sum(signedIn))} gzipped in ${signedIn.length} files`,
);
console.log(`deferred chart chunk (uPlot), loaded after the figures render: ${kb(sum(chartOnly))} gzipped`);
console.log(`overview once the chart has loaded: ${kb(sum(withChart))} gzipped`);
console.log(
  `budget 250 KB for the first screen, chart included: ${worst <= budget ? "within" : "OVER"} (largest ${kb(worst)})`,
);
if (worst > budget) process.exit(1);
