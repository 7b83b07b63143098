import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { query } from "../../app/db/client.server";
import { runCommand } from "../../app/compliance/command.server";
import { createContent, editContent, setReaction } from "../../app/content/content.server";
import { library, whatsWorking } from "../../app/discovery/library.server";
import { funnel, reachOf } from "../../app/discovery/measures.server";
import { decide, decodeReviewCursor, expireDue, nominate, reviewQueue, type QueueItem } from "../../app/discovery/review.server";
import { savedList, setSaved, shareCards, sharePost } from "../../app/discovery/saves.server";
import { CANDIDATE_THRESHOLD, HALF_LIFE_HOURS, recordView, risingItems } from "../../app/discovery/signals.server";
import { featuredCards } from "../../app/feed/featured.server";
import { encodeCursor } from "../../app/feed/feed-cursor";
import { homeFeed } from "../../app/feed/feeds.server";
import { setFollow } from "../../app/feed/follows.server";
import { contentDocuments } from "../../app/knowledge/search-docs.server";
import { searchDatabase } from "../../app/knowledge/search.server";
import { composeDigest } from "../../app/notifications/digest.server";
import { drainAll } from "../../app/platform/outbox.server";
import type { Viewer } from "../../app/policy/policy";
import * as reviewRoute from "../../app/routes/best-practices.review";
import * as postRoute from "../../app/routes/posts.$id";
import { testClock } from "../../app/utils/clock.server";
import { makeUser } from "../../scripts/lib/factories";
import { buildWorld, doc, type World } from "../fixtures/world";
import { callRoute, getRequest, postRequest, readJson, sessionsFor } from "../support/remix";

const DAY = 86_400_000;
// Far from the wall clock, so nothing another file wrote falls into these windows.
const T0 = new Date("2032-05-03T09:00:00.000Z");

let w: World;
let v: Record<"alice" | "bob" | "carol" | "ivan" | "curator" | "admin" | "hr" | "compliance", Viewer>;
let tokens: Record<string, string>;
/** A session opened at the test clock's current time (sessions expire as the clock moves). */
const fresh = async (name: "alice" | "carol" | "curator") => (await sessionsFor(w, [name]))[name];

const amplifiedIds = async (viewer: Viewer) => (await library(viewer, {}, w.db)).entries.map((e) => e.post.id);
const featuredIds = async (viewer: Viewer) => (await featuredCards(viewer, { limit: 50 }, w.db)).map((c) => c.post.id);
const boostOf = async (id: string) => (await contentDocuments(w.db, [id]))[0]?.boost;
const count = async (q: ReturnType<typeof sql>) => Number((await query<{ n: number }>(w.db, q))[0].n);
/** Every item of the review queue: each section paged through to its end. */
async function queueItems(viewer: Viewer): Promise<QueueItem[]> {
  const out: QueueItem[] = [];
  for (const first of await reviewQueue(viewer, {}, w.db)) {
    out.push(...first.items);
    for (let next = first.nextCursor; next; ) {
      const [page] = await reviewQueue(viewer, { section: first.section, cursor: decodeReviewCursor(next) }, w.db);
      out.push(...page.items);
      next = page.nextCursor;
    }
  }
  return out;
}
const events = (topic: string, subjectId: string) =>
  query<{ payload: Record<string, unknown> }>(w.db, sql`select payload from outbox_events where topic = ${topic} and subject_id = ${subjectId} order by id`);

beforeAll(async () => {
  testClock.freeze(T0);
  w = await buildWorld();
  v = {} as typeof v;
  for (const k of ["alice", "bob", "carol", "ivan", "curator", "admin", "hr", "compliance"] as const) v[k] = await w.viewer(w.users[k].id);
  tokens = await sessionsFor(w, ["alice", "carol", "curator"]);
  testClock.reset();
});

