// npm run load [-- --preset small] [--connections 200] [--duration 60] [--write-every 10] [--url http://host:port --pid N]
// N signed-in people against the production server (build/server.js, started here on
// DATABASE_URL with the data folder the scale seed indexed into: ATRIUM_DATA_DIR or --data-dir),
// or against --url (then MEILI_URL/MEILI_MASTER_KEY name its search engine). Needs a seeded
// organisation (npm run seed:scale). Prints throughput, p50/p95/p99, errors, the app's peak
// memory, then checks every acknowledged write. Exit 1 on a server error or a lost write.
import path from "node:path";
import { closeDb, getDb } from "../app/db/client.server";
import { env } from "../app/env.server";
import { lostCount } from "./lib/load-check";
import { printLoadReport, runLoad } from "./lib/load-run";
import { embeddedMeili, ensureServerBuild, machineInfo, startServer, waitFor, type ServerChild } from "./lib/server-process";
import { argValue } from "./cli";

const small = argValue("--preset") === "small";
const connections = Number(argValue("--connections") ?? (small ? 20 : 200));
const duration = Number(argValue("--duration") ?? (small ? 15 : 60));
const writeEvery = Number(argValue("--write-every") ?? 10);
const url = argValue("--url");
if (!env().DATABASE_URL) {
  console.error("npm run load needs DATABASE_URL (PostgreSQL) with a seeded organisation.");
  process.exit(2);
}
const password = process.env.SCALE_PASSWORD ?? process.env.DEMO_PASSWORD ?? "atrium-scale-demo";
console.log(`machine: ${JSON.stringify(machineInfo())}`);

let server: ServerChild | null = null;
let base = url?.replace(/\/$/, "") ?? "";
let meili = { url: process.env.MEILI_URL ?? "", key: process.env.MEILI_MASTER_KEY ?? "" };
let pid = argValue("--pid") ? Number(argValue("--pid")) : undefined;
let code = 1;
try {
  if (!url) {
    ensureServerBuild();
    const dataDir = path.resolve(argValue("--data-dir") ?? env().ATRIUM_DATA_DIR);
    server = startServer({ port: Number(argValue("--port") ?? process.env.LOAD_PORT ?? 3393), dataDir, databaseUrl: env().DATABASE_URL! });
    base = server.base;
    pid = server.proc.pid;
    await waitFor(async () => (await fetch(`${base}/healthz`)).status === 200, 240_000, () => `the server to answer; it said:\n${server!.output()}`, 200);
    await waitFor(async () => ((await (await fetch(`${base}/healthz`)).json()) as { search: string }).search === "ok", 120_000, "search to be ok", 250);
    meili = embeddedMeili(dataDir);
  }
  const db = await getDb();
  const r = await runLoad(db, { base, connections, durationSeconds: duration, writeEvery, password, meili, pid, log: (s) => console.log(s) });
  printLoadReport(r);
  // a server error says why in the server's own log (one JSON line per error): print them
  if (r.status["5xx"] > 0 && server) {
    const errors = server.output().split("\n").filter((l) => l.includes('"level":"error"') || /Error:|error:/.test(l));
    console.log(`server's error lines (${errors.length}, the last 20):\n${errors.slice(-20).map((l) => `  ${l.slice(0, 600)}`).join("\n")}`);
  }
  const pass = r.status["5xx"] === 0 && r.transportErrors === 0 && lostCount(r.check) === 0;
  console.log(`${pass ? "PASS" : "FAIL"}: 0 server errors and 0 lost writes${r.throughput >= 300 ? "" : " (throughput below the 300/s target)"}`);
  console.log(`machine after: ${JSON.stringify(machineInfo())}`);
  code = pass ? 0 : 1;
} finally {
  await server?.stop();
  await closeDb();
}
process.exit(code);
