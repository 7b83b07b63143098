import { sql, type SQL } from "drizzle-orm";
import { getDb, query, type Db } from "~/db/client.server";
import { textArray } from "~/db/sql.server";
import { hydratePosts, type PostView } from "~/content/hydrate.server";
import { contentSearchFilter } from "~/policy/search-filter";
import type { Viewer } from "~/policy/policy";
import { readableContentCondition } from "~/policy/scopes.server";
import { getSearchService } from "../../search/client";
import { indexUid, type ContentDocument } from "../../search/settings";
import { cleanQuery } from "~/utils/text";
import { now } from "~/utils/clock.server";

// Search is trimmed twice: Meilisearch filters by the policy's facts, then every hit
// is hydrated and re-checked by the policy; a page that loses hits is filled from
// the next ones. With Meilisearch unreachable, PostgreSQL full-text search answers
// under the same SQL scope.

export type SearchParams = {
  q: string;
  kinds?: string[];
  spaces?: string[];
  tags?: string[];
  departments?: string[];
  topics?: string[];
  since?: Date | null;
  sort?: "relevance" | "date";
  offset?: number;
};

export type SearchHit = { post: PostView; highlight: string };
export type Facets = Record<"kind" | "spaceId" | "tags" | "authorDepartment" | "topics", Record<string, number>>;
export type SearchResult = {
  hits: SearchHit[];
  facets: Facets | null;
  estimatedTotal: number;
  nextOffset: number | null;
  degraded: boolean;
  engineMs: number | null;
};

export const PAGE = 20;
const MARK_OPEN = "\u0001";
const MARK_CLOSE = "\u0002";
const ENGINE_TIMEOUT_MS = 1500;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** Escapes everything, then turns only our own control-character markers into <mark>. */
export function safeHighlight(raw: string): string {
  return escapeHtml(raw.replace(/[<>]/g, (c) => c)).replaceAll(MARK_OPEN, "<mark>").replaceAll(MARK_CLOSE, "</mark>");
}

const quote = (s: string) => JSON.stringify(s);
const inList = (field: string, values: string[]) => `${field} IN [${values.map(quote).join(", ")}]`;

export function facetFilters(p: SearchParams): string[] {
  const out: string[] = [];
  if (p.kinds?.length) out.push(inList("kind", p.kinds));
  if (p.spaces?.length) out.push(inList("spaceId", p.spaces));
  if (p.tags?.length) out.push(inList("tags", p.tags));
  if (p.departments?.length) out.push(inList("authorDepartment", p.departments));
  if (p.topics?.length) out.push(inList("topics", p.topics));
  if (p.since) out.push(`createdDay >= ${Math.floor(p.since.getTime() / 86_400_000)}`);
  return out;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error("search timeout")), ms).unref())]);
}

async function searchEngine(db: Db, viewer: Viewer, p: SearchParams): Promise<SearchResult | null> {
  const service = await getSearchService();
  if (!service) return null;
  const index = service.client.index<ContentDocument>(indexUid("content"));
  const filter = [contentSearchFilter(viewer), ...facetFilters(p)];
  const hits: SearchHit[] = [];
  let offset = p.offset ?? 0;
  let facets: Facets | null = null;
  let estimatedTotal = 0;
  let engineMs = 0;
  // Fill the page: hits the policy drops on re-check are replaced by later ones.
  for (let round = 0; round < 5 && hits.length < PAGE; round++) {
    const want = PAGE - hits.length + (round === 0 ? 5 : 20);
    const res = await withTimeout(
      index.search(p.q, {
        filter,
        offset,
        limit: want,
        sort: p.sort === "date" ? ["createdAt:desc"] : undefined,
        facets: round === 0 ? ["kind", "spaceId", "tags", "authorDepartment", "topics"] : undefined,
        attributesToRetrieve: ["id"],
        attributesToHighlight: ["text"],
        attributesToCrop: ["text"],
        cropLength: 40,
        highlightPreTag: MARK_OPEN,
        highlightPostTag: MARK_CLOSE,
      }),
      ENGINE_TIMEOUT_MS,
    );
    engineMs += res.processingTimeMs;
    if (round === 0) {
      facets = (res.facetDistribution ?? {}) as Facets;
      estimatedTotal = res.estimatedTotalHits ?? res.hits.length;
    }
    const ids = res.hits.map((h) => h.id);
    const views = new Map((await hydratePosts(db, viewer, ids)).map((v) => [v.id, v]));
    let consumed = 0;
    for (const h of res.hits) {
      consumed++;
      const view = views.get(h.id);
      if (!view) continue; // the policy's re-check dropped it
      const formatted = (h as { _formatted?: { text?: string } })._formatted?.text ?? view.text.slice(0, 240);
      hits.push({ post: view, highlight: safeHighlight(formatted) });
      if (hits.length === PAGE) break;
    }
    offset += consumed;
    if (res.hits.length < want) {
      return { hits, facets, estimatedTotal, nextOffset: null, degraded: false, engineMs };
    }
  }
  return { hits, facets, estimatedTotal, nextOffset: offset, degraded: false, engineMs };
}

