import { and, eq, sql } from "drizzle-orm";
import { authorize } from "~/policy/authorize.server";
import { runCommand } from "~/compliance/command.server";
import { getDb, query, type Db, type Tx } from "~/db/client.server";
import { contentTopics, notifications, savedSearches } from "~/db/schema";
import { registerConsumer, type OutboxEvent } from "~/platform/outbox.server";
import { loadContentFacts } from "~/policy/facts.server";
import { can, threadHeld, type Viewer } from "~/policy/policy";
import { loadViewer } from "~/policy/viewer.server";
import { forbidden, notFound } from "~/utils/http.server";
import { newId } from "~/utils/ids";

// Listening: people save a search or a watchlist entry (words, a #hashtag, a
// $CASHTAG) and are notified of new content that matches and that they may see.
// Curators label content with topics (rates, fraud prevention …) to filter by.

export const MAX_SAVED = 25;
export const DEFAULT_TOPICS = ["rates", "fraud prevention", "online banking", "customer service", "compliance", "markets"];

/** Lower-case, accents folded, punctuation to spaces. */
export const fold = (s: string) =>
  s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().replace(/[^\p{L}\p{N}#$.]+/gu, " ").trim();

export type Watch = { kind: "tag"; tag: string } | { kind: "cashtag"; symbol: string } | { kind: "words"; words: string[] };

export function parseWatch(raw: string): Watch | null {
  const q = raw.trim();
  if (/^#[\p{L}\p{N}_-]{1,50}$/u.test(q)) return { kind: "tag", tag: q.slice(1).normalize("NFC").toLowerCase() };
  if (/^\$[A-Za-z]{1,6}(\.[A-Za-z]{1,2})?$/.test(q)) return { kind: "cashtag", symbol: q.slice(1).toUpperCase() };
  const words = fold(q).split(/\s+/).filter((w) => w.length > 0);
  if (!words.length || q.length > 120) return null;
  return { kind: "words", words };
}

export function watchMatches(w: Watch, c: { text: string; tags: string[] }): boolean {
  if (w.kind === "tag") return c.tags.includes(`#${w.tag}`);
  if (w.kind === "cashtag") return c.tags.includes(`$${w.symbol}`);
  const words = new Set(fold(c.text).split(/\s+/));
  return w.words.every((x) => words.has(x));
}

export async function saveSearch(viewer: Viewer, raw: string, db?: Db) {
  const d = db ?? (await getDb());
  if (!viewer.id || !viewer.orgId) forbidden();
  if (!parseWatch(raw)) throw new Response("Invalid search", { status: 400 });
  const [{ n }] = await query<{ n: number }>(d, sql`select count(*)::int as n from saved_searches where user_id = ${viewer.id}`);
  if (n >= MAX_SAVED) throw new Response("Too many saved searches", { status: 400 });
  const existing = await d.select().from(savedSearches).where(and(eq(savedSearches.userId, viewer.id), eq(savedSearches.query, raw.trim())));
  if (existing.length) return existing[0];
  const [row] = await d.insert(savedSearches).values({ id: newId(), orgId: viewer.orgId, userId: viewer.id, query: raw.trim() }).returning();
  return row;
}

export async function listSavedSearches(viewer: Viewer, db?: Db) {
  const d = db ?? (await getDb());
  if (!viewer.id) return [];
  return d.select().from(savedSearches).where(eq(savedSearches.userId, viewer.id)).orderBy(savedSearches.createdAt);
}

export async function deleteSavedSearch(viewer: Viewer, id: string, db?: Db) {
  const d = db ?? (await getDb());
  const res = await d.delete(savedSearches).where(and(eq(savedSearches.id, id), eq(savedSearches.userId, viewer.id ?? ""))).returning();
  if (!res.length) notFound();
}

/** Outbox consumer: notifies every matching saved search whose owner may read the new content. */
export async function notifyWatchers(events: OutboxEvent[], tx: Tx) {
  for (const e of events) {
    const [c] = await query<{ id: string; text: string; author_id: string; tags: string[] | null }>(
      tx,
      sql`select c.id, c.title || ' ' || c.body_text as text, c.author_id,
            (select array_agg(tag) from content_tags t where t.content_id = c.id) as tags
          from content c where c.id = ${e.subjectId} and c.deleted_at is null`,
    );
    if (!c) continue;
    const facts = (await loadContentFacts(tx, [c.id])).get(c.id);
    if (!facts || threadHeld(facts)) continue; // pre-approval: watchers hear of it at content.published
    const watches = await tx.select().from(savedSearches).where(eq(savedSearches.orgId, e.orgId));
    const notified = new Set<string>();
    for (const w of watches) {
      if (w.userId === c.author_id || notified.has(w.userId)) continue;
      const parsed = parseWatch(w.query);
      if (!parsed || !watchMatches(parsed, { text: c.text, tags: c.tags ?? [] })) continue;
      const viewer = await loadViewer(tx, w.userId);
      if (!can(viewer, "read", facts)) continue;
      notified.add(w.userId);
      await tx
        .insert(notifications)
        .values({ id: newId(), orgId: e.orgId, userId: w.userId, kind: "watch", subjectId: c.id, actorId: c.author_id, eventId: e.id, createdAt: e.createdAt })
        .onConflictDoNothing();
    }
  }
}

export function registerListeningConsumer() {
  registerConsumer({ name: "listening", topics: ["content.created", "content.published"], handle: notifyWatchers });
}

// ---------- topics (curators) ----------

const topicRule = /^[\p{L}\p{N}][\p{L}\p{N} &'-]{1,39}$/u;

export async function setTopics(viewer: Viewer, contentId: string, topics: string[], db?: Db) {
  const d = db ?? (await getDb());
  const facts = (await loadContentFacts(d, [contentId])).get(contentId);
  authorize(viewer, "label_topics", facts);
  const clean = [...new Set(topics.map((t) => t.trim().toLowerCase()).filter(Boolean))];
  if (clean.some((t) => !topicRule.test(t)) || clean.length > 10) throw new Response("Invalid topic", { status: 400 });
  await runCommand(d, async ({ tx, audit, emit }) => {
    await tx.delete(contentTopics).where(eq(contentTopics.contentId, contentId));
    if (clean.length) await tx.insert(contentTopics).values(clean.map((topic) => ({ contentId, topic, labelledBy: viewer.id! })));
    await audit({ orgId: facts.orgId, actorId: viewer.id, action: "content.topics", targetKind: "content", targetId: contentId, data: { topics: clean } });
    await emit({ orgId: facts.orgId, topic: "topics.changed", subjectId: contentId });
  });
  return clean;
}

export async function topicsOf(contentId: string, db?: Db) {
  const d = db ?? (await getDb());
  return (await d.select({ topic: contentTopics.topic }).from(contentTopics).where(eq(contentTopics.contentId, contentId))).map((r) => r.topic);
}

/** The org's topic vocabulary: defaults plus any topic already used. */
export async function topicVocabulary(viewer: Viewer, db?: Db) {
  const d = db ?? (await getDb());
  if (!viewer.orgId) return DEFAULT_TOPICS;
  const rows = await query<{ topic: string }>(
    d,
    sql`select distinct tp.topic from content_topics tp join content c on c.id = tp.content_id where c.org_id = ${viewer.orgId} order by 1 limit 200`,
  );
  return [...new Set([...DEFAULT_TOPICS, ...rows.map((r) => r.topic)])];
}
