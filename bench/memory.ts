// npx tsx bench/memory.ts [--path /,/spaces --connections 50 --duration 10 --rounds 1]
// What a busy server process's RSS is made of. Starts build/server.js (one process) with
// bench/lib/memory-probe.mjs preloaded, loads each page with autocannon like bench:cluster, and prints
// at each page's peak RSS: V8's heap (used and committed, per space), external and array buffers,
// and the kernel's view (/proc/<pid>/smaps): the main malloc arena ([heap]), glibc's per-thread arenas
// (anonymous mappings at 64 MB-aligned addresses), other anonymous memory (V8's pages, stacks), files.
// SERVER_NODE_ARGS="…" passes V8 flags; MALLOC_ARENA_MAX and other environment pass through.
// Needs DATABASE_URL (the demo data on PostgreSQL).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { argValue } from "../scripts/cli";
import { findFreePort } from "../search/process";
import { ensureServerBuild, machineInfo, signIn, startServer, waitFor } from "../scripts/lib/server-process";

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  console.error("bench/memory.ts needs DATABASE_URL (PostgreSQL with the demo data).");
  process.exit(2);
}
const pages = (argValue("--path") ?? "/").split(",").filter(Boolean);
const connections = Number(argValue("--connections") ?? 50);
const duration = Number(argValue("--duration") ?? 10);
const rounds = Number(argValue("--rounds") ?? 1);
const load = () => machineInfo().loadAverage.join(" ");
const MB = (n: number) => n.toFixed(0);

type Probe = {
  rss: number; heapTotal: number; heapUsed: number; external: number; arrayBuffers: number; mallocedMemory: number;
  heapLimit: number; spaces: Record<string, { size: number; used: number }>; anon: number; fileBacked: number;
  gcs: { minor: number; minorMs: number; major: number; majorMs: number; other: number; otherMs: number }; tag?: string; t: number;
};
const readProbe = () => fs.readFileSync(probeFile, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Probe);

/** The kernel's view of one process: resident MB by kind of mapping. */
function smaps(pid: number) {
  const text = fs.readFileSync(`/proc/${pid}/smaps`, "utf8");
  const out = { brkHeap: 0, threadArenas: 0, arenaCount: 0, otherAnon: 0, files: 0, stacks: 0 };
  let kind: Exclude<keyof typeof out, "arenaCount"> | null = null;
  for (const line of text.split("\n")) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      const start = BigInt(`0x${head[1]}`);
      const name = head[4];
      if (name === "[heap]") kind = "brkHeap";
      else if (name.startsWith("[stack")) kind = "stacks";
      else if (name.startsWith("/")) kind = "files";
      else if (name === "" && start % 0x4000000n === 0n && head[3].startsWith("rw")) {
        // glibc's non-main arenas are heaps of at most 64 MB aligned on their size
        kind = "threadArenas";
        out.arenaCount++;
      } else kind = "otherAnon";
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss && kind) out[kind] += Number(rss[1]) / 1024;
  }
  return out;
}

