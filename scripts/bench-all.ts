// npm run bench [-- --only feed,search | --all] [--skip page,fault] [--dry-run] [--out docs/benchmarks.md]
// One command for every benchmark (issue 18). By default it measures the organisation
// `npm run seed:scale` made (seed it first; ATRIUM_DATA_DIR names the data folder the seed indexed
// into): `pages` (every page, search, freshness, reindex throughput over HTTP), `export` of
// 10,000 of its items, then `load` and `chaos` — under an hour at full size on 2 cores. The parts
// that load corpora of their own (feed, search's 2M-document comparison, archive-search, …) run
// with --only or --all. It runs them one after another as child processes on BENCH_DATABASE_URL
// (default DATABASE_URL), and writes
// docs/benchmarks.md: the machine (with its load average before and after each part, since a busy
// machine makes every figure pessimistic), the data size, and for each part its target beside the
// figures it printed, its exit status and its duration. A part that fails or times out is
// reported as such; the run goes on. BENCH_PART_TIMEOUT_MIN (default 60) bounds each part.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import { sql } from "drizzle-orm";
import { closeDb, getDb, query } from "../app/db/client.server";
import { missedTargets, selectParts } from "./lib/bench";
import { machineInfo } from "./lib/server-process";
import { argValue } from "./cli";

// inDefaultRun: measures the seed:scale organisation in reasonable time (the default run); the others load corpora of their own
// needsSeed: fails without the seed:scale organisation (checked before the run starts)
type Part = { name: string; script: string; args?: string[]; target: string; keep: RegExp; inDefaultRun?: boolean; needsSeed?: boolean };

// The figures each part prints are kept verbatim (the lines matching `keep`), beside the target.
const FIGURES = /p50|p95|p99|target|documents\/s|docs\/s|requests\/s|PASS|FAIL|lost|converged|MB|→|transferred|export:|rollup|organisation|viewers|busy space|×/i;
const PARTS: Part[] = [
  {
    name: "pages",
    script: "bench/pages.ts",
    target: "on the seeded org over HTTP: home page p95 ≤ 25 ms (other pages the same budget), library ≤ 50 ms, analytics ≤ 200 ms, similar ≤ 50 ms, app search ≤ 30 ms (ratio to the engine), commit → searchable p50 ≤ 350 ms / p95 ≤ 1.5 s, reindex ≥ 90 % of raw",
    keep: FIGURES,
    inDefaultRun: true,
    needsSeed: true,
  },
  { name: "export", script: "bench/export.ts", args: ["--seeded"], target: "eDiscovery export of the seeded org's newest 10,000 items ≤ 60 s", keep: FIGURES, inDefaultRun: true, needsSeed: true },
  { name: "feed", script: "bench/feed.ts", target: "home feed query p95 ≤ 4 ms; signed-in home page p95 ≤ 25 ms (issue 19)", keep: FIGURES },
  { name: "render", script: "bench/render.ts", target: "CPU ms per signed-in page (bounds throughput)", keep: FIGURES },
  { name: "search", script: "bench/search.ts", target: "app search p95 ≤ 30 ms (ratio to the raw engine); commit → searchable p50 ≤ 300 ms, p95 ≤ 1.2 s; reindex vs raw bulk indexing", keep: FIGURES },
  { name: "similar", script: "bench/similar.ts", target: "similar-questions endpoint p95 ≤ 50 ms", keep: FIGURES },
  { name: "library", script: "bench/library.ts", target: "Best practices library page p95 ≤ 50 ms", keep: FIGURES },
  { name: "analytics", script: "bench/analytics.ts", target: "dashboard p95 ≤ 200 ms; a day's rollup ≤ 60 s", keep: FIGURES },
  { name: "archive-search", script: "bench/archive-search.ts", target: "archive search p95 ≤ 500 ms", keep: FIGURES },
  { name: "export-own", script: "bench/export.ts", target: "eDiscovery export of 10,000 items of its own org ≤ 60 s", keep: FIGURES },
  { name: "write", script: "bench/write.ts", target: "submit → visible, server answering while the outbox runs", keep: FIGURES },
  { name: "start", script: "bench/start.ts", target: "start-to-ready after kill -9", keep: FIGURES },
  { name: "fault", script: "bench/fault.ts", target: "Meilisearch SIGSTOP 60 s: write p95 ≤ 500 ms, nothing lost, index converges", keep: FIGURES },
  { name: "page", script: "bench/page.ts", target: "home page JS ≤ 250 KB, LCP ≤ 1.0 s", keep: FIGURES },
  { name: "saturation", script: "bench/saturation.ts", args: ["--patience", "2"], target: "write throughput as concurrency rises; what saturates first (issue 18 § 5)", keep: /writes\/s|verdict|saturat|lost|verif/i },
  { name: "load", script: "scripts/load.ts", target: "≥ 300 requests/s on the feed mix, 0 server errors, 0 lost writes, app memory ≤ 300 MB", keep: FIGURES, inDefaultRun: true, needsSeed: true },
  { name: "chaos", script: "scripts/chaos.ts", target: "0 lost writes, archive verifies, index converges ≤ 60 s", keep: FIGURES, inDefaultRun: true },
];

