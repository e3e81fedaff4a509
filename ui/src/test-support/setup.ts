import { afterEach } from "vitest";
import "../zod-config.ts";

// Pure tests run in node (`// @vitest-environment node`): only touch the DOM under jsdom.
if (typeof document !== "undefined") {
  const { cleanup, configure } = await import("@solidjs/testing-library");
  // findBy*/waitFor wait for the UI, not for a duration: be patient on a busy 2-core box.
  configure({ asyncUtilTimeout: 5000 });
  // The router scrolls to the top on navigation; jsdom has no layout to scroll.
  window.scrollTo = () => {};
  afterEach(() => {
    cleanup();
    localStorage.clear();
  });
}
