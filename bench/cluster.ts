// npm run bench:cluster -- [--path /,/spaces --connections 50 --duration 20 --rounds 3 --processes 1,2]
// SERVER_NODE_ARGS="--max-old-space-size=256 …" passes V8 flags to the server only (not to autocannon in this process).
// Throughput of the production server (build/server.js) with WEB_CONCURRENCY=1 and =2, alternated:
// one signed-in person (alice of the demo data, npm run demo / scripts/seed.ts) on N autocannon
// connections to one page. Prints requests/s, p50/p99, errors and the peak RSS of every process
// (primary and workers), the server's CPU time per request (all its threads: garbage collection included),
// with the machine line and load average beside each figure; then, per page and
// process count, the median of the rounds with min and max, against issue 19's targets (home page
// ≥ 300 requests/s with p99 ≤ 250 ms, no page under 150 requests/s, a server process ≤ 300 MB).
// MAX_CONCURRENT_REQUESTS and other server settings pass through the environment.
// Needs DATABASE_URL (PostgreSQL with the demo organisation): cluster mode refuses the embedded PGlite.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { argValue } from "../scripts/cli";
import { findFreePort } from "../search/process";
import { ensureServerBuild, machineInfo, signIn, startServer, waitFor, type ServerChild } from "../scripts/lib/server-process";

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  console.error("bench:cluster needs DATABASE_URL (PostgreSQL with the demo data).");
  process.exit(2);
}
const pages = (argValue("--path") ?? "/").split(",").filter(Boolean);
const connections = Number(argValue("--connections") ?? 50);
const duration = Number(argValue("--duration") ?? 20);
const rounds = Number(argValue("--rounds") ?? 3);
const counts = (argValue("--processes") ?? "1,2").split(",").map(Number);
const email = argValue("--email") ?? "alice@demo.test";
const password = process.env.DEMO_PASSWORD ?? "atrium-demo-2026";
const load = () => machineInfo().loadAverage.join(" ");

/** RSS in MB of a process and its children (the primary's workers; not the Meilisearch child). */
function rss(pid: number): { pid: number; mb: number; cmd: string }[] {
  const read = (p: number) => {
    try {
      const status = fs.readFileSync(`/proc/${p}/status`, "utf8");
      const cmd = fs.readFileSync(`/proc/${p}/cmdline`, "utf8").split("\0").join(" ");
      return { pid: p, mb: Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024, cmd };
    } catch {
      return null;
    }
  };
  const kids = fs
    .readdirSync("/proc")
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return fs.readFileSync(`/proc/${p}/stat`, "utf8").split(") ")[1].split(" ")[1] === String(pid);
      } catch {
        return false;
      }
    })
    .map(Number);
  return [pid, ...kids].map(read).filter((x): x is { pid: number; mb: number; cmd: string } => !!x && !x.cmd.includes("meilisearch"));
}

/** CPU seconds (user + system, every thread: garbage collection included) of a process and its children (not Meilisearch). */
function cpuSeconds(pid: number): number {
  const tick = 100; // USER_HZ on Linux
  return rss(pid).reduce((sum, p) => {
    try {
      const f = fs.readFileSync(`/proc/${p.pid}/stat`, "utf8").split(") ")[1].split(" ");
      return sum + (Number(f[11]) + Number(f[12])) / tick; // utime, stime
    } catch {
      return sum;
    }
  }, 0);
}