type Outcome = { part: Part; code: number | null; seconds: number; figures: string[]; missed: number; loadBefore: number[]; loadAfter: number[]; timedOut: boolean };

function runPart(p: Part, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Outcome> {
  const loadBefore = os.loadavg().map((l) => Number(l.toFixed(2)));
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", p.script, ...(p.args ?? [])], { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      process.stdout.write(`[${p.name}] ${d}`);
    });
    child.stderr.on("data", (d) => (out += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGTERM");
    }, timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      const kept = out
        .split(/\r?\n|\r/)
        .map((l) => l.trimEnd())
        .filter((l) => l.trim() && p.keep.test(l) && !/^\s*at /.test(l));
      const figures = kept.slice(-60);
      resolve({ part: p, code, seconds: Math.round((performance.now() - t0) / 1000), figures, missed: missedTargets(kept), loadBefore, loadAfter: os.loadavg().map((l) => Number(l.toFixed(2))), timedOut });
    });
  });
}

async function dataSize() {
  try {
    const db = await getDb();
    const count = async (table: string) => Number((await query<{ n: string }>(db, sql.raw(`select count(*) as n from ${table}`)))[0].n);
    const r = { users: await count("users"), spaces: await count("spaces"), content: await count("content"), reactions: await count("reactions"), archive: await count("archive_records") };
    await closeDb();
    return r;
  } catch (e) {
    return { error: (e as Error).message };
  }
}

// How to reproduce the figures: the same text heads docs/benchmarks.md before a run has written it.
const HOW_TO_RUN = [
  "At full size, against the bank `npm run seed:scale` made (10,000 people, 200 spaces, 1,000,000 posts and its",
  "Meilisearch index), on a quiet machine: seed once, then bench with the same database and data folder.",
  "",
  "```sh",
  "DATABASE_URL=postgres://…/bench_scale ATRIUM_DATA_DIR=data/bench-scale npm run seed:scale",
  "npm run build",
  "BENCH_DATABASE_URL=postgres://…/bench_scale ATRIUM_DATA_DIR=data/bench-scale npm run bench",
  "```",
  "",
  "The default run (`pages`, `export`, `load`, `chaos`) measures the seeded org and loads nothing of its own:",
  "`pages` starts the production server on it and times each page over HTTP (median of 3 rounds after a warm-up,",
  "p50/p95/p99, the p95's min and max), search through the app beside the same query straight to Meilisearch,",
  "commit → searchable, and reindex throughput against raw bulk indexing of the org's documents; `export` builds an",
  "eDiscovery export of its newest 10,000 items. `npm run bench -- --only feed,search,…` or `--all` adds the",
  "per-feature parts, which load corpora of their own (hours). A missed target is marked NOT met (or MISSED) in",
  "its line and counted in the summary; a part that fails to run makes the command exit 1.",
];

// Figures measured outside this command (the full-size seed:scale, load and chaos runs) live
// below this line in docs/benchmarks.md; a run rewrites everything above it and keeps the rest.
const KEPT_MARKER = "<!-- npm run bench keeps everything below this line -->";

function keptSection(file: string) {
  try {
    const text = fs.readFileSync(file, "utf8");
    const at = text.indexOf(KEPT_MARKER);
    return at < 0 ? "" : text.slice(at + KEPT_MARKER.length).replace(/^\n+/, "");
  } catch {
    return "";
  }
}

