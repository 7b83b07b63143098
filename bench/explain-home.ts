// Prints the plans (EXPLAIN ANALYZE) of the home page's featured-cards query at bench scale.
import { sql } from "drizzle-orm";
import { openDatabase, query } from "../app/db/client.server";
import { textArray, ts } from "../app/db/sql.server";
import { feedSources } from "../app/feed/home-feed.server";
import { loadViewer } from "../app/policy/viewer.server";
import { readableContentCondition } from "../app/policy/scopes.server";
const url = process.env.BENCH_DATABASE_URL!;
const h = await openDatabase({ kind: "postgres", url });
const viewer = await loadViewer(h.db, `bench${process.env.BENCH_POSTS ?? 1_000_000}-u1`);
const at = new Date();
const sources = await feedSources(h.db, viewer);
const q = sql`select c.id, bp.topic from best_practices bp join content c on c.id = bp.content_id
        where bp.org_id = ${viewer.orgId} and bp.status = 'approved' and bp.approved_version = c.version
          and bp.reverify_at > ${ts(at)} and c.deleted_at is null and c.author_id <> ${viewer.id}
          and (bp.space_id = any(${textArray(sources.spaceIds)})
               or exists (select 1 from follows f where f.user_id = ${viewer.id} and f.target_kind = 'topic' and f.target_id = bp.topic))
          and ${readableContentCondition(viewer!, sql.raw("c"))}
        order by bp.approved_at desc, bp.content_id limit 3`;
for (let i = 0; i < 2; i++) {
  const rows = await query<{ "QUERY PLAN": string }>(h.db, sql`explain (analyze, costs off) ${q}`);
  if (i) console.log(rows.map((r) => r["QUERY PLAN"]).join("\n"));
}
await h.close();
