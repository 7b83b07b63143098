// npm run chaos [-- --preset small] [--duration 60] [--writers 4] [--seed N]
// Two app instances (build/server.js) on DATABASE_URL and one Meilisearch child; SIGKILLs
// Meilisearch and one instance at seeded random moments during a write stream, restarts them,
// then checks nothing acknowledged was lost, the archive verifies and the index converged
// (scripts/lib/chaos-run.ts). Exit 1 when any of that fails or convergence exceeds 60 s.
import { closeDb, getDb } from "../app/db/client.server";
import { env } from "../app/env.server";
import { printChaosReport, runChaos } from "./lib/chaos-run";
import { lostCount } from "./lib/load-check";
import { ensureServerBuild, machineInfo } from "./lib/server-process";
import { argValue } from "./cli";

const small = argValue("--preset") === "small";
if (!env().DATABASE_URL) {
  console.error("npm run chaos needs DATABASE_URL (PostgreSQL: two instances share it).");
  process.exit(2);
}
const port = Number(argValue("--port") ?? process.env.CHAOS_PORT ?? 3395);
const seed = Number(argValue("--seed") ?? Date.now() % 100_000);
ensureServerBuild();
console.log(`machine: ${JSON.stringify(machineInfo())}`);
let code = 1;
try {
  const r = await runChaos(await getDb(), {
    databaseUrl: env().DATABASE_URL!,
    ports: [port, port + 1],
    durationSeconds: Number(argValue("--duration") ?? (small ? 20 : 60)),
    writers: Number(argValue("--writers") ?? (small ? 2 : 4)),
    seed,
    log: (s) => console.log(s),
  });
  printChaosReport(r);
  const pass = r.writes.serverErrors === 0 && lostCount(r.check) === 0 && r.archive.ok && r.convergeSeconds !== null && r.convergeSeconds <= 60 && r.writes.acknowledged > 0;
  console.log(`${pass ? "PASS" : "FAIL"}: 0 lost writes, archive verifies, index converged within 60 s (replay with --seed ${seed})`);
  console.log(`machine after: ${JSON.stringify(machineInfo())}`);
  code = pass ? 0 : 1;
} finally {
  await closeDb();
}
process.exit(code);