function renderMarkdown(outcomes: Outcome[], machine: ReturnType<typeof machineInfo>, size: Record<string, unknown>, started: Date, kept: string) {
  const status = (o: Outcome) =>
    `${o.timedOut ? "timed out" : o.code === 0 ? "ran (exit 0)" : `exit ${o.code}`}${o.missed ? `; **${o.missed} target${o.missed > 1 ? "s" : ""} NOT met**` : ""}`;
  const lines = [
    "# Benchmarks",
    "",
    `Written by \`npm run bench\` (scripts/bench-all.ts) on ${started.toISOString()}. Every figure below is what the part printed, verbatim, beside its target.`,
    "",
    ...HOW_TO_RUN,
    "",
    "## Machine and data",
    "",
    `- CPU: ${machine.cpu}, ${machine.cores} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB memory; Node ${machine.node}; load average at the start ${machine.loadAverage.join(" / ")}`,
    `- Database: ${process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL ? "PostgreSQL" : "none given"}; rows when the run started: ${Object.entries(size).map(([k, v]) => `${k} ${typeof v === "number" ? v.toLocaleString("en") : v}`).join(", ")}`,
    "",
    "## Summary",
    "",
    "| part | target | status | time | load before → after |",
    "|---|---|---|---|---|",
    ...outcomes.map((o) => `| ${o.part.name} | ${o.part.target} | ${status(o)} | ${o.seconds} s | ${o.loadBefore[0]} → ${o.loadAfter[0]} |`),
    "",
    "A part that exits non-zero failed to run or failed a check it makes itself (a lost write, a broken export); a missed",
    "target is counted in the status column and marked NOT met (or MISSED) in the part's lines below. Where a target is",
    "missed, the reason belongs under the part (edit this file after the run: the figures stay as measured).",
    "",
  ];
  for (const o of outcomes) {
    lines.push(`## ${o.part.name}`, "", `\`tsx ${o.part.script}${o.part.args?.length ? ` ${o.part.args.join(" ")}` : ""}\` — target: ${o.part.target}. ${status(o)} in ${o.seconds} s, load ${o.loadBefore.join("/")} → ${o.loadAfter.join("/")}.`, "", "```", ...(o.figures.length ? o.figures : ["(no figures printed)"]), "```", "");
  }
  lines.push(KEPT_MARKER, "", kept || "## Measured outside `npm run bench`\n\n(none yet)\n");
  return lines.join("\n");
}

let parts: Part[];
try {
  parts = selectParts(PARTS, { only: argValue("--only")?.split(","), skip: argValue("--skip")?.split(","), all: process.argv.includes("--all") });
} catch (e) {
  console.error((e as Error).message);
  process.exit(2);
}
const out = argValue("--out") ?? "docs/benchmarks.md";
const url = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
if (process.argv.includes("--dry-run")) {
  for (const p of parts) console.log(`${p.name.padEnd(15)} tsx ${[p.script, ...(p.args ?? [])].join(" ")}  — target: ${p.target}`);
  const left = PARTS.filter((p) => !parts.includes(p)).map((p) => p.name);
  if (left.length) console.log(`not in this run (--only NAME or --all): ${left.join(", ")}`);
  console.log(`→ ${out}${url ? "" : " (set BENCH_DATABASE_URL or DATABASE_URL first)"}`);
  process.exit(0);
}
if (!url) {
  console.error("npm run bench needs BENCH_DATABASE_URL (or DATABASE_URL): a PostgreSQL database the parts may fill (seed it first: npm run seed:scale).");
  process.exit(2);
}
const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: url, BENCH_DATABASE_URL: url };
process.env.DATABASE_URL = url; // the data size below is read from the same database
if (parts.some((p) => p.needsSeed)) {
  // before anything runs: a run of the default parts without the seed would fail part after part
  const { seededOrgId } = await import("./lib/seeded-org");
  try {
    await seededOrgId(await getDb());
    await closeDb();
  } catch (e) {
    console.error(`${(e as Error).message}\n(parts that need it: ${parts.filter((p) => p.needsSeed).map((p) => p.name).join(", ")})`);
    process.exit(2);
  }
}
const started = new Date();
const machine = machineInfo();
const size = await dataSize();
const timeoutMs = Number(process.env.BENCH_PART_TIMEOUT_MIN ?? 60) * 60_000;
const outcomes: Outcome[] = [];
const kept = keptSection(out);
fs.writeFileSync(out, renderMarkdown(outcomes, machine, size, started, kept));
for (const p of parts) {
  console.log(`\n=== ${p.name}: tsx ${p.script}`);
  outcomes.push(await runPart(p, env, timeoutMs));
  // written after every part: a long run interrupted still leaves what it measured
  fs.writeFileSync(out, renderMarkdown(outcomes, machine, size, started, kept));
}
const missed = outcomes.reduce((n, o) => n + o.missed, 0);
console.log(`\nWrote ${out}: ${outcomes.filter((o) => o.code === 0).length}/${outcomes.length} parts exited 0; ${missed} target(s) NOT met.`);
process.exit(outcomes.every((o) => o.code === 0) ? 0 : 1);
