/**
 * Human-readable numbers for the UI. Pure and locale-independent on purpose, so what a
 * test asserts is exactly what a user reads.
 */

/** Seconds as `m:ss`, or `h:mm:ss` from one hour on; `--:--` when not known yet. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds) || seconds < 0) return "--:--";
  const total = Math.floor(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, "0");
  if (h > 0) return `${h}:${String(m).padStart(2, "0")}:${ss}`;
  return `${m}:${ss}`;
}

const BYTE_UNITS = ["B", "KB", "MB", "GB", "TB"] as const;

/** Bytes in binary-free decimal units (1 MB = 1,000,000 B, as disks and networks count). */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes == null || !Number.isFinite(bytes) || bytes < 0) return "–";
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < BYTE_UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${BYTE_UNITS[unit]}`;
}

/** A transfer rate, e.g. `3.20 MB/s`. */
export function formatSpeed(bytesPerSecond: number | null | undefined): string {
  if (bytesPerSecond == null || !Number.isFinite(bytesPerSecond)) return "–";
  return `${formatBytes(bytesPerSecond)}/s`;
}

/** Time left, coarse like a person says it: `45 s left`, `3 min left`, `1 h 5 min left`. */
export function formatEta(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds) || seconds < 0) return "estimating…";
  const s = Math.ceil(seconds);
  if (s < 60) return `${s} s left`;
  if (s < 3600) return `${Math.round(s / 60)} min left`;
  const h = Math.floor(s / 3600);
  const m = Math.round((s % 3600) / 60);
  return m > 0 ? `${h} h ${m} min left` : `${h} h left`;
}

/** Whole percent, never showing 100 % before the last byte. */
export function formatPercent(done: number, total: number): string {
  if (total <= 0) return "0%";
  const pct = Math.floor((done / total) * 100);
  return `${Math.min(pct, done >= total ? 100 : 99)}%`;
}

/** A resolution like `1280×720`. */
export function formatResolution(width: number | null, height: number | null): string {
  return width && height ? `${width}×${height}` : "–";
}

/** Frames per second without noise: `25 fps`, `29.97 fps`. */
export function formatFps(fps: number | null): string {
  if (fps == null) return "–";
  return `${Number(fps.toFixed(2))} fps`;
}

/** A timestamp in the reader's locale; ISO strings that fail to parse are shown as they are. */
export function formatDate(iso: string | null, locale?: string): string {
  if (!iso) return "–";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(locale, { dateStyle: "medium", timeStyle: "short" });
}

/** A clock time with seconds, for things that change every few seconds. */
export function formatTime(iso: string | null, locale?: string): string {
  if (!iso) return "–";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

/** A file name without its extension, as the default title of an upload. */
export function titleFromFilename(name: string): string {
  const base = name
    .replace(/\.[^.]+$/, "")
    .replace(/[_]+/g, " ")
    .trim();
  return base.length > 0 ? base.slice(0, 200) : name.slice(0, 200);
}
