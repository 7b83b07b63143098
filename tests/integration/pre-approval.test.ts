import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contentHistory, setReaction } from "../../app/content/content.server";
import { getPostPage } from "../../app/content/hydrate.server";
import { createComment, createPost, editPost } from "../../app/content/posts.server";
import { getDb, query, type Db } from "../../app/db/client.server";
import { homeFeed, spaceFeed } from "../../app/feed/feeds.server";
import { followTag, tagPage } from "../../app/feed/tag-pages.server";
import { addWatch, searchPage } from "../../app/knowledge/search-pages.server";
import { runDigests, setDigestFrequency } from "../../app/notifications/digest.server";
import { listNotifications } from "../../app/notifications/notifications.server";
import { sinkMessages } from "../../app/platform/mail/mail.server";
import { drainAll } from "../../app/platform/outbox.server";
import { loadContentFacts } from "../../app/policy/facts.server";
import { can, type Viewer } from "../../app/policy/policy";
import { loadViewer } from "../../app/policy/viewer.server";
import { approvalSettings, approvalsPage, decideApproval, resubmitHeld, setApprovalSettings } from "../../app/spaces/approvals.server";
import { joinSpace } from "../../app/spaces/spaces.server";
import { now, testClock } from "../../app/utils/clock.server";
import { makeOrg, makeSpace, makeUser } from "../../scripts/lib/factories";
import { createSession } from "../../app/identity/session.server";
import * as approvalsRoute from "../../app/routes/spaces.$slug.approvals";
import * as settingsRoute from "../../app/routes/spaces.$slug.settings";
import { callRoute, getRequest, postRequest, readJson } from "../support/remix";

// A post in a pre-approval space is seen by its author and the approvers of its current
// tier only, on every surface (post page, feeds, tag page, search, notifications, digest,
// saved-search alerts), until every tier approves. Nobody approves their own post; a
// rejection returns it to the author with the reason.

const T0 = new Date("2032-06-01T08:00:00.000Z");
const DAY = 86_400_000;
const MARK = "kestrelapproval";

const docWith = (...content: object[]) => ({ type: "doc", content: [{ type: "paragraph", content }] });
const text = (t: string) => ({ type: "text", text: t });
const mention = (u: { id: string; name: string }) => ({ type: "mention", attrs: { id: u.id, label: u.name } });
const hashtag = (t: string) => ({ type: "hashtag", attrs: { tag: t } });

const status = async (p: Promise<unknown>) => {
  try {
    await p;
    return 200;
  } catch (e) {
    if (e instanceof Response) return e.status;
    throw e;
  }
};

let db: Db;
let org: Awaited<ReturnType<typeof makeOrg>>;
const u = {} as Record<"owner" | "alice" | "t1" | "t2" | "bob" | "carol", Awaited<ReturnType<typeof makeUser>>>;
const v = {} as Record<keyof typeof u, Viewer>;
let spaceId = "";
let slug = "";

async function refresh() {
  for (const k of Object.keys(u) as (keyof typeof u)[]) v[k] = await loadViewer(db, u[k].id);
}

beforeAll(async () => {
  testClock.freeze(T0);
  db = await getDb();
  org = await makeOrg("Approval Bank");
  u.owner = await makeUser(org.id, { name: "Olga Owner" });
  u.alice = await makeUser(org.id, { name: "Alice Author" });
  u.t1 = await makeUser(org.id, { name: "Theo Tier One" });
  u.t2 = await makeUser(org.id, { name: "Tess Tier Two" });
  u.bob = await makeUser(org.id, { name: "Bob Reader" });
  u.carol = await makeUser(org.id, { name: "Carol Outside" });
  await refresh();
  const space = await makeSpace(v.owner, { name: "Marketing review", visibility: "open", joinPolicy: "open" });
  spaceId = space.id;
  slug = space.slug;
  for (const k of ["alice", "t1", "t2", "bob"] as const) await joinSpace(v[k], spaceId);
  await setDigestFrequency(u.bob.id, "daily");
  await refresh();
});
afterAll(() => testClock.reset());