describe("the discovery loop, end to end with a controlled clock", () => {
  it("signals → candidate → nomination → approval → library, feeds, search boost, reach → stale and back to review", async () => {
    testClock.freeze(T0);
    const words = "Reconciling trades before noon halves settlement breaks";
    const post = await createContent(v.alice, { kind: "post", spaceId: w.spaces.open.id, ...doc(words) });
    // same words, newer: without the boost it would rank first on a tie
    testClock.advance(60_000);
    const control = await createContent(v.bob, { kind: "post", spaceId: w.spaces.open.id, ...doc(words) });

    // 1. signals: reactions and a vote (H5's event) lift the decayed score over the threshold
    for (const k of ["bob", "carol", "curator", "admin", "hr"] as const) await setReaction(v[k], post.id, "helpful", true, w.db);
    await runCommand(w.db, (c) =>
      c.emit({ orgId: w.org.id, topic: "qa.vote.changed", subjectId: post.id, payload: { contentId: post.id, contentKind: "post", authorId: w.users.alice.id, voterId: w.users.carol.id, value: 1, previous: 0, tags: [] } }),
    );
    await drainAll(w.db);
    const [eng] = await query<{ reactions: number; votes: number; candidate_at: unknown }>(w.db, sql`select reactions, votes, candidate_at from engagement where content_id = ${post.id}`);
    expect(eng).toMatchObject({ reactions: 5, votes: 1 });
    expect(eng.candidate_at).not.toBeNull();
    const rising = await risingItems(v.curator, { minScore: CANDIDATE_THRESHOLD }, w.db);
    expect(rising.map((r) => r.id)).toContain(post.id);
    expect((await queueItems(v.curator)).find((i) => i.id === post.id)?.reason).toBe("rising");
    // not yet amplified anywhere
    expect(await amplifiedIds(v.carol)).not.toContain(post.id);

    // 2. nomination (carol) → in the queue as nominated
    expect(await nominate(v.carol, post.id, "Cut our breaks in half", w.db)).toEqual({ ok: true });
    const queued = (await queueItems(v.curator)).find((i) => i.id === post.id);
    expect(queued?.reason).toBe("nominated");
    expect(queued?.nominations).toEqual([{ name: "Carol", reason: "Cut our breaks in half" }]);

    // 3. approval by the curator: reviewer, time and the exact approved version are archived
    testClock.advance(DAY);
    const reverifyAt = new Date(T0.getTime() + 90 * DAY);
    expect(await decide(v.curator, post.id, { decision: "approve", topic: "Operations", ownerId: w.users.alice.id, reverifyAt }, w.db)).toEqual({ ok: true });
    const [rec] = await query<{ actor_id: string; action: string; data: Record<string, unknown>; at: string }>(
      w.db,
      sql`select actor_id, action, data, at from archive_records where subject_kind = 'best_practice' and subject_id = ${post.id} order by version desc limit 1`,
    );
    expect(rec.actor_id).toBe(w.users.curator.id);
    expect(rec.data).toMatchObject({ decision: "approve", contentVersion: 1, reviewerId: w.users.curator.id, topic: "operations" });
    expect(new Date(rec.at).getTime()).toBe(T0.getTime() + 60_000 + DAY);
    expect((await events("discovery.approved", post.id)).map((e) => e.payload)).toEqual([{ contentId: post.id, authorId: w.users.alice.id, tags: ["operations"] }]);
    await drainAll(w.db);

    // 4. amplified: library, followers' feeds, search boost
    expect(await amplifiedIds(v.carol)).toContain(post.id);
    expect((await library(v.carol, { topic: "operations" }, w.db)).entries.map((e) => e.post.id)).toEqual([post.id]);
    expect((await library(v.carol, { q: "settlement breaks" }, w.db)).entries.map((e) => e.post.id)).toContain(post.id);
    await setFollow(v.carol, "topic", "operations", true, w.db);
    expect(await featuredIds(v.carol)).toContain(post.id); // follows the topic
    expect(await featuredIds(v.bob)).toContain(post.id); // member of the space
    expect(await featuredIds(v.ivan)).not.toContain(post.id); // follows neither
    // the home feed hydrates its featured cards with its page, in one round: the same cards
    const homeFeatured = async (viewer: Viewer) => (await homeFeed(viewer, { featured: 50 }, w.db)).featured.map((c) => c.post.id);
    expect(await homeFeatured(v.carol)).toEqual(await featuredIds(v.carol));
    expect(await homeFeatured(v.bob)).toContain(post.id);
    expect(await homeFeatured(v.ivan)).not.toContain(post.id);
    const later = encodeCursor({ at: new Date(T0.getTime() + 30 * DAY).toISOString(), id: "~" });
    expect((await homeFeed(v.bob, { featured: 50, cursor: later }, w.db)).featured).toEqual([]); // first page only
    expect(await boostOf(post.id)).toBe(1);
    expect(await boostOf(control.id)).toBe(0);
    const hits = (await searchDatabase(w.db, v.carol, { q: "reconciling settlement" })).hits.map((h) => h.post.id);
    expect(hits.indexOf(post.id)).toBeGreaterThanOrEqual(0);
    expect(hits.indexOf(post.id)).toBeLessThan(hits.indexOf(control.id));
    expect((await whatsWorking(w.db, v.carol, new Date(T0.getTime() - DAY), new Date(T0.getTime() + 2 * DAY))).map((i) => i.id)).toContain(post.id);

    // 5. reach: a new viewer opens the post page (counted once), and the funnel sees every step
    const before = await reachOf(v.curator, post.id, w.db);
    const carol = await fresh("carol");
    const res = await callRoute(postRoute.loader, getRequest(`/posts/${post.id}`, { token: carol }), { id: post.id });
    expect(res.status).toBe(200);
    await callRoute(postRoute.loader, getRequest(`/posts/${post.id}`, { token: carol }), { id: post.id });
    const after = await reachOf(v.curator, post.id, w.db);
    expect(after.viewers).toBe(before.viewers + 1);
    expect(after.byDepartment).toEqual([]); // one Operations viewer: under 5, suppressed
    expect(after.suppressed).toBe(after.viewers);
    const f = await funnel(v.curator, T0, new Date(T0.getTime() + 3 * DAY), w.db);
    expect(f.candidates).toBeGreaterThanOrEqual(1);
    expect(f.nominated).toBeGreaterThanOrEqual(1);
    expect(f.approved).toBeGreaterThanOrEqual(1);
    expect(f.reach).toBeGreaterThanOrEqual(1);

    // 6. the re-verify date passes: stale, back in the queue, the owner notified, no longer amplified
    testClock.freeze(new Date(reverifyAt.getTime() + 1000));
    expect(await amplifiedIds(v.carol)).not.toContain(post.id); // already, before the job runs
    expect(await expireDue(w.db)).toBeGreaterThanOrEqual(1);
    expect(await expireDue(w.db)).toBe(0); // claimed once
    expect((await queueItems(v.curator)).find((i) => i.id === post.id)?.reason).toBe("stale");
    expect(await count(sql`select count(*)::int as n from notifications where user_id = ${w.users.alice.id} and kind = 'reverify' and subject_id = ${post.id}`)).toBe(1);
    expect((await events("discovery.revoked", post.id)).map((e) => e.payload.reason)).toEqual(["stale"]);
    expect(await featuredIds(v.carol)).not.toContain(post.id);
    expect(await boostOf(post.id)).toBe(0);
    testClock.reset();
  });
});

