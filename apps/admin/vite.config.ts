import { fileURLToPath, URL } from "node:url";
import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";
import { compression, defineAlgorithm } from "vite-plugin-compression2";

// In development the console runs on its own port and proxies the API (PORT, default 3000), so the
// browser sees one origin and the HttpOnly sign-in cookie works as it does in production.
const apiPort = process.env.API_PORT ?? process.env.PORT ?? "3000";
const apiTarget = process.env.API_URL ?? `http://127.0.0.1:${apiPort}`;

export default defineConfig({
  plugins: [
    react(),
    tailwindcss(),
    // Brotli and gzip copies beside each asset (x.js.br, x.js.gz), made once at build time at the
    // highest levels: the API serves them by Accept-Encoding (apps/api/src/http/static.ts) and
    // never compresses a file per request. Files under 1 KiB and copies no smaller are skipped.
    compression({
      algorithms: [defineAlgorithm("brotliCompress"), defineAlgorithm("gzip", { level: 9 })],
      threshold: 1024,
      skipIfLargerOrEqual: true,
      exclude: [/\.(png|jpe?g|gif|webp|woff2?)$/],
    }),
  ],
  resolve: {
    alias: { "@": fileURLToPath(new URL("./src", import.meta.url)) },
  },
  server: {
    port: Number(process.env.ADMIN_PORT ?? 5173),
    strictPort: true,
    proxy: {
      "/trpc": { target: apiTarget, changeOrigin: false, ws: false },
      "/api": apiTarget,
      "/healthz": apiTarget,
      "/readyz": apiTarget,
    },
  },
  preview: { port: Number(process.env.ADMIN_PORT ?? 4173) },
  build: {
    target: "es2022",
    sourcemap: false,
    manifest: true,
    chunkSizeWarningLimit: 600,
  },
});
