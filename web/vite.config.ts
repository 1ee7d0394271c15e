/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

// The server serves the built app from its package (DESIGN.md: `make web` builds into src/echo/static/).
const outDir = fileURLToPath(new URL("../src/echo/static", import.meta.url));
// `npm run dev` proxies the API and Socket.IO to a server started with `make run`.
const server = process.env.ECHO_DEV_SERVER ?? "http://127.0.0.1:4567";

export default defineConfig({
  plugins: [react()],
  build: {
    outDir,
    emptyOutDir: true,
    sourcemap: false,
    // In raw kB; the budget (250 KB gzipped initial JS) is checked by tests/e2e/test_web_setup.py.
    chunkSizeWarningLimit: 800,
  },
  server: {
    proxy: {
      "/api": server,
      "/socket.io": { target: server, ws: true },
    },
  },
  test: {
    environment: "node",
    include: ["src/**/*.test.ts"],
  },
});