describe("pre-approval settings", () => {
  it("space admins set 1 to 3 tiers with approvers who are members; others get 404", async () => {
    expect(await status(setApprovalSettings(v.alice, spaceId, { tiers: 1, seats: [{ tier: 1, userId: u.t1.id }] }))).toBe(404);
    expect(await setApprovalSettings(v.owner, spaceId, { tiers: 2, seats: [{ tier: 1, userId: u.t1.id }] })).toMatchObject({
      ok: false,
      error: "approvals.settings.tierWithoutApprover",
      tier: 2,
    });
    expect(await setApprovalSettings(v.owner, spaceId, { tiers: 1, seats: [{ tier: 1, userId: u.carol.id }] })).toMatchObject({
      ok: false,
      error: "approvals.settings.notMember",
    });
    // nothing partial was stored
    expect((await approvalSettings(v.owner, spaceId)).tiers).toBe(0);
    // alice approves tier 1 too: she must never approve her own post
    const ok = await setApprovalSettings(v.owner, spaceId, {
      tiers: 2,
      seats: [
        { tier: 1, userId: u.t1.id },
        { tier: 1, userId: u.alice.id },
        { tier: 2, userId: u.t2.id },
      ],
    });
    expect(ok).toEqual({ ok: true });
    const s = await approvalSettings(v.owner, spaceId);
    expect(s.tiers).toBe(2);
    expect(s.seats.sort()).toEqual([`1:${u.alice.id}`, `1:${u.t1.id}`, `2:${u.t2.id}`].sort());
    const [audit] = await query<{ n: number }>(db, sql`select count(*)::int as n from audit_log where org_id = ${org.id} and action = 'space.approval.settings'`);
    expect(audit.n).toBe(1);
    await refresh();
  });
});