describe("only approved content is amplified", () => {
  it("rejected, pending and changed-since-approval items appear in no library, card, digest or boost", async () => {
    testClock.freeze(new Date(T0.getTime() + 200 * DAY));
    const mk = (text: string) => createContent(v.alice, { kind: "post", spaceId: w.spaces.open.id, ...doc(text) });
    const approved = await mk("Amplify control: approved quarterly checklist");
    const rejected = await mk("Amplify control: rejected quarterly checklist");
    const pending = await mk("Amplify control: pending quarterly checklist");
    const changed = await mk("Amplify control: changed quarterly checklist");
    for (const p of [approved, rejected, pending, changed]) expect(await nominate(v.bob, p.id, "works", w.db)).toEqual({ ok: true });
    const reverifyAt = new Date(T0.getTime() + 400 * DAY);
    const approve = (id: string) => decide(v.curator, id, { decision: "approve", topic: "controls", ownerId: w.users.alice.id, reverifyAt }, w.db);
    expect(await approve(approved.id)).toEqual({ ok: true });
    expect(await decide(v.curator, rejected.id, { decision: "reject", reason: "Not a practice" }, w.db)).toEqual({ ok: true });
    expect(await approve(changed.id)).toEqual({ ok: true });
    testClock.advance(60_000);
    await editContent(v.alice, changed.id, doc("Amplify control: changed quarterly checklist, edited after approval"), w.db);
    await drainAll(w.db);

    const notAmplified = [rejected.id, pending.id, changed.id];
    const lib = await amplifiedIds(v.carol);
    expect(lib).toContain(approved.id);
    for (const id of notAmplified) expect(lib).not.toContain(id);
    const cards = await featuredIds(v.bob);
    expect(cards).toContain(approved.id);
    for (const id of notAmplified) expect(cards).not.toContain(id);
    const digest = (await whatsWorking(w.db, v.carol, new Date(T0.getTime() + 199 * DAY), new Date(T0.getTime() + 201 * DAY), 50)).map((i) => i.id);
    expect(digest).toContain(approved.id);
    for (const id of notAmplified) expect(digest).not.toContain(id);
    expect(await boostOf(approved.id)).toBe(1);
    for (const id of notAmplified) expect(await boostOf(id)).toBe(0);
    const hits = (await searchDatabase(w.db, v.carol, { q: "amplify control quarterly" })).hits.map((h) => h.post.id);
    expect(hits[0]).toBe(approved.id);
    // the edit is shown as "changed since approval", returns to review, and H6 hears it was revoked
    expect((await queueItems(v.curator)).find((i) => i.id === changed.id)?.reason).toBe("changed");
    expect((await events("discovery.revoked", changed.id)).map((e) => e.payload.reason)).toEqual(["changed"]);
    const postPage = await readJson(await callRoute(postRoute.loader, getRequest(`/posts/${changed.id}`, { token: await fresh("carol") }), { id: changed.id }));
    expect(postPage.discovery.approval).toEqual({ state: "changed", topic: "controls" });

    // the digest's section renders only what it is given
    const mail = composeDigest({
      to: "c@x.test",
      name: "Carol",
      userId: w.users.carol.id,
      frequency: "weekly",
      locale: "en",
      items: [{ kind: "reply", actorName: "Bob", excerpt: "hi", url: "http://x/posts/1" }],
      total: 1,
      working: [{ id: approved.id, topic: "controls", excerpt: "Amplify control: approved quarterly checklist" }],
    });
    expect(mail.text).toContain("What's working");
    expect(mail.text).toContain(approved.id);
    for (const id of notAmplified) expect(mail.text).not.toContain(id);
    testClock.reset();
  });
});

