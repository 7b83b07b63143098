// npm run bench:render — where a signed-in page spends its time, in process (no HTTP, no other
// load in the measure): for each page, CPU milliseconds per request (process.cpuUsage: the
// figure that bounds throughput, and that stays meaningful on a busy machine), wall p50/p95 of
// sequential requests, and the HTML size. With --profile, a CPU profile of the page requests
// only (no startup, no background job) lands in ./data/profiles/ with its top functions.
//
//   BENCH_DATABASE_URL=postgres://… npm run bench:render -- --user <user id> [--runs 100] [--profile | --alloc | --retained] [--save-html <dir>] [/path …]
//
// Needs a build (npm run build). Background jobs are not started: only the request path runs.
import fs from "node:fs";
import inspector from "node:inspector/promises";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler, installGlobals, type ServerBuild } from "@remix-run/node";

installGlobals({ nativeFetch: true });
const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args.splice(i, 2)[1] : undefined;
};
const url = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
const user = flag("--user");
const runs = Number(flag("--runs") ?? 100);
const profile = args.includes("--profile") ? (args.splice(args.indexOf("--profile"), 1), true) : false;
// --alloc: where the page allocates (V8's sampling heap profiler, collected objects included): bytes a request by function
const alloc = args.includes("--alloc") ? (args.splice(args.indexOf("--alloc"), 1), true) : false;
// --retained: the same, but only what outlived the scavenges (promoted to the old generation, whether a full
// collection frees it later or not): what makes scavenges slow and fills the old generation
const retained = args.includes("--retained") ? (args.splice(args.indexOf("--retained"), 1), true) : false;
const sampleHeap = alloc || retained;
const saveHtml = flag("--save-html"); // a folder: each page's HTML lands there once, to read what it renders
const paths = args.length ? args : ["/", "/best-practices", "/spaces", "/questions", "/notifications", "/search?q=risk"];
if (!url || !user) {
  console.error("usage: BENCH_DATABASE_URL=postgres://… npm run bench:render -- --user <user id> [--runs N] [--profile] [/path …]");
  process.exit(2);
}
const buildFile = process.env.BENCH_BUILD ?? "build/index.js"; // another build for an A/B comparison
if (!fs.existsSync(buildFile)) {
  console.error("No build: run `npm run build` first.");
  process.exit(2);
}
process.env.DATABASE_URL = url;
process.env.NODE_ENV = "production";
process.env.MEILI_URL ??= "http://127.0.0.1:1"; // search degrades to PostgreSQL unless a real engine is given

const build = (await import(pathToFileURL(path.resolve(buildFile)).href)) as ServerBuild;
const handler = createRequestHandler(build, "production");
// BENCH_BUILD_B: a second build in the same process, its requests interleaved with the first's, so
// both see the same machine (on a busy 2-core machine, separate runs swing by ±20 %)
const buildB = process.env.BENCH_BUILD_B;
const handlerB = buildB ? createRequestHandler((await import(pathToFileURL(path.resolve(buildB)).href)) as ServerBuild, "production") : null;
const { createSession } = await import("../app/identity/session.server");
const { closeDb } = await import("../app/db/client.server");
const { runInRequestScope } = await import("../app/platform/request-scope.server");
const { token } = await createSession(user);
const headers = { Cookie: `atrium_session=${token}`, "Accept-Language": "en" };

