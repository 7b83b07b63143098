// Prints the plan of the library query at bench scale (after npm run bench:library has loaded data).
import { sql } from "drizzle-orm";
import { openDatabase, query } from "../app/db/client.server";
import { amplifiedCondition } from "../app/discovery/library.server";
import { loadViewer } from "../app/policy/viewer.server";
import { readableContentCondition } from "../app/policy/scopes.server";
const url = process.env.BENCH_DATABASE_URL!;
const h = await openDatabase({ kind: "postgres", url });
const v = await loadViewer(h.db, "bench1000000-u1");
const q = sql`select c.id from best_practices bp join content c on c.id = bp.content_id
  where bp.org_id = ${v.orgId} and ${amplifiedCondition(new Date())} and ${readableContentCondition(v, sql.raw("c"))}
  order by bp.rank desc, bp.content_id limit 30`;
const rows = await query<Record<string, string>>(h.db, sql`explain (analyze, costs off) ${q}`);
console.log(rows.map((r) => Object.values(r)[0]).join("\n"));
await h.close();