describe("a held post", () => {
  let postId = "";

  /** Every surface bob (a member, mentioned, following the tag, watching the word) could see it on. */
  async function bobSees() {
    await drainAll(db);
    const feed = await homeFeed(v.bob, {});
    const space = await spaceFeed(v.bob, spaceId, null);
    const tag = await tagPage(v.bob, "hashtag", MARK, null);
    const search = await searchPage(v.bob, { q: MARK });
    const notes = (await listNotifications(u.bob.id)).items;
    const raw = await query<{ n: number }>(db, sql`select count(*)::int as n from notifications where user_id = ${u.bob.id} and subject_id = ${postId}`);
    return {
      page: (await status(getPostPage(v.bob, postId))) === 200,
      feed: feed.posts.some((p) => p.id === postId),
      space: space.posts.some((p) => p.id === postId),
      tag: tag.posts.some((p) => p.id === postId),
      search: search.hits.some((h) => h.id === postId),
      notified: notes.some((n) => n.subject_id === postId) || raw[0].n > 0,
    };
  }

  it("is seen by its author and the current tier only; nothing reaches bob", async () => {
    await followTag(v.bob, "hashtag", MARK, true);
    expect(await addWatch(v.bob, MARK)).toEqual({ ok: true });
    const post = await createPost(v.alice, { spaceId, body: docWith(text(`Campaign draft ${MARK} `), hashtag(MARK), text(" for "), mention(u.bob)) });
    postId = post.id;
    expect(post.approval).toBe("pending");
    expect(post.approvalTier).toBe(1);
    await drainAll(db);

    expect(await bobSees()).toEqual({ page: false, feed: false, space: false, tag: false, search: false, notified: false });
    // the author and tier 1 read it; tier 2, carol and the space owner do not yet
    expect(await status(getPostPage(v.alice, postId))).toBe(200);
    expect(await status(getPostPage(v.t1, postId))).toBe(200);
    for (const k of ["t2", "carol", "owner"] as const) expect(await status(getPostPage(v[k], postId)), k).toBe(404);
    // not in anyone's feed, not even the author's or the approver's: feeds carry published content
    expect((await homeFeed(v.t1, {})).posts.map((p) => p.id)).not.toContain(postId);
    // held: no comment, reaction, or history for those who cannot see it
    expect(await status(createComment(v.t1, { parentId: postId, body: docWith(text("nice")) }))).toBe(403);
    expect(await status(setReaction(v.t1, postId, "like", true))).toBe(403);
    expect(await status(contentHistory(v.bob, postId))).toBe(404);
    // the queue: t1 sees it; alice sees it as her submission, never in her queue
    const q1 = await approvalsPage(v.t1, slug);
    expect(q1.queue.map((x) => x.post.id)).toEqual([postId]);
    const qa = await approvalsPage(v.alice, slug);
    expect(qa.queue.map((x) => x.post.id)).toEqual([]);
    expect(qa.mine.map((x) => [x.post.id, x.state, x.tier])).toEqual([[postId, "pending", 1]]);
    expect(await status(approvalsPage(v.carol, slug))).toBe(404);
  });

  it("nobody approves their own post, nor a tier that is not theirs", async () => {
    expect(await status(decideApproval(v.alice, postId, { decision: "approve" }))).toBe(403);
    expect(await status(decideApproval(v.t2, postId, { decision: "approve" }))).toBe(404);
    expect(await status(decideApproval(v.bob, postId, { decision: "approve" }))).toBe(404);
    const [row] = await query<{ approval: string; approval_tier: number }>(db, sql`select approval, approval_tier from content where id = ${postId}`);
    expect(row).toEqual({ approval: "pending", approval_tier: 1 });
  });

  it("tier 1 passes it to tier 2; tier 2 rejects it with a reason, back to the author only", async () => {
    expect(await decideApproval(v.t1, postId, { decision: "approve" })).toEqual({ state: "pending", tier: 2 });
    expect(await status(decideApproval(v.t1, postId, { decision: "approve" }))).toBe(404); // no longer theirs to see
    expect(await status(getPostPage(v.t2, postId))).toBe(200);
    expect(await bobSees()).toMatchObject({ page: false, feed: false, search: false, notified: false });
    expect(await status(decideApproval(v.t2, postId, { decision: "reject", reason: "  " }))).toBe(400);
    expect(await decideApproval(v.t2, postId, { decision: "reject", reason: "Add the risk disclaimer" })).toEqual({ state: "rejected" });
    expect(await status(getPostPage(v.t2, postId))).toBe(404);
    expect(await status(getPostPage(v.t1, postId))).toBe(404);
    const mine = (await approvalsPage(v.alice, slug)).mine;
    expect(mine.map((x) => [x.state, x.reason])).toEqual([["rejected", "Add the risk disclaimer"]]);
    expect(await bobSees()).toMatchObject({ page: false, search: false, notified: false });
  });

  it("the author edits and resubmits; every tier approves; then, and only then, bob sees and hears of it", async () => {
    expect(await status(resubmitHeld(v.t1, postId))).toBe(404);
    await editPost(v.alice, postId, docWith(text(`Campaign draft ${MARK} (past performance is no guide) `), hashtag(MARK), text(" for "), mention(u.bob)));
    await resubmitHeld(v.alice, postId);
    expect(await status(resubmitHeld(v.alice, postId))).toBe(403);
    expect(await decideApproval(v.t1, postId, { decision: "approve" })).toEqual({ state: "pending", tier: 2 });
    // the digest runs while it waits at the last tier: nothing about it
    await drainAll(db);
    testClock.freeze(new Date(T0.getTime() + DAY));
    await runDigests(now(), db);
    expect(sinkMessages().filter((m) => m.envelopeTo.includes(u.bob.email) && m.text.includes(MARK))).toHaveLength(0);
    expect(await bobSees()).toEqual({ page: false, feed: false, space: false, tag: false, search: false, notified: false });

    expect(await decideApproval(v.t2, postId, { decision: "approve" })).toEqual({ state: "published" });
    expect(await bobSees()).toEqual({ page: true, feed: true, space: true, tag: true, search: true, notified: true });
    const kinds = (await listNotifications(u.bob.id)).items.filter((n) => n.subject_id === postId).map((n) => n.kind).sort();
    expect(kinds).toEqual(["mention", "watch"]);
    // carol, outside the space but in the org, reads the open space's post now
    expect(await status(getPostPage(v.carol, postId))).toBe(200);
    testClock.freeze(new Date(T0.getTime() + DAY + 3_600_000));
    await runDigests(now(), db);
    expect(sinkMessages().filter((m) => m.envelopeTo.includes(u.bob.email) && m.text.includes(MARK))).toHaveLength(1);
    // comments and reactions open once published
    expect(await status(setReaction(v.bob, postId, "like", true))).toBe(200);
  });

  it("every decision is in the archive and the audit chain", async () => {
    const archived = await query<{ action: string; version: number }>(
      db,
      sql`select action, version from archive_records where org_id = ${org.id} and subject_id = ${postId + ":approval"} order by version`,
    );
    expect(archived.map((a) => a.action)).toEqual(["approve", "reject", "resubmit", "approve", "approve"]);
    const audit = await query<{ action: string }>(db, sql`select action from audit_log where org_id = ${org.id} and target_id = ${postId} order by seq`);
    expect(audit.map((a) => a.action)).toEqual([
      "content.approval.approve",
      "content.approval.reject",
      "content.approval.resubmit",
      "content.approval.approve",
      "content.approval.approve",
    ]);
  });

  it("tiers cannot drop below a waiting post's tier", async () => {
    const p = await createPost(v.bob, { spaceId, body: docWith(text("second draft")) });
    await decideApproval(v.t1, p.id, { decision: "approve" });
    expect(await setApprovalSettings(v.owner, spaceId, { tiers: 1, seats: [{ tier: 1, userId: u.t1.id }] })).toMatchObject({
      ok: false,
      error: "approvals.settings.pendingBeyond",
    });
    const f = (await loadContentFacts(db, [p.id])).get(p.id)!;
    expect(can(v.t2, "approve", f)).toBe(true);
    expect(can(v.t1, "read", f)).toBe(false);
  });
});

