// npm run bench:fault — Meilisearch frozen with SIGSTOP during a stream of posts to the
// production server (build/server.js), on the embedded PGlite and, with BENCH_DATABASE_URL
// (or DATABASE_URL), on PostgreSQL. FAULT_STOP_SECONDS (default 60) sets how long it stays frozen.
import { printFaultReport, runFaultScenario } from "../scripts/lib/fault";
import { ensureServerBuild, machineInfo } from "../scripts/lib/server-process";

const stopSeconds = Number(process.env.FAULT_STOP_SECONDS ?? 60);
const url = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? null;
if (url) process.env.DATABASE_URL = url; // the factories (PostgreSQL mode) write where the server reads
const port = Number(process.env.BENCH_PORT ?? 3390);

ensureServerBuild();
console.log(`machine: ${JSON.stringify(machineInfo())}`);
let ok = true;
for (const databaseUrl of [null, ...(url ? [url] : [])]) {
  const r = await runFaultScenario({ databaseUrl, port, stopSeconds, beforeSeconds: 5, afterSeconds: 5, log: (s) => console.log(s) });
  printFaultReport(r);
  const pass = r.writes.failed === 0 && r.health.dbNotOk === 0 && r.inIndex === r.acknowledged && r.inDatabase === r.acknowledged && r.writes.byPhase.stopped.p95 <= 500;
  console.log(`  ${pass ? "PASS" : "FAIL"}: p95 while stopped ≤ 500 ms, database ok throughout, nothing lost, index converged\n`);
  ok &&= pass;
}
console.log(`machine after: ${JSON.stringify(machineInfo())}`);
const { closeDb } = await import("../app/db/client.server");
await closeDb();
process.exit(ok ? 0 : 1);
