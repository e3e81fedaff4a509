// HEALTHCHECK: the service's own /healthz on its PORT (no curl in the node image).
const port = process.env.PORT;
try {
  const res = await fetch(`http://127.0.0.1:${port}/healthz`, {
    signal: AbortSignal.timeout(4000),
  });
  process.exit(res.ok ? 0 : 1);
} catch {
  process.exit(1);
}
