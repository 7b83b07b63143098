// Prints the plans (EXPLAIN ANALYZE) of the library page and the review queue's Rising source at
// bench scale (after npm run bench:library has loaded data): the database's own time, apart from
// Node, the network and the machine's load.
import { sql, type SQL } from "drizzle-orm";
import { openDatabase, query } from "../app/db/client.server";
import { ts } from "../app/db/sql.server";
import { amplifiedCondition } from "../app/discovery/library.server";
import { candidateRankFloor } from "../app/discovery/signals.server";
import { loadViewer } from "../app/policy/viewer.server";
import { readableContentCondition } from "../app/policy/scopes.server";
const url = process.env.BENCH_DATABASE_URL!;
const h = await openDatabase({ kind: "postgres", url });
const v = await loadViewer(h.db, `bench${process.env.BENCH_POSTS ?? 1_000_000}-u1`);
const at = new Date();
const readable = readableContentCondition(v, sql.raw("c"));
// the statement library() sends for its first window (app/discovery/library.server.ts)
const libraryPage = (extra: SQL) => sql`with bp as materialized (
    select * from best_practices bp where bp.org_id = ${v.orgId} and bp.status = 'approved' and bp.reverify_at > ${ts(at)} ${extra}
    order by bp.rank desc nulls last, bp.content_id limit 40)
  select c.id, bp.rank, bp.topic, (select e.viewers from engagement e where e.content_id = bp.content_id) as viewers
  from bp join content c on c.id = bp.content_id left join users ow on ow.id = bp.owner_id
  where ${amplifiedCondition(at)} and ${readable} order by bp.rank desc nulls last, bp.content_id limit 31`;
const plans: [string, SQL][] = [
  ["library, all topics", libraryPage(sql``)],
  ["library, one topic", libraryPage(sql`and bp.topic = 'topic 7'`)],
  [
    "library, searched (the hits CTE library() adds for words)",
    sql`with hits as materialized (select m.content_id from best_practices m where m.org_id = ${v.orgId} and m.status = 'approved'
        and to_tsvector('simple', m.search_text) @@ websearch_to_tsquery('simple', 'post 1')),
      bp as materialized (select * from best_practices bp where bp.org_id = ${v.orgId} and bp.status = 'approved' and bp.reverify_at > ${ts(at)}
        and bp.content_id in (select content_id from hits) order by bp.rank desc nulls last, bp.content_id limit 40)
      select c.id from bp join content c on c.id = bp.content_id where ${amplifiedCondition(at)} and ${readable}
      order by bp.rank desc nulls last, bp.content_id limit 31`,
  ],
  [
    "review queue, Rising source (one statement: the shape risingIds avoids)",
    sql`select e.content_id from engagement e join content c on c.id = e.content_id
      where e.org_id = ${v.orgId} and e.kind in ('post', 'answer') and e.rank >= ${candidateRankFloor(at)} and ${readable}
        and not exists (select 1 from best_practices bp where bp.content_id = e.content_id)
      order by e.rank desc nulls last, e.content_id limit 100`,
  ],
];
for (const [name, q] of plans) {
  const rows = await query<Record<string, string>>(h.db, sql`explain (analyze, costs off) ${q}`);
  console.log(`--- ${name}\n${rows.map((r) => Object.values(r)[0]).join("\n")}\n`);
}
await h.close();
