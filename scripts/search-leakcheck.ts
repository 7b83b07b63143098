// npm run search:leakcheck [-- --queries 10000] — the search leak test at scale, on a throw-away
// in-memory database and a throw-away Meilisearch: random personas × random queries must never
// return a hit the policy denies (and must find everything it allows).
import { argValue } from "./cli";

process.env.ATRIUM_PGLITE_MEMORY = "1";
delete process.env.DATABASE_URL;
process.env.OUTBOX_BACKOFF_MS = "5";
const { getDb, closeDb } = await import("../app/db/client.server");
(await import("../app/boot.server")).registerConsumers();
const { drainAll } = await import("../app/platform/outbox.server");
const { testMeili, settle } = await import("./lib/meili");
const { buildLeakWorld, runLeakCheck } = await import("./lib/leak-check");

const queries = Number(argValue("--queries") ?? 10_000);
const meili = testMeili();
await meili.start();
try {
  const db = await getDb();
  const world = await buildLeakWorld(db, Number(argValue("--seed") ?? 29), 600);
  while ((await drainAll(db)) > 0);
  await settle();
  const t = performance.now();
  const r = await runLeakCheck(db, world, queries);
  console.log(`${r.queries} queries, ${r.hits} hits checked in ${((performance.now() - t) / 1000).toFixed(1)} s: ${r.leaks.length} leaks, ${r.missing.length} missing.`);
  for (const l of r.leaks.slice(0, 10)) console.log(`  LEAK ${l}`);
  for (const m of r.missing.slice(0, 10)) console.log(`  MISSING ${m}`);
  process.exitCode = r.leaks.length || r.missing.length ? 1 : 0;
} finally {
  await meili.stop();
  await closeDb();
}