describe("the pages", () => {
  it("the settings form stores tiers and seats; bad input is a 400 with nothing stored", async () => {
    const token = (await createSession(u.owner.id)).token;
    const before = await approvalSettings(v.owner, spaceId);
    const bad = await callRoute(settingsRoute.action, postRequest("/x", { intent: "approvals", tiers: "4", seat: `1:${u.t1.id}` }, { token }), { slug });
    expect(bad.status).toBe(400);
    const noApprover = await callRoute(settingsRoute.action, postRequest("/x", { intent: "approvals", tiers: "3", seat: [`1:${u.t1.id}`, `2:${u.t2.id}`] }, { token }), { slug });
    expect(noApprover.status).toBe(400);
    expect((await readJson(noApprover)).errors.seats).toBe("Tier 3 needs at least one approver");
    const forged = await callRoute(settingsRoute.action, postRequest("/x", { intent: "approvals", tiers: "1", seat: "1:x'); drop table users;--" }, { token }), { slug });
    expect(forged.status).toBe(400);
    expect(await approvalSettings(v.owner, spaceId)).toEqual(before);
    const ok = await callRoute(settingsRoute.action, postRequest("/x", { intent: "approvals", tiers: "2", seat: [`1:${u.t1.id}`, `2:${u.t2.id}`, `2:${u.owner.id}`] }, { token }), { slug });
    expect(ok.status).toBe(200);
    expect((await approvalSettings(v.owner, spaceId)).seats.sort()).toEqual([`1:${u.t1.id}`, `2:${u.t2.id}`, `2:${u.owner.id}`].sort());
    await refresh();
  });

  it("the approvals page: approve and return through the action; a blank reason is a 400", async () => {
    const p = await createPost(v.alice, { spaceId, body: docWith(text("page draft")) });
    const t1 = (await createSession(u.t1.id)).token;
    const page = await readJson(await callRoute(approvalsRoute.loader, getRequest("/x", { token: t1 }), { slug }));
    expect(page.queue.map((x: { post: { id: string } }) => x.post.id)).toContain(p.id);
    const blank = await callRoute(approvalsRoute.action, postRequest("/x", { intent: "reject", contentId: p.id, reason: "   " }, { token: t1 }), { slug });
    expect(blank.status).toBe(400);
    const approved = await callRoute(approvalsRoute.action, postRequest("/x", { intent: "approve", contentId: p.id }, { token: t1 }), { slug });
    expect((await readJson(approved)).notice).toBe("approvals.notice.approved");
    const t2 = (await createSession(u.t2.id)).token;
    const returned = await callRoute(approvalsRoute.action, postRequest("/x", { intent: "reject", contentId: p.id, reason: "Needs sources" }, { token: t2 }), { slug });
    expect((await readJson(returned)).notice).toBe("approvals.notice.rejected");
    const carol = (await createSession(u.carol.id)).token;
    expect((await callRoute(approvalsRoute.loader, getRequest("/x", { token: carol }), { slug })).status).toBe(404);
  });
});