/** 1 for an approved best practice whose approved version is current and not due for re-verification (the index's `boost`). */
const boostExpr = () =>
  sql`(case when exists (select 1 from best_practices bp where bp.content_id = c.id and bp.status = 'approved'
        and bp.approved_version = c.version and bp.reverify_at > ${now().toISOString()}::timestamptz) then 1 else 0 end)`;

/** PostgreSQL full-text search under the same policy scope (degraded mode). */
export async function searchDatabase(db: Db, viewer: Viewer, p: SearchParams): Promise<SearchResult> {
  const conds: SQL[] = [readableContentCondition(viewer, sql.raw("c"))];
  const q = cleanQuery(p.q);
  if (q) conds.push(sql`to_tsvector('simple', c.title || ' ' || c.body_text) @@ websearch_to_tsquery('simple', ${q})`);
  if (p.kinds?.length) conds.push(sql`c.kind = any(${textArray(p.kinds)})`);
  if (p.spaces?.length) conds.push(sql`c.space_id = any(${textArray(p.spaces)})`);
  if (p.tags?.length) conds.push(sql`exists (select 1 from content_tags t where t.content_id = c.id and t.tag = any(${textArray(p.tags.map((t) => `#${t}`))}))`);
  if (p.departments?.length) conds.push(sql`exists (select 1 from users au where au.id = c.author_id and au.department = any(${textArray(p.departments)}))`);
  if (p.topics?.length) conds.push(sql`exists (select 1 from content_topics tp where tp.content_id = c.id and tp.topic = any(${textArray(p.topics)}))`);
  if (p.since) conds.push(sql`c.created_at >= ${p.since.toISOString()}::timestamptz`);
  const offset = p.offset ?? 0;
  const order =
    p.sort === "date" || !q
      ? sql`order by c.created_at desc, c.id desc`
      : // the best-practice boost first (every hit matches every word here, as after Meilisearch's "words" rule)
        sql`order by ${boostExpr()} desc, ts_rank(to_tsvector('simple', c.title || ' ' || c.body_text), websearch_to_tsquery('simple', ${q})) desc, c.created_at desc`;
  const headline = q
    ? sql`ts_headline('simple', c.body_text, websearch_to_tsquery('simple', ${q}), ${`StartSel=${MARK_OPEN}, StopSel=${MARK_CLOSE}, MaxWords=35, MinWords=15`})`
    : sql`left(c.body_text, 240)`;
  const rows = await query<{ id: string; hl: string }>(
    db,
    sql`select c.id, ${headline} as hl from content c where ${sql.join(conds, sql` and `)} ${order} offset ${offset} limit ${PAGE + 1}`,
  );
  const page = rows.slice(0, PAGE);
  const views = new Map((await hydratePosts(db, viewer, page.map((r) => r.id))).map((v) => [v.id, v]));
  const hits = page.flatMap((r) => {
    const v = views.get(r.id);
    return v ? [{ post: v, highlight: safeHighlight(r.hl ?? "") }] : [];
  });
  return { hits, facets: null, estimatedTotal: offset + rows.length, nextOffset: rows.length > PAGE ? offset + PAGE : null, degraded: true, engineMs: null };
}

export async function searchContent(viewer: Viewer, params: SearchParams, db?: Db): Promise<SearchResult> {
  const d = db ?? (await getDb());
  const p = { ...params, q: cleanQuery(params.q) };
  if (!viewer.id) return { hits: [], facets: null, estimatedTotal: 0, nextOffset: null, degraded: false, engineMs: null };
  try {
    const r = await searchEngine(d, viewer, p);
    if (r) return r;
  } catch (e) {
    console.error("[search] engine query failed, answering from PostgreSQL:", (e as Error).message);
  }
  return searchDatabase(d, viewer, p);
}

/** Space names for facet labels, limited to spaces the viewer may read. */
export async function spaceLabels(viewer: Viewer, ids: string[], db?: Db): Promise<Record<string, string>> {
  if (!ids.length || !viewer.orgId) return {};
  const d = db ?? (await getDb());
  const { readableSpaceCondition } = await import("~/policy/scopes.server");
  const rows = await query<{ id: string; name: string }>(
    d,
    sql`select s.id, s.name from spaces s where s.id = any(${textArray(ids)}) and ${readableSpaceCondition(viewer)}`,
  );
  return Object.fromEntries(rows.map((r) => [r.id, r.name]));
}