describe("save and share", () => {
  it("saves go to one's own list; a share shows its original only to those who may read it", async () => {
    const original = w.posts.privByAlice; // private space: alice (and dave, deactivated) only
    expect(await setSaved(v.alice, original.id, true, w.db)).toBe(true);
    expect(await setSaved(v.alice, original.id, true, w.db)).toBe(false); // idempotent
    expect((await savedList(v.alice, w.db)).map((p) => p.id)).toContain(original.id);
    expect((await savedList(v.carol, w.db)).map((p) => p.id)).not.toContain(original.id);
    await expect(setSaved(v.carol, original.id, true, w.db)).rejects.toMatchObject({ status: 404 });

    const share = await sharePost(v.alice, original.id, { spaceId: w.spaces.open.id, note: "Worth a read" }, w.db);
    await drainAll(w.db);
    expect((await shareCards(v.alice, [share.id], w.db))[share.id].original?.id).toBe(original.id);
    const forCarol = await shareCards(v.carol, [share.id], w.db);
    expect(forCarol[share.id].original).toBeNull(); // "unavailable"
    // the home feed reads its page's share cards beside the page's hydration: the same answer
    const aliceHome = await homeFeed(v.alice, {}, w.db);
    expect(aliceHome.posts.map((p) => p.id)).toContain(share.id);
    expect(aliceHome.shared[share.id]?.original?.id).toBe(original.id);
    await setFollow(v.carol, "space", w.spaces.open.id, true, w.db); // the share reaches her feed
    const carolHome = await homeFeed(v.carol, {}, w.db);
    expect(carolHome.posts.map((p) => p.id)).toContain(share.id);
    expect(carolHome.shared[share.id]).toEqual({ shareId: share.id, original: null });
    expect(JSON.stringify(carolHome)).not.toContain(original.id);
    // the share itself carries nothing of the original: not its text, not its id
    const [row] = await query<{ body_text: string; body_html: string }>(w.db, sql`select body_text, body_html from content where id = ${share.id}`);
    expect(row.body_text + row.body_html).not.toContain("Private post");
    expect(row.body_text + row.body_html).not.toContain(original.id);
    // archived, with the link in the archived body
    const [arch] = await query<{ data: { body: unknown } }>(w.db, sql`select data from archive_records where subject_id = ${share.id} and version = 1`);
    expect(JSON.stringify(arch.data.body)).toContain(`/posts/${original.id}`);
    const [eng] = await query<{ shares: number; saves: number }>(w.db, sql`select shares, saves from engagement where content_id = ${original.id}`);
    expect(eng).toMatchObject({ shares: 1, saves: 1 });
    // carol may not share what she cannot read; alice may not share into a space she cannot post in
    await expect(sharePost(v.carol, original.id, { spaceId: w.spaces.open.id, note: "" }, w.db)).rejects.toMatchObject({ status: 404 });
    await expect(sharePost(v.alice, w.posts.openByAlice.id, { spaceId: w.spaces.secret.id, note: "" }, w.db)).rejects.toMatchObject({ status: 404 });
  });

  it("a view is counted once per person per item", async () => {
    const p = w.posts.orgByCarol;
    expect(await recordView(v.ivan, p.id, w.db)).toBe(true);
    expect(await recordView(v.ivan, p.id, w.db)).toBe(false);
    expect(await count(sql`select count(*)::int as n from content_views where content_id = ${p.id} and user_id = ${w.users.ivan.id}`)).toBe(1);
  });
});

