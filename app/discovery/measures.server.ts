import { sql } from "drizzle-orm";
import { getDb, query, type Db } from "~/db/client.server";
import { ts } from "~/db/sql.server";
import { authorizeOrg } from "~/policy/authorize.server";
import type { Viewer } from "~/policy/policy";
import { readableContentCondition } from "~/policy/scopes.server";
import { risingItems } from "./signals.server";

// Measuring the loop, for curators: reach (unique viewers, by department, small groups
// suppressed) and reuse (saves, shares, links) per item; the funnel over a date range.


/** Departments with fewer viewers than this are folded into "other" (no small-group reporting). */
export const MIN_GROUP = 5;

export type Reach = { viewers: number; byDepartment: { department: string; viewers: number }[]; suppressed: number; saves: number; shares: number; links: number };

export async function reachOf(viewer: Viewer, contentId: string, db?: Db): Promise<Reach> {
  authorizeOrg(viewer, "curate");
  const d = db ?? (await getDb());
  const [depts, [counts]] = await Promise.all([
    query<{ department: string; n: number }>(
      d,
      sql`select department, count(*)::int as n from content_views where content_id = ${contentId} and org_id = ${viewer.orgId} group by department order by n desc, department`,
    ),
    query<{ saves: number; shares: number; links: number }>(
      d,
      sql`select (select count(*)::int from saved_items where content_id = ${contentId}) as saves,
                 (select count(*)::int from shares where original_id = ${contentId}) as shares,
                 (select count(*)::int from content_links where target_id = ${contentId}) as links`,
    ),
  ]);
  const shown = depts.filter((r) => Number(r.n) >= MIN_GROUP);
  const hidden = depts.filter((r) => Number(r.n) < MIN_GROUP).reduce((s, r) => s + Number(r.n), 0);
  return {
    viewers: depts.reduce((s, r) => s + Number(r.n), 0),
    byDepartment: shown.map((r) => ({ department: r.department || "—", viewers: Number(r.n) })),
    suppressed: hidden,
    saves: Number(counts?.saves ?? 0),
    shares: Number(counts?.shares ?? 0),
    links: Number(counts?.links ?? 0),
  };
}

export type Funnel = { candidates: number; nominated: number; approved: number; reach: number };

/** The curator funnel over [from, to): candidates → nominated → approved → reach of approved items. */
export async function funnel(viewer: Viewer, from: Date, to: Date, db?: Db): Promise<Funnel> {
  const { orgId } = authorizeOrg(viewer, "curate");
  const d = db ?? (await getDb());
  const [r] = await query<Funnel>(
    d,
    sql`select
      (select count(*)::int from engagement where org_id = ${orgId} and candidate_at >= ${ts(from)} and candidate_at < ${ts(to)}) as candidates,
      (select count(distinct content_id)::int from nominations where org_id = ${orgId} and created_at >= ${ts(from)} and created_at < ${ts(to)}) as nominated,
      (select count(*)::int from best_practices where org_id = ${orgId} and approved_at >= ${ts(from)} and approved_at < ${ts(to)}) as approved,
      (select count(*)::int from content_views v join best_practices bp on bp.content_id = v.content_id
         where bp.org_id = ${orgId} and bp.approved_at is not null and v.viewed_at >= greatest(bp.approved_at, ${ts(from)}) and v.viewed_at < ${ts(to)}) as reach`,
  );
  return { candidates: Number(r.candidates), nominated: Number(r.nominated), approved: Number(r.approved), reach: Number(r.reach) };
}

/** Per approved item: reach and reuse, for the curator's measures page. */
export async function practiceMeasures(viewer: Viewer, db?: Db) {
  const { orgId } = authorizeOrg(viewer, "curate");
  const d = db ?? (await getDb());
  const rows = await query<{ id: string; topic: string; status: string; excerpt: string }>(
    d,
    sql`select c.id, bp.topic, bp.status, left(c.body_text, 120) as excerpt from best_practices bp join content c on c.id = bp.content_id
        where bp.org_id = ${orgId} and bp.approved_at is not null and ${readableContentCondition(viewer, sql.raw("c"))}
        order by bp.approved_at desc limit 50`,
  );
  const out = [];
  for (const r of rows) out.push({ ...r, reach: await reachOf(viewer, r.id, d) });
  return out;
}

/** Everything the curator's measures page shows, in one call. */
export async function loopMeasures(viewer: Viewer, from: Date, to: Date, db?: Db) {
  authorizeOrg(viewer, "curate");
  const d = db ?? (await getDb());
  const [f, items, rising] = await Promise.all([funnel(viewer, from, to, d), practiceMeasures(viewer, d), risingItems(viewer, { limit: 10 }, d)]);
  const excerpts = rising.length
    ? await query<{ id: string; excerpt: string }>(d, sql`select id, left(body_text, 100) as excerpt from content where id in (${sql.join(rising.map((r) => sql`${r.id}`), sql`, `)})`)
    : [];
  const ex = new Map(excerpts.map((e) => [e.id, e.excerpt]));
  return { funnel: f, items, rising: rising.map((r) => ({ ...r, score: Math.round(r.score * 10) / 10, excerpt: ex.get(r.id) ?? "" })) };
}
