// npx tsx bench/heap-ab.ts [--a HEAP_GROWING_PERCENT=0] [--b HEAP_GROWING_PERCENT=50] [--path /,/spaces]
//   [--connections 50] [--slice 5] [--slices 8] [--rounds 1]
// An interleaved A/B of two server settings: two production servers (build/server.js, one process
// each, the environment of --a and --b added) run side by side; each page is loaded on A and B in
// turn, in short slices (ABBA order), so both see the same minutes of a shared machine. Prints per
// page and side: requests/s over its slices, the median of the slices' p50 and p99, the server's CPU
// time per request (all threads: garbage collection included) and its peak RSS; then B/A.
// Needs DATABASE_URL (the demo data on PostgreSQL; read only: alice signs in and reads pages).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { argValue } from "../scripts/cli";
import { findFreePort } from "../search/process";
import { ensureServerBuild, machineInfo, signIn, startServer, waitFor, type ServerChild } from "../scripts/lib/server-process";

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  console.error("bench/heap-ab.ts needs DATABASE_URL (PostgreSQL with the demo data).");
  process.exit(2);
}
const envOf = (spec: string) => Object.fromEntries(spec.split(",").filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]));
const sides = [
  { name: "A", spec: argValue("--a") ?? "HEAP_GROWING_PERCENT=0" },
  { name: "B", spec: argValue("--b") ?? "HEAP_GROWING_PERCENT=50" },
];
const pages = (argValue("--path") ?? "/").split(",").filter(Boolean);
const connections = Number(argValue("--connections") ?? 50);
const slice = Number(argValue("--slice") ?? 5);
const slices = Number(argValue("--slices") ?? 8);
const rounds = Number(argValue("--rounds") ?? 1);
const load = () => machineInfo().loadAverage.join(" ");
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function stat(pid: number) {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const f = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return { rssMb: Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024, cpuS: (Number(f[11]) + Number(f[12])) / 100 };
}

console.log(`machine: ${JSON.stringify(machineInfo())}; A: ${sides[0].spec}; B: ${sides[1].spec}; ${slices} slices of ${slice} s a page, ABBA`);
ensureServerBuild();
for (let round = 0; round < rounds; round++) {
  const servers: { name: string; spec: string; server: ServerChild; dataDir: string; cookie: string; peak: number }[] = [];
  try {
    for (const s of sides) {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `atrium-heap-ab-${s.name}-`));
      const server = startServer({ port: await findFreePort(), dataDir, databaseUrl, env: { WEB_CONCURRENCY: "1", ...envOf(s.spec) } });
      servers.push({ ...s, server, dataDir, cookie: "", peak: 0 });
    }
    for (const s of servers) {
      await waitFor(async () => {
        const h = (await (await fetch(`${s.server.base}/healthz`)).json()) as { status: string; jobs: string[]; backlog: { pending: number } | null };
        return h.status === "ok" && h.jobs.length === 0 && h.backlog?.pending === 0;
      }, 300_000, () => `server ${s.name} to be ready and idle:\n${s.server.output()}`, 500);
      s.cookie = await signIn(s.server.base, "alice@demo.test", process.env.DEMO_PASSWORD ?? "atrium-demo-2026");
    }
    const timer = setInterval(() => {
      for (const s of servers) s.peak = Math.max(s.peak, stat(s.server.proc.pid!).rssMb);
    }, 500);
    for (const page of pages) {
      for (const s of servers) await autocannon({ url: `${s.server.base}${page}`, connections, duration: 3, headers: { cookie: s.cookie } });
      const acc = servers.map(() => ({ requests: 0, seconds: 0, cpuS: 0, p50: [] as number[], p99: [] as number[], errors: 0 }));
      const loadBefore = load();
      for (let k = 0; k < slices; k++) {
        const i = [0, 1, 1, 0][k % 4];
        const s = servers[i];
        const before = stat(s.server.proc.pid!).cpuS;
        const r = await autocannon({ url: `${s.server.base}${page}`, connections, duration: slice, timeout: 30, headers: { cookie: s.cookie } });
        acc[i].cpuS += stat(s.server.proc.pid!).cpuS - before;
        acc[i].requests += r.requests.total;
        acc[i].seconds += r.duration;
        acc[i].p50.push(r.latency.p50);
        acc[i].p99.push(r.latency.p99);
        acc[i].errors += r.errors + r.non2xx;
      }
      const out = acc.map((a, i) => ({
        name: servers[i].name,
        rps: a.requests / a.seconds,
        p50: med(a.p50),
        p99: med(a.p99),
        cpuMs: (1000 * a.cpuS) / Math.max(1, a.requests),
        rss: servers[i].peak,
        errors: a.errors,
      }));
      const line = (o: (typeof out)[number]) =>
        `${o.name} ${o.rps.toFixed(1)}/s p50 ${o.p50} p99 ${o.p99} ms, CPU ${o.cpuMs.toFixed(1)} ms/request, peak RSS ${o.rss.toFixed(0)} MB${o.errors ? `, ${o.errors} errors` : ""}`;
      console.log(
        `round ${round + 1} GET ${page}: ${line(out[0])} | ${line(out[1])} | B/A requests/s ${(out[1].rps / out[0].rps).toFixed(3)}, CPU ${(out[1].cpuMs / out[0].cpuMs).toFixed(3)}; load ${loadBefore} → ${load()}`,
      );
    }
    clearInterval(timer);
  } finally {
    for (const s of servers) {
      await s.server.stop();
      fs.rmSync(s.dataDir, { recursive: true, force: true });
    }
  }
}
console.log(`machine after: ${JSON.stringify(machineInfo())}`);
