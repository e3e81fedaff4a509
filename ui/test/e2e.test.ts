import { mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startTestStack, type TestStack } from "@streamstack/infra";
import type { BrowserContext, Page, Response } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openBrowser } from "./support/browser.ts";
import { buildUi } from "./support/build-ui.ts";
import { makeTestVideo } from "./support/test-video.ts";

// The scenario in a real browser against the whole platform behind nginx:
// an admin uploads through the page and sees it publish live; a viewer finds it, plays,
// seeks (HTTP 206), signs out and is locked out.
const artifacts = resolve(import.meta.dirname, "../../.test-artifacts/e2e");
const word = `zephyr${Math.random().toString(36).slice(2, 8)}`;
const title = `Orbit ${word} test pattern`;

let stack: TestStack & { url: string };
let admin: { context: BrowserContext; close(): Promise<void> };
let viewer: { context: BrowserContext; close(): Promise<void> };
let workDir: string;
let ui: Awaited<ReturnType<typeof buildUi>> | undefined;
let videoFile: string;
let mediaId: string | undefined;

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });

beforeAll(async () => {
  await rm(artifacts, { recursive: true, force: true }); // no stale failure shots
  await mkdir(artifacts, { recursive: true });
  workDir = await mkdtemp(join(tmpdir(), "streamstack-e2e-media-"));
  const [built, video] = await Promise.all([buildUi(), makeTestVideo(workDir)]);
  ui = built;
  videoFile = video;
  const started = await startTestStack({ gateway: { uiDir: built.outDir } });
  stack = { ...started, url: started.url ?? "" };
  [admin, viewer] = await Promise.all([openBrowser(), openBrowser()]);
}, 300_000);

afterAll(async () => {
  await admin?.close();
  await viewer?.close();
  await stack?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
  await ui?.remove();
}, 60_000);

async function signIn(page: Page, email: string, password: string) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Catalogue" }).waitFor();
}

