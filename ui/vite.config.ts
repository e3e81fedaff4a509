import { defineConfig } from "vite";
import solid from "vite-plugin-solid";

// The built app is served by the nginx gateway (infra/) next to /api/v1/<svc>/; in dev the
// same relative URLs reach a running gateway through this proxy, so the code never
// needs a base URL and the CSP can stay at connect-src 'self'.
export default defineConfig({
  plugins: [solid()],
  server: {
    proxy: { "/api": { target: process.env.STREAMSTACK_GATEWAY ?? "http://localhost:8080" } },
  },
  build: {
    outDir: "dist",
    assetsDir: "assets",
    target: "es2022",
    sourcemap: true,
  },
});
