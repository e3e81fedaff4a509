import { cleanup } from "@solidjs/testing-library";
import { afterEach } from "vitest";
import "../zod-config.ts";

afterEach(() => {
  cleanup();
  localStorage.clear();
});