describe("StreamStack in a browser", () => {
  it("an admin uploads a video through the page and sees it published live", async () => {
    const page = await admin.context.newPage();
    const events: Response[] = [];
    page.on("response", (r) => {
      if (r.url().endsWith("/api/v1/catalogue/events")) events.push(r);
    });
    try {
      await page.goto(stack.url);
      await page.getByRole("heading", { name: "Sign in" }).waitFor();
      await signIn(page, stack.admin.email, stack.admin.password);
      await page
        .getByRole("navigation", { name: "Main" })
        .getByRole("link", { name: "Upload" })
        .click();
      await page.getByRole("heading", { name: "Upload videos" }).waitFor();

      await page.getByLabel("Choose videos…").setInputFiles(videoFile);
      const row = page.getByRole("listitem", { name: "Upload of orbit-e2e.mp4" });
      await expect.poll(() => row.getByLabel("Title").inputValue()).toBe("orbit-e2e");
      await row.getByLabel("Title").fill(title);
      // Record every status and progress text the row shows, as the admin would see them.
      await page.evaluate(() => {
        const seen: string[] = [];
        (window as unknown as { seen: string[] }).seen = seen;
        const record = () => {
          for (const el of document.querySelectorAll(".upload .phase, .upload .progress-text")) {
            const text = el.textContent ?? "";
            if (seen.at(-1) !== text) seen.push(text);
          }
        };
        new MutationObserver(record).observe(document.body, {
          subtree: true,
          childList: true,
          characterData: true,
        });
      });
      await row.getByRole("button", { name: "Upload" }).click();
      await row.locator(".phase", { hasText: "Published" }).waitFor({ timeout: 120_000 });
      await shot(page, "1-admin-upload-published");

      const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
      const at = (text: string) => seen.indexOf(text);
      expect(at("Uploading")).toBeGreaterThanOrEqual(0);
      expect(seen.some((s) => /^100% · 15\.\d MB of 15\.\d MB/.test(s))).toBe(true);
      expect(at("Processing")).toBeGreaterThan(at("Uploading"));
      expect(at("Published")).toBeGreaterThan(at("Processing"));
      expect(events[0]?.status()).toBe(200);
      expect(events[0]?.headers()["content-type"]).toContain("text/event-stream");

      const href = await row.getByRole("link", { name: `Watch “${title}”` }).getAttribute("href");
      mediaId = href?.split("/").at(-1);
      expect(mediaId).toMatch(/^[0-9a-f-]{36}$/);
    } catch (err) {
      await shot(page, "1-admin-failure");
      throw err;
    } finally {
      await page.close();
    }
  }, 240_000);

  it("an admin pauses and resumes an upload, and it survives a dropped connection", async () => {
    const page = await admin.context.newPage();
    const tus: { method: string; status: number; offset: Promise<string | undefined> }[] = [];
    const failed: string[] = [];
    page.on("response", (r) => {
      if (r.url().includes("/api/v1/ingest/tus/")) {
        tus.push({
          method: r.request().method(),
          status: r.status(),
          offset: r.allHeaders().then((h) => h["upload-offset"]),
        });
      }
    });
    page.on("requestfailed", (r) => {
      if (r.url().includes("/api/v1/ingest/tus/")) failed.push(r.method());
    });
    try {
      await page.goto(`${stack.url}/upload`);
      await page.getByRole("heading", { name: "Upload videos" }).waitFor();
      // Slow the upload down so there is time to pause it half-way.
      const cdp = await admin.context.newCDPSession(page);
      await cdp.send("Network.enable");
      await cdp.send("Network.emulateNetworkConditions", {
        offline: false,
        latency: 0,
        downloadThroughput: -1,
        uploadThroughput: 1_000_000,
      });
      await page.getByLabel("Choose videos…").setInputFiles(videoFile);
      const row = page.getByRole("listitem", { name: "Upload of orbit-e2e.mp4" });
      await row.getByLabel("Title").fill("Second take, resumed");
      await page.evaluate(() => {
        const seen: string[] = [];
        (window as unknown as { seen: string[] }).seen = seen;
        new MutationObserver(() => {
          const text = document.querySelector(".upload .phase")?.textContent ?? "";
          if (seen.at(-1) !== text) seen.push(text);
        }).observe(document.body, { subtree: true, childList: true, characterData: true });
      });
      await row.getByRole("button", { name: "Upload" }).click();
      const progress = row.getByRole("progressbar");
      await expect
        .poll(() => progress.evaluate((p: HTMLProgressElement) => p.value), { timeout: 30_000 })
        .toBeGreaterThan(1_000_000);
      await row.getByRole("button", { name: "Pause" }).click();
      await row.locator(".phase", { hasText: "Paused" }).waitFor();
      await shot(page, "5-admin-upload-paused");

      // Full speed again (throttling and request interception do not mix), and the
      // connection drops at the next upload request: tus must retry by itself.
      await cdp.send("Network.emulateNetworkConditions", {
        offline: false,
        latency: 0,
        downloadThroughput: -1,
        uploadThroughput: -1,
      });
      let dropped = false;
      await page.route("**/api/v1/ingest/tus/**", (route) => {
        if (!dropped && route.request().method() === "PATCH") {
          dropped = true;
          return route.abort("internetdisconnected");
        }
        return route.fallback();
      });
      await row.getByRole("button", { name: "Resume" }).click();
      await expect.poll(() => dropped, { timeout: 30_000 }).toBe(true);
      await page.unroute("**/api/v1/ingest/tus/**");
      await row.locator(".phase", { hasText: "Published" }).waitFor({ timeout: 120_000 });
      await shot(page, "6-admin-upload-resumed-published");

      const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
      expect(seen).toContain("Paused");
      expect(seen.indexOf("Reconnecting")).toBeGreaterThan(seen.indexOf("Paused"));
      expect(failed).toContain("PATCH");
      // Resumed from where the server was, not from the start: a HEAD told a non-zero offset.
      const heads = tus.filter((t) => t.method === "HEAD" && t.status === 200);
      expect(heads.length).toBeGreaterThan(0);
      expect(Number(await heads[0]?.offset)).toBeGreaterThan(0);
      expect(tus.filter((t) => t.method === "POST")).toHaveLength(1);
      // The whole file arrived: the browser's response events are no witness here (Chromium
      // sometimes reports no PATCH response at all under upload throttling), the server is.
      const login = await fetch(`${stack.url}/api/v1/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: stack.admin.email, password: stack.admin.password }),
      });
      const { access_token } = (await login.json()) as { access_token: string };
      const found = await fetch(`${stack.url}/api/v1/catalogue/?q=resumed`, {
        headers: { authorization: `Bearer ${access_token}` },
      });
      const { items } = (await found.json()) as {
        items: { title: string; status: string; size_bytes: number }[];
      };
      const resumed = items.find((i) => i.title === "Second take, resumed");
      expect(resumed, JSON.stringify(items)).toMatchObject({
        status: "published",
        size_bytes: (await stat(videoFile)).size,
      });
    } catch (err) {
      await shot(page, "5-admin-resume-failure");
      throw err;
    } finally {
      await page.close();
    }
  }, 240_000);

  it("a viewer finds it by search, plays and seeks it, signs out and is locked out", async () => {
    expect(mediaId, "the upload test must pass first").toBeDefined();
    const page = await viewer.context.newPage();
    const streamAnswers: { status: number; range: string | undefined }[] = [];
    let bearer: string | undefined;
    page.on("response", (r) => {
      if (r.url().includes("/api/v1/stream/") && !r.url().includes("/thumbnails/")) {
        streamAnswers.push({ status: r.status(), range: r.headers()["content-range"] });
      }
    });
    page.on("request", (r) => {
      const auth = r.headers().authorization;
      if (auth && r.url().includes("/api/v1/catalogue/")) bearer = auth;
    });
    try {
      const email = `viewer-${word}@e2e.test`;
      const password = "viewer-e2e-password";
      await page.goto(`${stack.url}/register`);
      await page.getByLabel("Email").fill(email);
      await page.getByLabel(/^Password/).fill(password);
      await page.getByRole("button", { name: "Create account" }).click();
      await page.getByRole("heading", { name: "Catalogue" }).waitFor();
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.getByRole("heading", { name: "Sign in" }).waitFor();
      await signIn(page, email, password);

      // Search as you type: something else finds nothing; a prefix of a title word finds it.
      const search = page.getByLabel("Search videos");
      await search.pressSequentially("nothingwithsuchaname", { delay: 20 });
      await page.getByText("No videos match “nothingwithsuchaname”.").waitFor();
      await search.fill("");
      await search.pressSequentially(word.slice(0, 8), { delay: 30 });
      await expect.poll(() => page.url()).toContain(`q=${word.slice(0, 8)}`);
      const card = page.getByRole("link", { name: new RegExp(title) });
      await card.waitFor();
      await expect.poll(() => page.locator(".grid .card").count()).toBe(1);
      await shot(page, "2-viewer-search");
      await card.click();

      await page.getByRole("heading", { name: title }).waitFor();
      const video = page.locator("video");
      await video.waitFor();
      await page.waitForFunction(() => (document.querySelector("video")?.readyState ?? 0) >= 1);
      const duration = await video.evaluate((v: HTMLVideoElement) => v.duration);
      expect(duration).toBeGreaterThan(55);
      await video.evaluate((v: HTMLVideoElement) => {
        v.muted = true;
        return v.play();
      });
      await page.waitForFunction(() => (document.querySelector("video")?.currentTime ?? 0) > 1);

      await video.evaluate((v: HTMLVideoElement) => {
        v.currentTime = v.duration / 2;
      });
      // Playback continues from the middle...
      await page.waitForFunction(() => {
        const v = document.querySelector("video");
        return !!v && !v.paused && v.currentTime > v.duration / 2 + 1;
      });
      await shot(page, "3-viewer-watch-middle");
      // ...fetched with a Range request that the streaming edge answered with 206.
      const fromMiddle = streamAnswers.filter((a) => {
        const start = Number(/^bytes (\d+)-/.exec(a.range ?? "")?.[1] ?? 0);
        return a.status === 206 && start > 0;
      });
      expect(fromMiddle.length).toBeGreaterThan(0);

      // A reload keeps the session (refresh token in localStorage, access token renewed).
      await page.reload();
      await page.getByRole("heading", { name: title }).waitFor();

      const revokedBearer = bearer;
      expect(revokedBearer).toMatch(/^Bearer /);
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.getByRole("heading", { name: "Sign in" }).waitFor();
      expect(
        await page.evaluate(() => localStorage.getItem("streamstack.refresh_token")),
      ).toBeNull();

      // Locked out: the pages send back to sign-in, and the old token no longer works.
      await page.goto(`${stack.url}/watch/${mediaId}`);
      await page.getByRole("heading", { name: "Sign in" }).waitFor();
      expect(new URL(page.url()).pathname).toBe("/login");
      await shot(page, "4-viewer-locked-out");
      await expect
        .poll(
          async () =>
            (
              await fetch(`${stack.url}/api/v1/catalogue/`, {
                headers: { authorization: revokedBearer ?? "" },
              })
            ).status,
          { timeout: 5000 },
        )
        .toBe(401);
    } catch (err) {
      await shot(page, "2-viewer-failure");
      throw err;
    } finally {
      await page.close();
    }
  }, 240_000);
});
