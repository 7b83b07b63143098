import { sql } from "drizzle-orm";
import { authorizeOrg } from "~/policy/authorize.server";
import { getDb, query, type Db } from "~/db/client.server";
import { textArray } from "~/db/sql.server";
import { hydratePosts, type PostView } from "~/content/hydrate.server";
import type { MessageKey } from "~/i18n";
import { searchPeopleIndex, type PeopleResult } from "~/people/people-search.server";
import { type Viewer } from "~/policy/policy";
import { notFound } from "~/utils/http.server";
import { listSavedSearches, MAX_SAVED, parseWatch, saveSearch, setTopics, topicsOf, topicVocabulary } from "./listening.server";
import { safeHighlight, searchContent, spaceLabels, type SearchParams } from "./search.server";
import { normaliseSynonyms, setSynonyms } from "./synonyms.server";

// What the search, watchlist, synonyms and topics pages need beyond the knowledge
// modules: one call per route, invalid input as a message key rather than a bare 400.

export type HitView = {
  id: string;
  kind: string;
  /** The page that shows it: the post, or the thread a comment belongs to. */
  href: string;
  author: { id: string; name: string; title: string };
  space: { name: string; slug: string } | null;
  createdAt: string;
  /** Escaped server-side; only <mark> is markup. */
  highlight: string;
};

export type FacetCounts = {
  kind: Record<string, number>;
  space: Record<string, number>;
  tag: Record<string, number>;
  dept: Record<string, number>;
  topic: Record<string, number>;
};

/**
 * Thread roots of hits with a parent (content.root_id). Hits reach here only after the
 * policy's re-check, which judged each on its root: a root named in a link is one the
 * viewer may read.
 */
async function threadRoots(db: Db, hits: PostView[]): Promise<Map<string, { id: string; kind: string }>> {
  const ids = hits.filter((p) => p.parentId !== null).map((p) => p.id);
  if (!ids.length) return new Map();
  const rows = await query<{ id: string; root_id: string | null; root_kind: string | null }>(
    db,
    sql`select k.id, k.root_id, r.kind as root_kind from content k left join content r on r.id = k.root_id where k.id = any(${textArray(ids)})`
  );
  return new Map(rows.flatMap((r) => (r.root_id ? [[r.id, { id: r.root_id, kind: r.root_kind ?? "post" }] as const] : [])));
}

function hitHref(post: PostView, roots: Map<string, { id: string; kind: string }>): string {
  // Q&A lives on its own pages: a question, or an answer or comment within its question
  if (post.kind === "question") return `/questions/${post.id}`;
  const root = roots.get(post.id);
  if (!root) return `/posts/${post.id}`;
  return root.kind === "question" ? `/questions/${root.id}#post-${post.id}` : `/posts/${root.id}#post-${post.id}`;
}

/** People shown beside content on the "All" tab; the People tab pages through the rest. */
export const PEOPLE_PREVIEW = 4;

/** A content search narrowed by a content facet says nothing about people. */
const narrowedToContent = (p: SearchParams) =>
  !!(p.kinds?.length || p.spaces?.length || p.tags?.length || p.departments?.length || p.topics?.length || p.since);

/**
 * The search page: hits trimmed to what the page shows, facet counts with readable space
 * names, and on the first page of an unnarrowed query the first people found.
 */
export async function searchPage(viewer: Viewer, params: SearchParams, db?: Db) {
  const d = db ?? (await getDb());
  const wantPeople = !!params.q.trim() && !params.offset && !narrowedToContent(params);
  const [result, people] = await Promise.all([
    searchContent(viewer, params, d),
    wantPeople ? searchPeopleIndex(viewer, { q: params.q, limit: PEOPLE_PREVIEW }, d) : null,
  ]);
  const roots = await threadRoots(
    d,
    result.hits.map((h) => h.post)
  );
  const facetSpaceIds = Object.keys(result.facets?.spaceId ?? {});
  const spaceNames = await spaceLabels(viewer, [...new Set([...facetSpaceIds, ...(params.spaces ?? [])])], d);
  const f = result.facets;
  // Space counts for spaces the viewer cannot read (spaceLabels leaves them out) are not shown.
  const facets: FacetCounts | null = f
    ? {
        kind: f.kind ?? {},
        space: Object.fromEntries(Object.entries(f.spaceId ?? {}).filter(([id]) => id in spaceNames)),
        tag: f.tags ?? {},
        dept: f.authorDepartment ?? {},
        topic: f.topics ?? {},
      }
    : null;
  const hits: HitView[] = result.hits.map(({ post, highlight }) => ({
    id: post.id,
    kind: post.kind,
    href: hitHref(post, roots),
    author: post.author,
    space: post.space ? { name: post.space.name, slug: post.space.slug } : null,
    createdAt: post.createdAt,
    highlight,
  }));
  return {
    hits,
    facets,
    spaceNames,
    estimatedTotal: result.estimatedTotal,
    nextOffset: result.nextOffset,
    degraded: result.degraded || !!people?.degraded,
    people: people ? { hits: people.hits, estimatedTotal: people.estimatedTotal } : null,
  };
}