describe("bad input: clear 4xx, nothing stored", () => {
  const review = (token: string, fields: Record<string, string>) => callRoute(reviewRoute.action, postRequest("/best-practices/review", fields, { token }));
  const bpRows = (id: string) => count(sql`select count(*)::int as n from best_practices where content_id = ${id} and status <> 'pending'`);

  it("nominating twice is refused (409) and stored once", async () => {
    const p = await createContent(v.bob, { kind: "post", spaceId: w.spaces.open.id, ...doc("Twice nominated") });
    const form = { intent: "nominate", reason: "Useful" };
    expect((await callRoute(postRoute.action, postRequest(`/posts/${p.id}`, form, { token: tokens.carol }), { id: p.id })).status).toBe(200);
    const again = await callRoute(postRoute.action, postRequest(`/posts/${p.id}`, form, { token: tokens.carol }), { id: p.id });
    expect(again.status).toBe(409);
    expect((await readJson(again)).errors.reason).toMatch(/already nominated/);
    expect(await count(sql`select count(*)::int as n from nominations where content_id = ${p.id}`)).toBe(1);
  });

  it("an empty reason is refused (nomination, rejection)", async () => {
    const p = await createContent(v.bob, { kind: "post", spaceId: w.spaces.open.id, ...doc("Empty reason") });
    const r = await callRoute(postRoute.action, postRequest(`/posts/${p.id}`, { intent: "nominate", reason: "   " }, { token: tokens.carol }), { id: p.id });
    expect(r.status).toBe(400);
    expect((await readJson(r)).errors.reason).toBe("Give a reason.");
    expect(await count(sql`select count(*)::int as n from nominations where content_id = ${p.id}`)).toBe(0);
    const rej = await review(tokens.curator, { intent: "reject", contentId: p.id, reason: "" });
    expect(rej.status).toBe(400);
    expect(await bpRows(p.id)).toBe(0);
  });

  it("approving as a non-curator is 404; approving one's own content is refused", async () => {
    const p = await createContent(v.bob, { kind: "post", spaceId: w.spaces.open.id, ...doc("Not for alice to approve") });
    const form = { intent: "approve", contentId: p.id, topic: "ops", ownerId: w.users.bob.id, reverifyAt: "2099-01-01" };
    expect((await review(tokens.alice, form)).status).toBe(404);
    expect((await callRoute(reviewRoute.loader, getRequest("/best-practices/review", { token: tokens.alice }))).status).toBe(404);
    expect(await bpRows(p.id)).toBe(0);

    const own = await createContent(v.curator, { kind: "post", spaceId: null, ...doc("My own practice") });
    const r = await review(tokens.curator, { ...form, contentId: own.id, ownerId: w.users.curator.id });
    expect(r.status).toBe(403);
    expect(await bpRows(own.id)).toBe(0);
  });

  it("a re-verify date in the past is refused", async () => {
    const p = await createContent(v.bob, { kind: "post", spaceId: w.spaces.open.id, ...doc("Past re-verify") });
    const r = await review(tokens.curator, { intent: "approve", contentId: p.id, topic: "ops", ownerId: w.users.bob.id, reverifyAt: "2001-01-01" });
    expect(r.status).toBe(400);
    expect((await readJson(r)).errors.reverifyAt).toMatch(/future/);
    expect(await bpRows(p.id)).toBe(0);
    expect(await count(sql`select count(*)::int as n from archive_records where subject_kind = 'best_practice' and subject_id = ${p.id}`)).toBe(0);
    // and a good one goes through
    const ok = await review(tokens.curator, { intent: "approve", contentId: p.id, topic: "ops", ownerId: w.users.bob.id, reverifyAt: "2099-01-01" });
    expect(ok.status).toBe(200);
    expect(await bpRows(p.id)).toBe(1);
  });

  it("a hidden item is 404 for nominate, save and share", async () => {
    const id = w.posts.secretByBob.id;
    const forms: Record<string, string>[] = [{ intent: "nominate", reason: "x" }, { intent: "save", on: "true" }, { intent: "share", spaceId: w.spaces.open.id, note: "" }];
    for (const form of forms) {
      expect((await callRoute(postRoute.action, postRequest(`/posts/${id}`, form, { token: tokens.carol }), { id })).status).toBe(404);
    }
    const other = await makeUser(w.org.id, { department: "Ops" });
    expect(other.id).toBeTruthy();
  });
});

