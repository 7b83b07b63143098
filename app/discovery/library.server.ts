import { sql, type SQL } from "drizzle-orm";
import { getDb, query, type Db, type DbOrTx } from "~/db/client.server";
import { ts } from "~/db/sql.server";
import { hydratePosts, type PostView } from "~/content/hydrate.server";
import { authorizeOrg } from "~/policy/authorize.server";
import type { Viewer } from "~/policy/policy";
import { readableContentCondition } from "~/policy/scopes.server";
import { now } from "~/utils/clock.server";
import { cleanQuery } from "~/utils/text";
import { decayedScore } from "./signals.server";

// The Best practices library and the loop's measures. Only amplified items appear:
// approved, the approved version still current, re-verification not yet due, not deleted.

/** The one definition of "amplified", on best_practices alias `bp` joined to content alias `c`. */
export const amplifiedCondition = (at: Date, bp = "bp", c = "c"): SQL =>
  sql`(${sql.raw(bp)}.status = 'approved' and ${sql.raw(bp)}.approved_version = ${sql.raw(c)}.version
       and ${sql.raw(bp)}.reverify_at > ${ts(at)} and ${sql.raw(c)}.deleted_at is null)`;

export type LibraryEntry = { post: PostView; topic: string; entryKind: string; approvedAt: string; reverifyAt: string; ownerName: string; viewers: number };

const PAGE = 30;

/**
 * The library page: approved items the viewer may read, ranked by their decayed engagement
 * (then newest approval), filtered by topic and words. It reads the small approved set
 * through best_practices_org_status_idx, never the content table at large.
 */
export async function library(viewer: Viewer, opts: { topic?: string; q?: string; kind?: "practice" | "faq" } = {}, db?: Db) {
  if (!viewer.orgId) return { entries: [] as LibraryEntry[], topics: [] as { topic: string; n: number }[] };
  const d = db ?? (await getDb());
  const at = now();
  const conds: SQL[] = [sql`bp.org_id = ${viewer.orgId}`, amplifiedCondition(at), readableContentCondition(viewer, sql.raw("c"))];
  if (opts.topic) conds.push(sql`bp.topic = ${opts.topic.toLowerCase()}`);
  if (opts.kind) conds.push(sql`bp.entry_kind = ${opts.kind}`);
  const q = cleanQuery(opts.q ?? "");
  if (q) conds.push(sql`(to_tsvector('simple', c.title || ' ' || c.body_text || ' ' || bp.topic) @@ websearch_to_tsquery('simple', ${q}) or bp.topic ilike ${`%${q.replace(/[%_\\]/g, "\\$&")}%`})`);
  const where = sql.join(conds, sql` and `);
  const [rows, topics] = await Promise.all([
    query<{ id: string; topic: string; entry_kind: string; approved_at: string; reverify_at: string; owner_name: string | null; viewers: number | null }>(
      d,
      sql`select c.id, bp.topic, bp.entry_kind, bp.approved_at, bp.reverify_at, ow.name as owner_name, e.viewers
          from best_practices bp join content c on c.id = bp.content_id
            left join engagement e on e.content_id = bp.content_id left join users ow on ow.id = bp.owner_id
          where ${where}
          order by coalesce(${decayedScore(at)}, 0) desc, bp.approved_at desc, c.id limit ${PAGE}`,
    ),
    query<{ topic: string; n: number }>(
      d,
      sql`select bp.topic, count(*)::int as n from best_practices bp join content c on c.id = bp.content_id
          where bp.org_id = ${viewer.orgId} and ${amplifiedCondition(at)} and ${readableContentCondition(viewer, sql.raw("c"))}
          group by bp.topic order by n desc, bp.topic limit 50`,
    ),
  ]);
  const views = new Map((await hydratePosts(d, viewer, rows.map((r) => r.id))).map((v) => [v.id, v]));
  const entries = rows.flatMap((r): LibraryEntry[] => {
    const post = views.get(r.id);
    return post
      ? [{ post, topic: r.topic, entryKind: r.entry_kind, approvedAt: new Date(r.approved_at).toISOString(), reverifyAt: new Date(r.reverify_at).toISOString(), ownerName: r.owner_name ?? "", viewers: Number(r.viewers ?? 0) }]
      : [];
  });
  return { entries, topics };
}

export type WorkingItem = { id: string; topic: string; excerpt: string };

/**
 * The digest's "What's working": items approved in (since, until] that the recipient may read.
 * Passed to the digest by app/boot.server.ts, so notifications does not depend on discovery.
 */
export async function whatsWorking(db: DbOrTx, viewer: Viewer, since: Date, until: Date, limit = 5): Promise<WorkingItem[]> {
  if (!viewer.orgId) return [];
  const rows = await query<{ id: string; topic: string; excerpt: string }>(
    db,
    sql`select c.id, bp.topic, left(c.body_text, 200) as excerpt
        from best_practices bp join content c on c.id = bp.content_id
        where bp.org_id = ${viewer.orgId} and ${amplifiedCondition(until)} and bp.approved_at > ${ts(since)} and bp.approved_at <= ${ts(until)}
          and ${readableContentCondition(viewer, sql.raw("c"))}
        order by bp.approved_at desc, c.id limit ${limit}`,
  );
  return rows;
}

/** Status of one item for its page: approved and current, changed since approval, stale. */
export async function approvalStatus(viewer: Viewer, contentId: string, db?: Db) {
  const d = db ?? (await getDb());
  const at = now();
  const [r] = await query<{ status: string; approved_version: number | null; version: number; reverify_at: string | null; topic: string }>(
    d,
    sql`select bp.status, bp.approved_version, c.version, bp.reverify_at, bp.topic from best_practices bp join content c on c.id = bp.content_id
        where bp.content_id = ${contentId} and bp.org_id = ${viewer.orgId ?? ""}`,
  );
  if (!r) return null;
  if (r.status === "approved") {
    if (r.approved_version !== r.version) return { state: "changed" as const, topic: r.topic };
    if (r.reverify_at && new Date(r.reverify_at) <= at) return { state: "stale" as const, topic: r.topic };
    return { state: "approved" as const, topic: r.topic };
  }
  if (r.status === "stale") return { state: "stale" as const, topic: r.topic };
  return null;
}

// ---------- measuring the loop ----------

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
