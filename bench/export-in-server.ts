// npx tsx bench/export-in-server.ts — an eDiscovery export of the whole archive, requested through the
// built server like a compliance officer would (POST /compliance/archive), built by the server's own
// background job, then downloaded: time to done, zip size, and the server's peak RSS meanwhile.
// Writes to the database (the export's row and its audit entry): DATABASE_URL must be a copy of the
// demo data you may write to, never a shared one. HEAP_GROWING_PERCENT and SERVER_NODE_ARGS pass through.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { findFreePort } from "../search/process";
import { ensureServerBuild, machineInfo, signIn, startServer, waitFor } from "../scripts/lib/server-process";

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  console.error("bench/export-in-server.ts needs DATABASE_URL (a writable copy of the demo data).");
  process.exit(2);
}
console.log(`machine: ${JSON.stringify(machineInfo())}; HEAP_GROWING_PERCENT=${process.env.HEAP_GROWING_PERCENT ?? "(default)"} SERVER_NODE_ARGS=${process.env.SERVER_NODE_ARGS ?? ""}`);
ensureServerBuild();
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "atrium-export-in-server-"));
const port = await findFreePort();
const server = startServer({ port, dataDir, databaseUrl, env: { WEB_CONCURRENCY: "1" }, nodeArgs: (process.env.SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean) });
const sql = postgres(databaseUrl, { max: 1 });
const rssMb = () => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${server.proc.pid}/status`, "utf8"))?.[1] ?? 0) / 1024;
try {
  await waitFor(async () => (await fetch(`${server.base}/healthz`)).status === 200, 120_000, () => `the server:\n${server.output()}`, 500);
  const cookie = await signIn(server.base, "compliance@demo.test", process.env.DEMO_PASSWORD ?? "atrium-demo-2026");
  let peak = rssMb();
  const timer = setInterval(() => (peak = Math.max(peak, rssMb())), 200);
  const t0 = performance.now();
  const res = await fetch(`${server.base}/compliance/archive`, {
    method: "POST",
    body: new URLSearchParams({ q: "", deleted: "on" }),
    headers: { cookie, Origin: server.base },
    redirect: "manual",
  });
  if (res.status !== 302) throw new Error(`export request answered ${res.status}: ${await res.text()}`);
  let job: { id: string; status: string; total: number; done: number; bytes: number | null } | undefined;
  await waitFor(async () => {
    [job] = await sql<{ id: string; status: string; total: number; done: number; bytes: number | null }[]>`select id, status, total, done, bytes from record_exports order by created_at desc limit 1`;
    if (job?.status === "failed") throw new Error("the export failed");
    return job?.status === "done";
  }, 600_000, "the export to finish", 200);
  const builtS = (performance.now() - t0) / 1000;
  const zip = await fetch(`${server.base}/compliance/exports/${job!.id}`, { headers: { cookie } });
  const bytes = (await zip.arrayBuffer()).byteLength;
  clearInterval(timer);
  console.log(
    `export ${job!.id}: ${job!.done} of ${job!.total} records in ${builtS.toFixed(1)} s, zip ${(bytes / 2 ** 20).toFixed(2)} MiB (HTTP ${zip.status}); ` +
      `server peak RSS ${peak.toFixed(0)} MB; load ${machineInfo().loadAverage.join(" ")}; ${/heap growth: [^)]*\)?/.exec(server.output())?.[0] ?? ""}`,
  );
} finally {
  await sql.end();
  await server.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
