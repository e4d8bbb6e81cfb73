import { fileURLToPath, URL } from "node:url";
import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// In development the console runs on its own port and proxies the API (PORT, default 3000), so the
// browser sees one origin and the HttpOnly sign-in cookie works as it does in production.
const apiPort = process.env.API_PORT ?? process.env.PORT ?? "3000";
const apiTarget = process.env.API_URL ?? `http://127.0.0.1:${apiPort}`;

export default defineConfig({
  plugins: [react(), tailwindcss()],
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
