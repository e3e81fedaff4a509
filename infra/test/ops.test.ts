// The compose `ops` profile's files: Prometheus accepts its config, and the Grafana
// dashboard parses and asks only for series that exist — our services' (read from the
// code), prom-client's defaults, Prometheus' own, and nats-surveyor's.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { collectDefaultMetrics, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../src/procs/s3.ts";

const at = (...p: string[]) => join(repoRoot, ...p);

/** Series nats-surveyor exports that the dashboard uses (surveyor's collector_statz.go). */
const SURVEYOR = [
  "nats_consumer_num_pending",
  "nats_consumer_num_ack_pending",
  "nats_consumer_num_redelivered",
  "nats_stream_total_messages",
  "nats_survey_surveyed_count",
  "nats_survey_expected_count",
];
const PROMQL_WORDS = new Set(
  "sum max min avg by without rate increase histogram_quantile topk or and vector label_values le".split(
    " ",
  ),
);

/** `name: "x_total"` in every non-test source of contracts and the services. */
function metricsInCode(): Set<string> {
  const names = new Set<string>();
  const dirs = ["contracts", ...readdirSync(repoRoot).filter((d) => d.startsWith("svc-"))];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith(".ts") && !p.endsWith(".test.ts")) {
        const text = readFileSync(p, "utf8");
        if (!/new (Counter|Gauge|Histogram|Summary)\b/.test(text)) continue;
        for (const m of text.matchAll(/\bname: "([a-z_:][a-z0-9_:]*)"/g)) names.add(m[1] as string);
      }
    }
  };
  for (const d of dirs) walk(at(d, "src"));
  return names;
}

async function defaultMetrics(): Promise<Set<string>> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return new Set((await registry.getMetricsAsJSON()).map((m) => m.name));
}

describe("prometheus.yml", () => {
  it("passes promtool check config", () => {
    const run = spawnSync("promtool", ["check", "config", at("infra/ops/prometheus.yml")], {
      encoding: "utf8",
    });
    if (run.error)
      throw new Error(`promtool missing (apt-get install prometheus): ${run.error.message}`);
    expect(run.status, run.stderr + run.stdout).toBe(0);
  });

  it("scrapes every service on the port compose gives it, and the surveyor", async () => {
    const { SERVICES } = await import("../src/service-env.ts");
    const { servicePort } = await import("../src/compose/generate.ts");
    const text = readFileSync(at("infra/ops/prometheus.yml"), "utf8");
    for (const s of SERVICES) {
      expect(text).toMatch(
        new RegExp(`names: \\[${s}\\]\\n\\s+type: A\\n\\s+port: ${servicePort(s)}\\n`),
      );
    }
    expect(text).toContain('targets: ["nats-surveyor:7777"]');
  });
});

describe("Grafana dashboard", () => {
  const dashboard = JSON.parse(
    readFileSync(at("infra/ops/grafana/dashboards/streamstack.json"), "utf8"),
  );
  // biome-ignore lint/suspicious/noExplicitAny: dashboard JSON
  const panels: any[] = dashboard.panels.filter((p: { type: string }) => p.type !== "row");
  const exprs: string[] = panels.flatMap((p) => p.targets.map((t: { expr: string }) => t.expr));

  it("has unique panel ids and a Prometheus query on every panel", () => {
    const ids = dashboard.panels.map((p: { id: number }) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of panels) {
      expect(p.targets.length, p.title).toBeGreaterThan(0);
      expect(p.datasource.uid).toBe("prometheus");
    }
  });

  it("references only metrics that the services, prom-client, Prometheus or surveyor export", async () => {
    const known = new Set([...metricsInCode(), ...(await defaultMetrics()), ...SURVEYOR, "up"]);
    const used = new Set<string>();
    for (const expr of exprs) {
      const bare = expr
        .replace(/"[^"]*"/g, '""')
        .replace(/\{[^}]*\}/g, "{}")
        .replace(/\[[^\]]*\]/g, "");
      for (const m of bare.matchAll(/\b([a-z_][a-z0-9_]*)\b(?!\s*=)/g)) {
        const word = m[1] as string;
        if (
          PROMQL_WORDS.has(word) ||
          /^(service|route|status|subject|outcome|consumer|consumer_name|stream|state|job_service|instance|kind|path|reason)$/.test(
            word,
          )
        )
          continue;
        used.add(word.replace(/_(bucket|count|sum)$/, (s) => (known.has(word) ? s : "")));
      }
    }
    const unknown = [...used].filter((m) => !known.has(m));
    expect(unknown).toEqual([]);
    // The series the issue names are there.
    for (const m of [
      "http_request_duration_seconds",
      "nats_request_duration_seconds",
      "thumbnailer_jobs_total",
      "nats_consumer_num_ack_pending",
      "nats_consumer_num_redelivered",
      "nats_consumer_num_pending",
      // Bytes and lag as the services themselves export them.
      "streaming_bytes_served_total",
      "ingest_upload_bytes_total",
      "ingest_uploads_total",
      "jetstream_consumer_num_pending",
      "jetstream_consumer_num_ack_pending",
      "jetstream_consumer_num_redelivered",
    ]) {
      expect(used, m).toContain(m);
    }
  });

  it("asks for failed jobs by an outcome the thumbnailer really records", () => {
    const code = readFileSync(at("svc-thumbnailer/src/metrics.ts"), "utf8");
    const outcomes = (code.match(/type JobOutcome = ([^;]+);/)?.[1] ?? "").match(/"\w+"/g) ?? [];
    expect(outcomes).toEqual(expect.arrayContaining(['"failed"', '"gave_up"']));
    expect(exprs.join("\n")).toContain('thumbnailer_jobs_total{outcome="failed"}');
  });

  it("is provisioned from the folder compose mounts, with the datasource uid it uses", () => {
    const provider = readFileSync(
      at("infra/ops/grafana/provisioning/dashboards/streamstack.yml"),
      "utf8",
    );
    expect(provider).toContain("path: /var/lib/grafana/dashboards");
    const ds = readFileSync(
      at("infra/ops/grafana/provisioning/datasources/prometheus.yml"),
      "utf8",
    );
    expect(ds).toContain("uid: prometheus");
    expect(ds).toContain("url: http://prometheus:9090");
  });
});
