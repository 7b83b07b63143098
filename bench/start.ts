// npm run bench:start — start-to-ready of the production server (node build/server.js):
// time from spawn to the first 200 on /healthz and on / (signed out, redirects followed),
// restarting after a kill -9, for the embedded PGlite and, with BENCH_DATABASE_URL (or
// DATABASE_URL), PostgreSQL. Median of BENCH_RUNS (default 3) with min/max, and the machine.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ensureServerBuild, machineInfo, startServer, waitFor, type ServerChild } from "../scripts/lib/server-process";

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const url = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? null;
const port = Number(process.env.BENCH_PORT ?? 3391);

async function firstOk(base: string, p: string, spawnedAt: number) {
  let at = 0;
  await waitFor(async () => {
    const res = await fetch(base + p, { signal: AbortSignal.timeout(5_000) });
    await res.body?.cancel();
    if (res.status !== 200) return false;
    at = performance.now() - spawnedAt;
    return true;
  }, 120_000, `200 on ${p}`, 20);
  return at;
}

async function measure(s: ServerChild) {
  const [health, page] = await Promise.all([firstOk(s.base, "/healthz", s.spawnedAt), firstOk(s.base, "/", s.spawnedAt)]);
  return { health, page };
}

function kill9(s: ServerChild) {
  return new Promise<void>((resolve) => {
    if (s.proc.exitCode !== null) return resolve();
    s.proc.once("exit", () => resolve());
    s.proc.kill("SIGKILL");
  });
}

const stats = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const f = (x: number) => `${(x / 1000).toFixed(2)} s`;
  return `median ${f(sorted[Math.floor(sorted.length / 2)])} (min ${f(sorted[0])}, max ${f(sorted[sorted.length - 1])})`;
};

ensureServerBuild();
console.log(`machine: ${JSON.stringify(machineInfo())}`);
const results: string[] = [];
for (const databaseUrl of [...(url ? [url] : []), null]) {
  const mode = databaseUrl ? "PostgreSQL" : "embedded PGlite";
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "atrium-start-"));
  // first start: creates (embedded: initdb) and migrates the database; not counted
  const first = startServer({ port, dataDir, databaseUrl });
  const cold = await measure(first);
  await kill9(first);
  const runs: { health: number; page: number }[] = [];
  for (let i = 0; i < RUNS; i++) {
    const s = startServer({ port, dataDir, databaseUrl });
    runs.push(await measure(s));
    console.log(`  ${mode} run ${i + 1}: /healthz ${(runs[i].health / 1000).toFixed(2)} s, / ${(runs[i].page / 1000).toFixed(2)} s`);
    await kill9(s); // the next start is a restart after a kill
  }
  // the orphaned Meilisearch of the last run: the next start would stop it; do it here
  try {
    const rec = JSON.parse(fs.readFileSync(path.join(dataDir, "meili", "server.json"), "utf8")) as { pid: number };
    process.kill(rec.pid, "SIGTERM");
  } catch {
    /* already gone */
  }
  results.push(
    `${mode}: restart after kill -9, ${RUNS} runs\n` +
      `  spawn → first 200 on /healthz: ${stats(runs.map((r) => r.health))}\n` +
      `  spawn → first 200 on / (signed out): ${stats(runs.map((r) => r.page))}\n` +
      `  (first start, creating the database: /healthz ${(cold.health / 1000).toFixed(2)} s, / ${(cold.page / 1000).toFixed(2)} s)`,
  );
  fs.rmSync(dataDir, { recursive: true, force: true });
}
console.log(`\n${results.join("\n")}\nmachine after: ${JSON.stringify(machineInfo())}`);