console.log(`machine: ${JSON.stringify(machineInfo())}`);
ensureServerBuild();
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "atrium-bench-cluster-"));
type Run = { rps: number; p50: number; p99: number; errors: number; rssServer: number; cpuMs: number };
const runs = new Map<string, Run[]>(); // "<processes> <page>" → rounds
for (let round = 0; round < rounds; round++) {
  for (const n of round % 2 === 0 ? counts : [...counts].reverse()) {
    const port = await findFreePort();
    const server: ServerChild = startServer({ port, dataDir, databaseUrl, env: { WEB_CONCURRENCY: String(n) }, nodeArgs: (process.env.SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean) });
    try {
      // ready, search up, and the outbox backlog drained: background work would take the CPU
      await waitFor(async () => {
        const h = (await (await fetch(`${server.base}/healthz`)).json()) as { status: string; jobs: string[]; backlog: { pending: number } | null };
        return h.status === "ok" && h.jobs.length === 0 && h.backlog?.pending === 0;
      }, 300_000, () => `the server to be ready and idle:\n${server.output()}`, 500);
      const cookie = await signIn(server.base, email, password);
      for (const page of pages) {
        // warm-up: every worker compiles its code paths
        await autocannon({ url: `${server.base}${page}`, connections, duration: 3, headers: { cookie } });
        const peak = new Map<number, number>();
        const timer = setInterval(() => {
          for (const p of rss(server.proc.pid!)) peak.set(p.pid, Math.max(peak.get(p.pid) ?? 0, p.mb));
        }, 500);
        const loadBefore = load();
        const cpuBefore = cpuSeconds(server.proc.pid!);
        const r = await autocannon({ url: `${server.base}${page}`, connections, duration, timeout: 30, headers: { cookie } });
        clearInterval(timer);
        // the server's CPU per answered request: steadier than requests/s when other work shares the cores
        const cpuMs = (1000 * (cpuSeconds(server.proc.pid!) - cpuBefore)) / Math.max(1, r.requests.total);
        const mem = [...peak].map(([pid, mb]) => `${pid === server.proc.pid ? (n > 1 ? "primary" : "server") : "worker"} ${mb.toFixed(0)} MB`).join(", ");
        // the largest process that serves pages (the server, or the largest worker)
        const serving = [...peak].filter(([pid]) => n === 1 || pid !== server.proc.pid).map(([, mb]) => mb);
        console.log(
          `WEB_CONCURRENCY=${n} GET ${page}, ${connections} connections, ${duration} s: ${r.requests.average.toFixed(0)} requests/s, ` +
            `p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, ${r.non2xx} non-2xx, ${r.errors} errors, ${(r.throughput.average / Math.max(1, r.requests.average) / 1024).toFixed(0)} KB a response; ` +
            `server CPU ${cpuMs.toFixed(1)} ms a request; peak RSS ${mem}; load ${loadBefore} → ${load()}`,
        );
        const key = `${n} ${page}`;
        runs.set(key, [...(runs.get(key) ?? []), { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx, rssServer: Math.max(0, ...serving), cpuMs }]);
      }
    } finally {
      await server.stop();
    }
  }
}
fs.rmSync(dataDir, { recursive: true, force: true });

const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const spread = (xs: number[], digits = 0) => `${med(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)})`;
console.log(`\nmedian of ${rounds} rounds (min–max); targets: home ≥ 300 requests/s with p99 ≤ 250 ms, every page ≥ 150 requests/s, RSS ≤ 300 MB a serving process`);
for (const [key, rs] of runs) {
  const [n, page] = [Number(key.split(" ")[0]), key.slice(key.indexOf(" ") + 1)];
  const rps = rs.map((r) => r.rps);
  const minRps = page === "/" ? 300 : 150;
  const verdicts = [
    `${Math.min(...rps) >= minRps ? "met" : "NOT met"}: ≥ ${minRps}/s in every round`,
    ...(page === "/" ? [`${Math.max(...rs.map((r) => r.p99)) <= 250 ? "met" : "NOT met"}: p99 ≤ 250 ms`] : []),
    `${Math.max(...rs.map((r) => r.rssServer)) <= 300 ? "met" : "NOT met"}: RSS ≤ 300 MB`,
    ...(rs.some((r) => r.errors) ? [`${rs.reduce((a, r) => a + r.errors, 0)} errors or non-2xx`] : []),
  ];
  console.log(
    `WEB_CONCURRENCY=${n} GET ${page}: ${spread(rps)} requests/s, p50 ${spread(rs.map((r) => r.p50))} ms, p99 ${spread(rs.map((r) => r.p99))} ms, ` +
      `CPU ${spread(rs.map((r) => r.cpuMs), 1)} ms a request, RSS ${spread(rs.map((r) => r.rssServer))} MB — ${verdicts.join("; ")}`,
  );
}
console.log(`\nmachine after: ${JSON.stringify(machineInfo())}`);