console.log(`machine: ${JSON.stringify(machineInfo())}; SERVER_NODE_ARGS=${process.env.SERVER_NODE_ARGS ?? ""} MALLOC_ARENA_MAX=${process.env.MALLOC_ARENA_MAX ?? ""}`);
ensureServerBuild();
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "atrium-bench-memory-"));
const probeFile = path.join(dataDir, "probe.jsonl");
const probeModule = path.resolve("bench/lib/memory-probe.mjs");
for (let round = 0; round < rounds; round++) {
  const port = await findFreePort();
  const nodeArgs = [...(process.env.SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean), "--expose-gc", "--import", probeModule];
  const server = startServer({ port, dataDir, databaseUrl, env: { WEB_CONCURRENCY: "1", MEMORY_PROBE_FILE: probeFile }, nodeArgs });
  const pid = server.proc.pid!;
  try {
    await waitFor(async () => {
      const h = (await (await fetch(`${server.base}/healthz`)).json()) as { status: string; jobs: string[]; backlog: { pending: number } | null };
      return h.status === "ok" && h.jobs.length === 0 && h.backlog?.pending === 0;
    }, 300_000, () => `the server to be ready and idle:\n${server.output()}`, 500);
    const cookie = await signIn(server.base, "alice@demo.test", process.env.DEMO_PASSWORD ?? "atrium-demo-2026");
    const report = (label: string, from: number) => {
      const lines = readProbe();
      const window = lines.filter((l) => l.t >= from);
      const peak = window.reduce((a, b) => (b.rss > a.rss ? b : a), window[0] ?? lines[lines.length - 1]);
      const s = peak.spaces;
      const sp = (n: string) => (s[n] ? `${MB(s[n].used)}/${MB(s[n].size)}` : "-");
      console.log(
        `  ${label}: peak RSS ${MB(peak.rss)} MB = anon ${MB(peak.anon)} + files ${MB(peak.fileBacked)}; V8 heap used/committed ${MB(peak.heapUsed)}/${MB(peak.heapTotal)} ` +
          `(new ${sp("new_space")}, old ${sp("old_space")}, code ${sp("code_space")}, large ${sp("large_object_space")}, map ${sp("map_space")}) ` +
          `limit ${MB(peak.heapLimit)}; external ${MB(peak.external)} (arrayBuffers ${MB(peak.arrayBuffers)}); V8 malloced ${MB(peak.mallocedMemory)}`,
      );
    };
    let from = Date.now();
    report("idle after start", 0);
    for (const page of pages) {
      await autocannon({ url: `${server.base}${page}`, connections, duration: 3, headers: { cookie } });
      from = Date.now();
      let peakMaps = smaps(pid);
      let peakRss = 0;
      const timer = setInterval(() => {
        const r = Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;
        if (r > peakRss) {
          peakRss = r;
          peakMaps = smaps(pid);
        }
      }, 1000);
      const loadBefore = load();
      const r = await autocannon({ url: `${server.base}${page}`, connections, duration, timeout: 30, headers: { cookie } });
      clearInterval(timer);
      await new Promise((res) => setTimeout(res, 600));
      const threads = fs.readdirSync(`/proc/${pid}/task`).length;
      console.log(
        `round ${round + 1} GET ${page}: ${r.requests.average.toFixed(0)} requests/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, ${r.non2xx + r.errors} errors; load ${loadBefore} → ${load()}`,
      );
      report("V8 at peak", from);
      // garbage collection during the measured run, then what a full collection leaves alive
      const probes = readProbe();
      const first = probes.find((p) => p.t >= from) ?? probes[0];
      const last = probes[probes.length - 1];
      const d = (k: keyof Probe["gcs"]) => last.gcs[k] - first.gcs[k];
      console.log(
        `  GC during the run: ${d("minor")} scavenges ${MB(d("minorMs"))} ms, ${d("major")} mark-compacts ${MB(d("majorMs"))} ms, ${d("other")} other ${MB(d("otherMs"))} ms ` +
          `(${((100 * (d("minorMs") + d("majorMs") + d("otherMs"))) / (last.t - first.t)).toFixed(1)} % of wall time)`,
      );
      process.kill(pid, "SIGUSR2");
      await new Promise((res) => setTimeout(res, 1500));
      const live = readProbe().filter((p) => p.tag === "after-gc").pop();
      if (live) console.log(`  after a full GC: V8 heap used ${MB(live.heapUsed)} MB (old ${MB(live.spaces.old_space.used)}, code ${MB(live.spaces.code_space.used)}, large ${MB(live.spaces.large_object_space.used)}), committed ${MB(live.heapTotal)}, RSS ${MB(live.rss)}`);
      const m = peakMaps;
      console.log(
        `  kernel at peak (${MB(peakRss)} MB): main malloc arena [heap] ${MB(m.brkHeap)}, thread arenas ${MB(m.threadArenas)} (${m.arenaCount}), ` +
          `other anonymous (V8 pages, …) ${MB(m.otherAnon)}, stacks ${MB(m.stacks)}, files ${MB(m.files)}; ${threads} threads`,
      );
    }
  } finally {
    await server.stop();
  }
}
fs.rmSync(dataDir, { recursive: true, force: true });
console.log(`machine after: ${JSON.stringify(machineInfo())}`);