/** The search page's People tab: a page of people the viewer may find. */
export async function peopleSearchPage(viewer: Viewer, q: string, offset: number, db?: Db): Promise<PeopleResult> {
  return searchPeopleIndex(viewer, { q, offset }, db);
}

export const SUGGESTIONS = 6;
export const PEOPLE_SUGGESTIONS = 3;

export type Suggestion = {
  type: "person" | "content";
  id: string;
  /** the post or question a content suggestion opens (null for a person) */
  postId: string | null;
  href: string;
  title: string;
  /** Escaped server-side; only <mark> is markup. */
  highlight: string;
};

/** Search-as-you-type: the first few people (name, title, department), then the first hits, each with a short title. */
export async function searchSuggestions(viewer: Viewer, q: string, db?: Db): Promise<Suggestion[]> {
  const d = db ?? (await getDb());
  if (!q.trim()) return [];
  const [result, people] = await Promise.all([
    searchContent(viewer, { q, sort: "relevance" }, d),
    searchPeopleIndex(viewer, { q, limit: PEOPLE_SUGGESTIONS }, d),
  ]);
  const hits = result.hits.slice(0, SUGGESTIONS);
  const roots = await threadRoots(
    d,
    hits.map((h) => h.post)
  );
  const persons: Suggestion[] = people.hits.map((p) => ({
    type: "person",
    id: p.id,
    postId: null,
    href: `/people/${p.id}`,
    title: p.name,
    highlight: safeHighlight([p.title, p.department].filter(Boolean).join(" · ")),
  }));
  return [
    ...persons,
    ...hits.map(({ post, highlight }): Suggestion => {
      const href = hitHref(post, roots);
      return { type: "content", id: post.id, postId: href.replace(/^\/(posts|questions)\//, "").split("#")[0]!, href, title: (post.title || post.text).replace(/\s+/g, " ").trim().slice(0, 80), highlight };
    }),
  ];
}

// ---------- watchlist ----------

export type WatchError = Extract<MessageKey, "watchlist.error.invalid" | "watchlist.error.tooMany">;

export async function watchlistPage(viewer: Viewer, db?: Db) {
  const rows = await listSavedSearches(viewer, db);
  return {
    max: MAX_SAVED,
    items: rows.map((r) => ({ id: r.id, query: r.query, kind: parseWatch(r.query)?.kind ?? "words", createdAt: r.createdAt.toISOString() })),
  };
}

/** Adds a watch, or says why not: a malformed entry or a full list. */
export async function addWatch(viewer: Viewer, raw: string, db?: Db): Promise<{ ok: true } | { ok: false; error: WatchError }> {
  const d = db ?? (await getDb());
  if (!parseWatch(raw)) return { ok: false, error: "watchlist.error.invalid" };
  const existing = await listSavedSearches(viewer, d);
  const duplicate = existing.some((s) => s.query === raw.trim());
  if (!duplicate && existing.length >= MAX_SAVED) return { ok: false, error: "watchlist.error.tooMany" };
  await saveSearch(viewer, raw, d);
  return { ok: true };
}

// ---------- synonyms ----------

/** Validates before saving so the form can show a message; the rule is normaliseSynonyms'. */
export async function saveSynonyms(viewer: Viewer, term: string, list: string[], db?: Db) {
  authorizeOrg(viewer, "manage_synonyms");
  if (!normaliseSynonyms(term, list)) return { ok: false as const, error: "synonyms.error.invalid" as const };
  return { ok: true as const, saved: await setSynonyms(viewer, term, list, db) };
}

// ---------- topics ----------

/** The topics form for one post: readable by the viewer, and the viewer curates. */
export async function topicsEditor(viewer: Viewer, contentId: string, db?: Db) {
  const d = db ?? (await getDb());
  authorizeOrg(viewer, "curate");
  const [post] = await hydratePosts(d, viewer, [contentId]);
  if (!post || post.kind === "comment") notFound();
  const [topics, vocabulary] = await Promise.all([topicsOf(contentId, d), topicVocabulary(viewer, d)]);
  return {
    post: { id: post.id, author: post.author.name, excerpt: post.text.replace(/\s+/g, " ").trim().slice(0, 240) },
    topics,
    vocabulary: [...new Set([...vocabulary, ...topics])],
  };
}

/** Replaces a post's topics; an invalid topic comes back as a message key. */
export async function labelTopics(viewer: Viewer, contentId: string, topics: string[], db?: Db) {
  const d = db ?? (await getDb());
  await topicsEditor(viewer, contentId, d);
  try {
    return { ok: true as const, topics: await setTopics(viewer, contentId, topics, d) };
  } catch (e) {
    if (e instanceof Response && e.status === 400) return { ok: false as const, error: "topics.error.invalid" as const };
    throw e;
  }
}
