// The demo video a newcomer sees on a first `npm start`: generated with ffmpeg, then
// uploaded through the gateway like any admin upload, so it exercises the real pipeline.
import { spawn } from "node:child_process";
import { existsSync, openAsBlob, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ffmpeg from "@ffmpeg-installer/ffmpeg";

export interface DemoOptions {
  gatewayUrl: string;
  admin: { email: string; password: string };
  dataDir: string;
  say: (line: string) => void;
}

/**
 * Seeds once per data folder, and only into an empty catalogue: a marker in the data
 * folder remembers it, so deleting the demo does not bring it back on the next start.
 */
export async function seedDemo(opts: DemoOptions): Promise<void> {
  const marker = join(opts.dataDir, "demo-seeded");
  if (existsSync(marker)) return;
  const api = (path: string) => new URL(`/api/v1${path}`, opts.gatewayUrl);
  const login = await fetch(api("/auth/login"), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(opts.admin),
  });
  if (!login.ok) throw new Error(`admin login failed with ${login.status}`);
  const { access_token } = (await login.json()) as { access_token: string };
  const auth = { authorization: `Bearer ${access_token}` };
  const list = await fetch(api("/catalogue/?status=all&limit=1"), { headers: auth });
  const { items } = (await list.json()) as { items: unknown[] };
  if (items.length > 0) return void writeFileSync(marker, "catalogue was not empty\n");

  const dir = await mkdtemp(join(tmpdir(), "streamstack-demo-"));
  try {
    const file = join(dir, "streamstack-demo.mp4");
    await makeDemoVideo(file);
    const form = new FormData();
    form.set("title", "StreamStack demo");
    form.set("description", "A generated test pattern, uploaded through the real pipeline.");
    form.set("file", await openAsBlob(file, { type: "video/mp4" }), "streamstack-demo.mp4");
    const upload = await fetch(api("/ingest/upload"), {
      method: "POST",
      headers: auth,
      body: form,
    });
    if (upload.status !== 202) throw new Error(`demo upload answered ${upload.status}`);
    const { media_id } = (await upload.json()) as { media_id: string };
    writeFileSync(marker, `${media_id}\n`);
    opts.say(`demo video uploaded (${media_id}); processing it now`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** 12 s of 1280x720 H.264/AAC test pattern with a tone, +faststart for instant playback. */
function makeDemoVideo(file: string): Promise<void> {
  const args = [
    ...["-hide_banner", "-loglevel", "error", "-y"],
    ...["-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30:duration=12"],
    ...["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=12"],
    ...["-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p"],
    ...["-c:a", "aac", "-b:a", "128k", "-movflags", "+faststart", "-shortest", file],
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.env.FFMPEG_PATH || ffmpeg.path, args, {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve() : reject(new Error(`ffmpeg exited ${code}: ${stderr.slice(-500)}`)),
    );
  });
}
