// npm run bench:saturation [-- --preset quick] [--steps 1,2,4,8,16,32,64] [--seconds 15] [--settle 10]
//   [--min-growth 0.05] [--patience 1] [--processes 1] [--spaces 4] [--orgs 1] [--port 3331]
// What saturates first as write concurrency rises (issue 18 § 5 "Beyond one machine"): the production
// server on PostgreSQL (BENCH_DATABASE_URL, else DATABASE_URL) with its own embedded Meilisearch, its
// own org(s) and people (--orgs N spreads the writers over N orgs, N chains), more concurrent writers each step until throughput grows < --min-growth (--patience N: N steps in a row without growth over the best, for a noisy machine); per step
// the signals, then a verdict derived from them and the check of every acknowledged write
// (scripts/lib/saturation-run.ts). Exit 1 on a lost write or a broken chain.
import { argValue } from "../scripts/cli";
import { machineLine } from "../scripts/lib/bench";
import { runSaturation } from "../scripts/lib/saturation-run";

const url = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
if (!url) {
  console.error("bench:saturation needs PostgreSQL: BENCH_DATABASE_URL or DATABASE_URL.");
  process.exit(2);
}
process.env.DATABASE_URL = url; // the factories write where the server reads

const quick = argValue("--preset") === "quick";
const steps = (argValue("--steps") ?? (quick ? "1,4,16" : "1,2,4,8,16,32,64")).split(",").map(Number);
const seconds = Number(argValue("--seconds") ?? (quick ? 4 : 15));
const settleSeconds = Number(argValue("--settle") ?? (quick ? 5 : 10));
const minGrowth = Number(argValue("--min-growth") ?? 0.05);
const processes = Number(argValue("--processes") ?? 1);
const spaces = Number(argValue("--spaces") ?? 4);
const orgs = Number(argValue("--orgs") ?? 1);
const patience = Number(argValue("--patience") ?? 1);
const port = Number(argValue("--port") ?? process.env.BENCH_PORT ?? 3331);
if (!steps.length || steps.some((n) => !Number.isInteger(n) || n < 1) || !(seconds > 0) || !(settleSeconds >= 0) || !(processes >= 1) || !(spaces >= 1) || !Number.isInteger(orgs) || orgs < 1 || !Number.isInteger(patience) || patience < 1) {
  console.error("--steps wants positive integers (1,2,4); --seconds, --processes and --spaces positive numbers.");
  process.exit(2);
}

console.log(machineLine(`PostgreSQL ${new URL(url).pathname.slice(1)}, ${processes} app process${processes > 1 ? "es" : ""}, ${orgs} org${orgs > 1 ? "s" : ""}, embedded Meilisearch`));
const { closeDb } = await import("../app/db/client.server");
let code = 1;
try {
  const r = await runSaturation({ databaseUrl: url, steps, seconds, settleSeconds, minGrowth, processes, spaces, orgs, patience, port, log: (s) => console.log(s) });
  code = r.lost === 0 && r.archive.ok ? 0 : 1;
} finally {
  await closeDb();
}
console.log(machineLine("after"));
process.exit(code);
