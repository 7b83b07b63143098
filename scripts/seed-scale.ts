// npm run seed:scale [-- --preset small|full] [--users N --spaces N --posts N --weeks N --seed N] [--no-index] [--no-rollup]
// A whole bank bulk-loaded (scripts/lib/scale-seed.ts), then the search index rebuilt (the
// app's reindexAll, as `npm run search:reindex`); prints each stage's time and the total.
// Sign in as user<n>@<domain> (printed) with SCALE_PASSWORD (default: the demo password).
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
  chunk: num("--chunk", 500),
  password: process.env.SCALE_PASSWORD ?? process.env.DEMO_PASSWORD ?? "atrium-scale-demo",
  rollup: !process.argv.includes("--no-rollup"),
};
const index = !process.argv.includes("--no-index");

const started = performance.now();
console.log(`Seeding ${opts.users} users, ${opts.spaces} spaces, ${opts.posts} posts over ${opts.weeks} weeks (seed ${opts.seed})…`);
const bars = new Map<string, ReturnType<typeof progressBar>>();
let current = "";
const report = await withDb(async (db) => {
  const r = await seedScale(db, {
    ...opts,
    onProgress: (stage, done, total) => {
      if (stage !== current) {
        bars.get(current)?.done();
        current = stage;
        bars.set(stage, progressBar(stage.padEnd(18)));
      }
      bars.get(stage)!.update(done, total);
    },
  });
  bars.get(current)?.done();
  if (index) {
    const { reindexAll } = await import("../app/knowledge/indexer.server");
    const { pushSynonyms } = await import("../app/knowledge/synonyms.server");
    const { stopSearchService } = await import("../search/client");
    const t0 = performance.now();
    const bar = progressBar("search index".padEnd(18));
    try {
      const x = await reindexAll(db, (d, t) => bar.update(d, t));
      bar.done();
      await pushSynonyms(db);
      console.log(`Indexed ${x.documents} documents (${Math.round(x.docsPerSecond)} documents/s).`);
    } finally {
      await stopSearchService();
    }
    r.seconds.index = Math.round((performance.now() - t0) / 100) / 10;
  }
  return r;
});
const total = (performance.now() - started) / 1000;
const c = report.content;
console.log(
  [
    `Seeded org ${report.orgId}: ${report.users} users (sign in as user0…user${report.users - 1}@${report.emailDomain}; user0 is the administrator), ${report.spaces} spaces,`,
    `  ${c.posts} posts, ${c.questions} questions, ${c.answers} answers, ${c.comments} comments, ${report.reactions} reactions, ${report.bestPractices} best practices,`,
    `  ${report.archiveRecords} archive versions in the hash chain, ${report.activityDays} activity days.`,
    `Time by stage (s): ${Object.entries(report.seconds).map(([k, v]) => `${k} ${v}`).join(", ")}`,
    `Total: ${total.toFixed(1)} s (${(total / 60).toFixed(1)} min). Check with: npm run archive:verify`,
  ].join("\n"),
);