// PostgreSQL's own CPU for the requests: the backends serving this process (found by their client
// port), read from /proc when the server runs on this machine; otherwise not shown
const { getDb, query } = await import("../app/db/client.server");
const { sql } = await import("drizzle-orm");
const clk = 100; // USER_HZ: /proc/<pid>/stat times are in 1/100 s on Linux
async function backendPids(): Promise<number[]> {
  const rows = await query<{ pid: number }>(await getDb(), sql`select pid from pg_stat_activity where datname = current_database() and backend_type = 'client backend'`);
  return rows.map((r) => r.pid).filter((pid) => fs.existsSync(`/proc/${pid}/stat`));
}
function procCpuMs(pids: number[]): number {
  let t = 0;
  for (const pid of pids) {
    try {
      const f = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
      t += ((Number(f[11]) + Number(f[12])) * 1000) / clk;
    } catch {
      // the backend ended
    }
  }
  return t;
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
async function once(p: string, h = handler) {
  // as the HTTP stack does (app/platform/server-app.server.ts): one scope per read request
  const res = await runInRequestScope("GET", () => h(new Request(`http://localhost${p}`, { headers }), { clientIp: "127.0.0.1" }));
  // the bytes as the HTTP stack sends them: decoding them to a string here would charge the page
  // for work the server never does (~1.4 ms for a 100 KB page)
  const body = new Uint8Array(await res.arrayBuffer());
  if (res.status !== 200) throw new Error(`${p} answered ${res.status}`);
  if (saveHtml) {
    fs.mkdirSync(saveHtml, { recursive: true });
    fs.writeFileSync(path.join(saveHtml, `${p.replace(/[^a-z0-9]+/gi, "_") || "_"}.html`), body);
  }
  return body.byteLength;
}

console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, load ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}; Node ${process.version}`);
console.log(`${"page".padEnd(28)} ${"CPU/req".padStart(9)} ${"PG CPU/req".padStart(10)} ${"wall p50".padStart(9)} ${"wall p95".padStart(9)} ${"HTML".padStart(9)}`);
const session = profile || sampleHeap ? new inspector.Session() : null;
if (session) {
  session.connect();
  await session.post("Profiler.enable");
}
if (handlerB) {
  console.log(`A = ${buildFile}, B = ${buildB}: requests alternate A, B, B, A, A, B…; CPU of each request alone`);
  for (const p of paths) {
    for (let i = 0; i < 10; i++) (await once(p), await once(p, handlerB)); // warm-up
    const cpu = { A: [] as number[], B: [] as number[] };
    const wall = { A: [] as number[], B: [] as number[] };
    const pg = { A: 0, B: 0 }; // PostgreSQL CPU while each build's requests ran (all this database's backends)
    const size = { A: 0, B: 0 };
    let pids = await backendPids();
    for (let i = 0; i < runs; i++) {
      if (i % 50 === 0) pids = await backendPids(); // a pool may open connections later
      // A first in even rounds, B first in odd ones: the second of a pair pays for the first's garbage
      const pair = [["A", handler], ["B", handlerB]] as const;
      for (const [k, h] of i % 2 ? [pair[1], pair[0]] : pair) {
        const pg0 = procCpuMs(pids);
        const t = performance.now();
        const c0 = process.cpuUsage();
        size[k] = await once(p, h);
        const c = process.cpuUsage(c0);
        wall[k].push(performance.now() - t);
        cpu[k].push((c.user + c.system) / 1000);
        pg[k] += procCpuMs(pids) - pg0;
      }
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    for (const k of ["A", "B"] as const)
      console.log(
        `${k} ${p.padEnd(26)} CPU/req mean ${mean(cpu[k]).toFixed(2)} ms, p50 ${pct(cpu[k], 50).toFixed(2)} ms  PG CPU/req ${(pg[k] / runs).toFixed(2)} ms  wall p50 ${pct(wall[k], 50).toFixed(2)} / p95 ${pct(wall[k], 95).toFixed(2)} ms  HTML ${(size[k] / 1024).toFixed(1)} KB`,
      );
    console.log(
      `  B / A: ${(mean(cpu.B) / mean(cpu.A)).toFixed(3)} (mean), ${(pct(cpu.B, 50) / pct(cpu.A, 50)).toFixed(3)} (p50); PostgreSQL ${(pg.B / pg.A).toFixed(3)}; wall p50 ${(pct(wall.B, 50) / pct(wall.A, 50)).toFixed(3)}`,
    );
  }
  await closeDb();
  process.exit(0);
}
for (const p of paths) {
  for (let i = 0; i < 10; i++) await once(p); // warm-up: JIT, caches, connections
  if (session && sampleHeap) await session.post("HeapProfiler.startSampling", { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: alloc });
  else if (session) await session.post("Profiler.start");
  const walls: number[] = [];
  let bytes = 0;
  const pids = await backendPids(); // other databases' and processes' backends are not counted
  const pg0 = procCpuMs(pids);
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    bytes = await once(p);
    walls.push(performance.now() - t);
  }
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000 / runs;
  const pgMs = pids.length ? ((procCpuMs(pids) - pg0) / runs).toFixed(2).padStart(7) + " ms" : "       n/a";
  console.log(`${p.padEnd(28)} ${cpuMs.toFixed(2).padStart(6)} ms ${pgMs} ${pct(walls, 50).toFixed(2).padStart(6)} ms ${pct(walls, 95).toFixed(2).padStart(6)} ms ${(bytes / 1024).toFixed(1).padStart(6)} KB`);
  if (session && sampleHeap) {
    const { profile: heap } = await session.post("HeapProfiler.stopSampling");
    const dir = path.resolve("data/profiles");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${p.replace(/[^a-z0-9]+/gi, "_") || "root"}.heapprofile`), JSON.stringify(heap));
    printAllocations((heap as unknown as { head: HeapNode }).head, runs);
  } else if (session) {
    const { profile: prof } = await session.post("Profiler.stop");
    const dir = path.resolve("data/profiles");
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${p.replace(/[^a-z0-9]+/gi, "_") || "root"}.cpuprofile`);
    fs.writeFileSync(file, JSON.stringify(prof));
    printTop(prof, runs);
  }
}
await closeDb();
process.exit(0);

type HeapNode = { callFrame: { functionName: string; url: string; lineNumber: number }; selfSize: number; children: HeapNode[] };
function printAllocations(root: HeapNode, n: number) {
  const self = new Map<string, number>();
  let total = 0;
  const walk = (node: HeapNode) => {
    const cf = node.callFrame;
    const where = cf.url.includes("node_modules/") ? cf.url.split("node_modules/").pop()!.split("/")[0] : path.basename(cf.url);
    const key = `${cf.functionName || "(anonymous)"} ${where}${cf.url ? `:${cf.lineNumber + 1}` : ""}`;
    self.set(key, (self.get(key) ?? 0) + node.selfSize);
    total += node.selfSize;
    node.children.forEach(walk);
  };
  walk(root);
  console.log(`    ${(total / n / 1024).toFixed(0).padStart(7)} KB/req  ${retained ? "retained past the scavenges" : "allocated in all"} (sampled)`);
  for (const [k, b] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`    ${(b / n / 1024).toFixed(1).padStart(7)} KB/req  ${k}`);
}

type Profile = { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[]; samples?: number[]; timeDeltas?: number[] };
function printTop(prof: Profile, n: number) {
  const byId = new Map(prof.nodes.map((x) => [x.id, x]));
  const self = new Map<string, number>();
  const deltas = prof.timeDeltas ?? [];
  (prof.samples ?? []).forEach((id, i) => {
    const cf = byId.get(id)!.callFrame;
    if (cf.functionName === "(idle)" || cf.functionName === "(program)") return;
    const where = cf.url.includes("node_modules/") ? cf.url.split("node_modules/").pop()!.split("/")[0] : path.basename(cf.url);
    const key = `${cf.functionName || "(anonymous)"} ${where}${cf.url ? `:${cf.lineNumber + 1}` : ""}`;
    self.set(key, (self.get(key) ?? 0) + deltas[i] / 1000);
  });
  for (const [k, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`    ${(ms / n).toFixed(3).padStart(7)} ms/req  ${k}`);
}