describe("the shapes that keep the library and the queue fast", () => {
  it("engagement.rank, kept by every bump, orders like the decayed score; Rising reads it down to the threshold", async () => {
    const T = new Date(T0.getTime() + 400 * DAY);
    testClock.freeze(T);
    const hot = await createContent(v.alice, { kind: "post", spaceId: w.spaces.open.id, ...doc("Rank key hot") });
    const old = await createContent(v.alice, { kind: "post", spaceId: w.spaces.open.id, ...doc("Rank key old") });
    const cold = await createContent(v.alice, { kind: "post", spaceId: w.spaces.open.id, ...doc("Rank key cold") });
    // old: a big burst five days ago (decayed below the threshold now); hot: a burst now; cold: one reaction
    testClock.freeze(new Date(T.getTime() - 5 * DAY));
    for (const k of ["bob", "carol", "curator", "admin", "hr", "compliance"] as const) await setReaction(v[k], old.id, "helpful", true, w.db);
    await drainAll(w.db);
    testClock.freeze(T);
    for (const k of ["bob", "carol", "curator", "admin", "hr", "compliance"] as const) await setReaction(v[k], hot.id, "helpful", true, w.db);
    await setReaction(v.bob, cold.id, "helpful", true, w.db);
    await drainAll(w.db);
    testClock.freeze(new Date(T.getTime() + 3600_000));
    const ids = [hot.id, old.id, cold.id];
    const byRank = await query<{ id: string }>(w.db, sql`select content_id as id from engagement where content_id = any(${`{${ids.join(",")}}`}::text[]) order by rank desc`);
    const byScore = await risingItems(v.curator, { limit: 500 }, w.db);
    expect(byRank.map((r) => r.id)).toEqual(byScore.map((r) => r.id).filter((id) => ids.includes(id)));
    const rising = (await queueItems(v.curator)).filter((i) => i.reason === "rising").map((i) => i.id);
    expect(rising).toContain(hot.id); // 6 × 2 = 12, an hour old: ≥ threshold
    expect(rising).not.toContain(old.id); // 12, halved over 5 days: below
    expect(rising).not.toContain(cold.id);
    testClock.reset();
  });

  it("Rising looks past a first window of candidates the curator may not read", async () => {
    const at = new Date(T0.getTime() + 402 * DAY);
    testClock.freeze(at);
    const visible = await createContent(v.alice, { kind: "post", spaceId: w.spaces.open.id, ...doc("Rising past the window") });
    const hidden: string[] = [];
    for (let i = 0; i < 201; i++) hidden.push((await createContent(v.bob, { kind: "post", spaceId: w.spaces.secret.id, ...doc(`Secret rising ${i}`) })).id);
    // ranks set directly: the 201 secret posts (the curator is not in that space) above the visible one, all above the threshold
    const floor = Math.log2(CANDIDATE_THRESHOLD) + at.getTime() / 1000 / (HALF_LIFE_HOURS * 3600);
    const rows = [...hidden.map((id, i) => [id, floor + 10 + i] as const), [visible.id, floor + 1] as const];
    for (const [id, rank] of rows) {
      await w.db.execute(sql`insert into engagement (content_id, org_id, kind, score, score_at, rank) values (${id}, ${w.org.id}, 'post', 100, ${at.toISOString()}::timestamptz, ${rank})
        on conflict (content_id) do update set rank = excluded.rank`);
    }
    const rising = (await queueItems(v.curator)).filter((i) => i.reason === "rising").map((i) => i.id);
    expect(rising).toContain(visible.id);
    expect(rising.some((id) => hidden.includes(id))).toBe(false);
    // bob, in the space, sees them
    const bobs = (await queueItems({ ...v.bob, roles: new Set([...v.bob.roles, "curator"]) })).filter((i) => i.reason === "rising").map((i) => i.id);
    expect(bobs).toContain(hidden[200]);
    await w.db.execute(sql`delete from engagement where content_id = any(${`{${rows.map((r) => r[0]).join(",")}}`}::text[])`);
    testClock.reset();
  });

  it("the library pages by keyset: every approved item once, in rank order, and a bad cursor is the first page", async () => {
    testClock.freeze(new Date(T0.getTime() + 401 * DAY));
    const ids: string[] = [];
    for (let i = 0; i < 33; i++) {
      const p = await createContent(v.bob, { kind: "post", spaceId: w.spaces.open.id, ...doc(`Paging practice ${i}`) });
      expect(await decide(v.curator, p.id, { decision: "approve", topic: "paging", ownerId: w.users.bob.id, reverifyAt: new Date(Date.now() + 3650 * DAY) }, w.db)).toEqual({ ok: true });
      ids.push(p.id);
    }
    const first = await library(v.carol, { topic: "paging" }, w.db);
    expect(first.entries).toHaveLength(30);
    expect(first.nextCursor).toBeTruthy();
    const { decodeLibraryCursor } = await import("../../app/discovery/library.server");
    const second = await library(v.carol, { topic: "paging", cursor: decodeLibraryCursor(first.nextCursor) }, w.db);
    expect(second.nextCursor).toBeNull();
    const seen = [...first.entries, ...second.entries].map((e) => e.post.id);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual([...ids].sort());
    // words search the approved text (GIN) or a topic name
    expect((await library(v.carol, { q: "practice 7" }, w.db)).entries.map((e) => e.post.id)).toContain(ids[7]);
    expect((await library(v.carol, { q: "pagi" }, w.db)).entries.length).toBe(30);
    expect(decodeLibraryCursor("not-a-cursor")).toBeNull();
    expect(decodeLibraryCursor(Buffer.from("NaN|x").toString("base64url"))).toBeNull();
    testClock.reset();
  });
});
