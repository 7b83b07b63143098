// Where bulk indexing's time goes (issue 19): raw Meilisearch beside the app's pipeline on the same
// documents (as bench/lib/bulk-index.ts runs them), in alternating rounds, each run followed by the
// CPU-seconds of the engine, of this process and of its PostgreSQL backends (from /proc), the cores the
// engine and the whole machine used every half second, and the engine's batches (tasks × documents,
// start after the run's start, duration). Linux only (/proc). A Meilisearch child of its own, in MEILI_DIR.
// BENCH_DATABASE_URL=… npx tsx bench/bulk-profile.ts   (BENCH_BULK_DOCS, default 100000; ROUNDS, default 3;
// BENCH_BULK_FIRST=app to open with the app)
import fs from "node:fs";
import os from "node:os";
import { sql } from "drizzle-orm";
import { bulkSample, freshScratchIndex, sendRaw } from "./lib/bulk-index";
import { startSearchBench, useBenchDatabase } from "./lib/search-bench";

useBenchDatabase();
process.env.PGAPPNAME = `bulkprof-${process.pid}`;
process.env.MEILI_INDEX_PREFIX ??= "bulkprof";
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(" ");
const { startMeilisearch } = await import("../search/process");
const dir = process.env.MEILI_DIR ?? "data/bench-meili-bulkprof";
fs.mkdirSync(dir, { recursive: true });
const child = await startMeilisearch({ dataDir: dir });
process.env.MEILI_URL = child.url;
process.env.MEILI_MASTER_KEY = child.masterKey;
const bench = await startSearchBench(dir);
const { service, db } = bench;
const { query } = await import("../app/db/client.server");
const { indexUid } = await import("../search/settings");
const { streamContentInto } = await import("../app/knowledge/indexer.server");
const client = service.client;
const DOCS = Number(process.env.BENCH_BULK_DOCS ?? 100_000);

const ticks = (pid: number) => {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return 0;
  }
};
const backends = async () => (await query<{ pid: number }>(db, sql`select pid from pg_stat_activity where application_name = ${process.env.PGAPPNAME}`)).map((r) => r.pid);
type Snap = { meili: number; node: number; pg: Map<number, number>; t: number };
const snap = async (): Promise<Snap> => {
  const pg = new Map<number, number>();
  for (const pid of await backends()) pg.set(pid, ticks(pid));
  const c = process.cpuUsage();
  return { meili: ticks(child.pid), node: (c.user + c.system) / 1e6, pg, t: performance.now() };
};
const since = async (a: Snap) => {
  const b = await snap();
  let pg = 0;
  for (const [pid, v] of b.pg) pg += v - (a.pg.get(pid) ?? 0);
  return `engine ${(b.meili - a.meili).toFixed(1)} cpu-s, node ${(b.node - a.node).toFixed(1)}, pg ${pg.toFixed(1)}`;
};

const sample = await bulkSample(db, DOCS);
const { until, count } = sample;
const freshIndex = (uid: string) => freshScratchIndex(client, uid);
const wall0 = Date.now() - performance.now();
type Batch = { uid: number; startedAt: string; duration: string; stats: { totalNbTasks: number; types: Record<string, number> }; details: { receivedDocuments?: number } };
async function batches(uid: string, t: number) {
  const b = await client.batches.getBatches({ indexUids: [uid], limit: 100 } as never);
  const rows = (b.results as unknown as Batch[]).filter((x) => x.stats.types?.documentAdditionOrUpdate && Date.parse(x.startedAt) - wall0 - t > -500).reverse();
  return rows.map((x) => `[${x.stats.totalNbTasks}×/${x.details.receivedDocuments} +${((Date.parse(x.startedAt) - wall0 - t) / 1000).toFixed(2)} ${Number(x.duration.replace(/^PT|S$/g, "")).toFixed(2)}s]`).join(" ");
}
const run = async (which: "raw" | "app") => {
  const uid = `${indexUid("content")}_${which}prof`; // one scratch index per kind
  await freshIndex(uid);
  const s = await snap();
  const t = s.t;
  // the engine's cores in use per half second, and the machine's (from /proc/stat)
  const timeline: string[] = [];
  const stat = () => fs.readFileSync("/proc/stat", "utf8").split("\n")[0].split(/\s+/).slice(1).map(Number);
  let prevE = ticks(child.pid), prevS = stat();
  const timer = setInterval(() => {
    const e = ticks(child.pid), st = stat();
    const busy = (a: number[]) => a.reduce((x, y) => x + y, 0) - a[3] - a[4];
    timeline.push(`${((e - prevE) / 0.5).toFixed(1)}/${((busy(st) - busy(prevS)) / 100 / 0.5).toFixed(1)}`);
    prevE = e; prevS = st;
  }, 500);
  let sent = count;
  let last = 0;
  if (which === "raw") {
    last = await sendRaw(client, uid, sample);
  } else {
    const r = await streamContentInto(client, uid, db, { until });
    last = r.lastTask;
    sent = r.sent;
  }
  const enq = performance.now() - t;
  await client.tasks.waitForTask(last, { timeout: 1_800_000, interval: 50 });
  const secs = (performance.now() - t) / 1000;
  clearInterval(timer);
  const line = `    engine/machine cores per 0.5 s: ${timeline.join(" ")}\n    ${which}: ${Math.round(sent / secs)} docs/s, ${secs.toFixed(2)} s (all enqueued at ${(enq / 1000).toFixed(2)} s); ${await since(s)}; ${await batches(uid, t)}`;
  await client.deleteIndex(uid).waitTask();
  return { rate: sent / secs, line };
};
console.log(`${os.cpus()[0].model}, ${os.cpus().length} cores; ${count} docs; load ${load()}`);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const ratios: number[] = [];
process.once("exit", () => sample.dispose()); // the spool goes with the process, however it ends
for (let round = 0; round < ROUNDS; round++) {
  // raw first in odd rounds, the app first in even ones (BENCH_BULK_FIRST=app: the other way round)
  const order = (round % 2 === 0) === (process.env.BENCH_BULK_FIRST !== "app") ? (["raw", "app"] as const) : (["app", "raw"] as const);
  const r: Record<string, number> = {};
  for (const w of order) {
    const x = await run(w);
    r[w] = x.rate;
    console.log(x.line);
  }
  ratios.push(r.app / r.raw);
  console.log(`  round ${round + 1}: raw ${Math.round(r.raw)}, app ${Math.round(r.app)} docs/s (${((r.app / r.raw) * 100).toFixed(0)}%)  load ${load()}`);
}
console.log(`app / raw per round: ${ratios.map((x) => (x * 100).toFixed(0)).join(" / ")} %`);
await bench.stop();
await child.stop();
