// npm run seed:scale [-- --preset small|full] [--users N --spaces N --posts N --weeks N --seed N] [--chunk N] [--no-index] [--no-rollup] [--bulk|--no-bulk]
// A whole bank bulk-loaded (scripts/lib/scale-seed.ts), then the search index rebuilt (the
// app's reindexAll, as `npm run search:reindex`, beside the activity days and the rollups);
// prints each stage's time, the load average and the total.
// Sign in as user<n>@<domain> (printed) with SCALE_PASSWORD (default: the demo password).
import os from "node:os";
import path from "node:path";
import { env } from "../app/env.server";
import { seedScale, PRESETS } from "./lib/scale-seed";
import { argValue, progressBar, withDb } from "./cli";

const preset = PRESETS[(argValue("--preset") ?? "full") as keyof typeof PRESETS];
if (!preset) {
  console.error(`Unknown preset: use --preset small or --preset full.`);
  process.exit(2);
}
const num = (name: string, dflt: number) => {
  const v = argValue(name);
  if (v === undefined) return dflt;
  const n = Number(v.replace(/_/g, ""));
  if (!Number.isInteger(n) || n < 1) {
    console.error(`${name} must be a positive whole number (got ${v}).`);
    process.exit(2);
  }
  return n;
};
const opts = {
  users: Math.max(10, num("--users", preset.users)),
  spaces: num("--spaces", preset.spaces),
  posts: num("--posts", preset.posts),
  weeks: num("--weeks", preset.weeks),
  seed: num("--seed", 18),
  chunk: argValue("--chunk") === undefined ? undefined : num("--chunk", 2000),
  bulk: process.argv.includes("--no-bulk") ? false : process.argv.includes("--bulk") ? true : undefined,
  password: process.env.SCALE_PASSWORD ?? process.env.DEMO_PASSWORD ?? "atrium-scale-demo",
  rollup: !process.argv.includes("--no-rollup"),
};
const index = !process.argv.includes("--no-index");

const started = performance.now();
const loadAverage = () => os.loadavg().map((l) => l.toFixed(2)).join(" / ");
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0)} s`;
console.log(`Seeding ${opts.users} users, ${opts.spaces} spaces, ${opts.posts} posts over ${opts.weeks} weeks (seed ${opts.seed})…`);
const bars = new Map<string, ReturnType<typeof progressBar>>();
let current = "";
const report = await withDb(async (db) => {
  let indexed: { documents: number; docsPerSecond: number } | null = null;
  // The search index is rebuilt by the app's reindexAll once the content is in, beside the
  // activity days and the rollups (Meilisearch works in its own process meanwhile).
  const reindex = async () => {
    const { reindexAll } = await import("../app/knowledge/indexer.server");
    const { pushSynonyms } = await import("../app/knowledge/synonyms.server");
    let last = 0;
    const x = await reindexAll(db, (d, t) => {
      if (Date.now() - last > 10_000 || d === t) {
        last = Date.now();
        process.stderr.write(`search index        ${d}/${t} documents sent (load ${loadAverage()})\n`);
      }
    });
    await pushSynonyms(db);
    indexed = x;
  };
  try {
    const r = await seedScale(db, {
      ...opts,
      indexStateFile: path.resolve(env().ATRIUM_DATA_DIR, "scale-seed-dropped-indexes.json"),
      alongside: index ? reindex : undefined,
      onProgress: (stage, done, total) => {
        if (stage !== current) {
          bars.get(current)?.done();
          if (current) console.log(`  ${current} done at ${elapsed()} (load ${loadAverage()})`);
          current = stage;
          bars.set(stage, progressBar(stage.padEnd(18)));
        }
        bars.get(stage)!.update(done, total);
      },
    });
    bars.get(current)?.done();
    if (indexed) {
      const x = indexed as { documents: number; docsPerSecond: number };
      console.log(`Indexed ${x.documents} documents (${Math.round(x.docsPerSecond)} documents/s, beside the activity and rollups).`);
    }
    return r;
  } finally {
    if (index) {
      const { stopSearchService } = await import("../search/client");
      await stopSearchService();
    }
  }
});
const total = (performance.now() - started) / 1000;
const c = report.content;
console.log(
  [
    `Seeded org ${report.orgId}: ${report.users} users (sign in as user0…user${report.users - 1}@${report.emailDomain}; user0 is the administrator), ${report.spaces} spaces,`,
    `  ${c.posts} posts, ${c.questions} questions, ${c.answers} answers, ${c.comments} comments, ${report.reactions} reactions, ${report.bestPractices} best practices,`,
    `  ${report.archiveRecords} archive versions in the hash chain, ${report.activityDays} activity days.`,
    `Time by stage (s): ${Object.entries(report.seconds).map(([k, v]) => `${k} ${v}`).join(", ")}`,
    `Total: ${total.toFixed(1)} s (${(total / 60).toFixed(1)} min), load average now ${loadAverage()} on ${os.cpus().length} cores. Check with: npm run archive:verify`,
  ].join("\n"),
);
