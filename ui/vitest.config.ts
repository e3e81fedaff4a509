import solid from "vite-plugin-solid";
import { defineProject } from "vitest/config";

// The `ui` project of the root vitest.config.ts: component and pure tests under src/,
// in jsdom, compiled by the same Solid plugin as the build. The browser e2e under
// test/ belongs to the root `integration` project (it needs the whole stack).
export default defineProject({
  plugins: [solid()],
  test: {
    name: "ui",
    root: import.meta.dirname,
    include: ["src/**/*.test.{ts,tsx}"],
    environment: "jsdom",
    setupFiles: ["src/test-support/setup.ts"],
    // Runs in the same group as `unit` (see the root config), before the integration tests.
    sequence: { groupOrder: 0 },
    // Solid libraries ship JSX/ESM that must go through the Solid compiler, not Node.
    server: { deps: { inline: [/@solidjs\/router/, /@solidjs\/testing-library/, /solid-js/] } },
  },
});
