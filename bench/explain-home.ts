// Prints the plans (EXPLAIN ANALYZE) of the home page's featured-cards query at bench scale.
import { sql } from "drizzle-orm";
import { openDatabase, query } from "../app/db/client.server";
import { feedSources } from "../app/feed/home-feed.server";
import { featuredQuery } from "../app/feed/featured.server";
import { loadViewer } from "../app/policy/viewer.server";
const url = process.env.BENCH_DATABASE_URL!;
const h = await openDatabase({ kind: "postgres", url });
const viewer = await loadViewer(h.db, `bench${process.env.BENCH_POSTS ?? 1_000_000}-u1`);
const at = new Date();
const sources = await feedSources(h.db, viewer);
const q = featuredQuery(viewer, sources, at, 3);
for (let i = 0; i < 2; i++) {
  const rows = await query<{ "QUERY PLAN": string }>(h.db, sql`explain (analyze, costs off) ${q}`);
  if (i) console.log(rows.map((r) => r["QUERY PLAN"]).join("\n"));
}
await h.close();
