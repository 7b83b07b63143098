import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { query } from "../../app/db/client.server";
import { createContent, setReaction } from "../../app/content/content.server";
import { listNotifications, unreadCount } from "../../app/notifications/notifications.server";
import { createComment, createPost } from "../../app/content/posts.server";
import { setFollow } from "../../app/feed/follows.server";
import { tagFeed } from "../../app/feed/feeds.server";
import { createSpace, joinSpace } from "../../app/spaces/spaces.server";
import { translate } from "../../app/i18n";
import { createSession } from "../../app/identity/session.server";
import { drainAll } from "../../app/platform/outbox.server";
import * as root from "../../app/root";
import * as mentionsApi from "../../app/routes/api.mentions";
import * as feedNew from "../../app/routes/feed.new";
import * as home from "../../app/routes/_index";
import * as notificationsPage from "../../app/routes/notifications";
import * as postPage from "../../app/routes/posts.$id";
import * as editPage from "../../app/routes/posts.$id_.edit";
import * as historyPage from "../../app/routes/posts.$id_.history";
import { testClock } from "../../app/utils/clock.server";
import { makeOrg, makeUser } from "../../scripts/lib/factories";
import { buildWorld, doc, type World } from "../fixtures/world";
import { callRoute, getRequest, postRequest, readJson, sessionsFor, type RouteFunction } from "../support/remix";

type Post = { id: string; text: string; html: string; parentId: string | null; myReactions: string[]; reactions: Record<string, number> };

const textNode = (text: string) => ({ type: "text", text });
const mention = (id: string, label: string) => ({ type: "mention", attrs: { id, label } });
const paragraph = (...content: object[]) => JSON.stringify({ type: "doc", content: [{ type: "paragraph", content }] });

let w: World;
let tokens: Record<string, string>;

beforeAll(async () => {
  w = await buildWorld();
  tokens = await sessionsFor(w, ["alice", "bob", "carol", "ivan", "admin", "compliance"]);
});

async function homePosts(token: string, search = ""): Promise<{ posts: Post[]; nextCursor: string | null; nextPage: number | null; since: string }> {
  const res = await callRoute(home.loader, getRequest(`/${search}`, { token }));
  expect(res.status).toBe(200);
  return readJson(res) as never;
}

async function newestOwnPost(token: string, marker: string): Promise<Post> {
  const { posts } = await homePosts(token);
  const found = posts.find((p) => p.text.includes(marker));
  if (!found) throw new Error(`no post with ${marker}`);
  return found;
}

describe("home feed: posting", () => {
  it("creates a post with a mention, a hashtag and a cashtag, and notifies the mentioned person", async () => {
    const before = await unreadCount(w.users.bob.id);
    const res = await callRoute(
      home.action,
      postRequest(
        "/?index",
        {
          intent: "post",
          spaceId: w.spaces.open.id,
          body: paragraph(textNode("Quarterly #Results for $BNP, thanks "), mention(w.users.bob.id, "Bob"), textNode(" q1marker")),
        },
        { token: tokens.alice },
      ),
    );
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/");

    const created = await newestOwnPost(tokens.alice, "q1marker");
    expect(created.html).toContain('data-type="mention"');
    expect((await tagFeed(await w.viewer(w.users.alice.id), "#results", null)).posts.map((p) => p.id)).toContain(created.id);
    expect((await tagFeed(await w.viewer(w.users.alice.id), "$BNP", null)).posts.map((p) => p.id)).toContain(created.id);

    await drainAll();
    const notes = (await listNotifications(w.users.bob.id)).items;
    expect(notes.some((n) => n.kind === "mention" && n.post_id === created.id)).toBe(true);
    expect(await unreadCount(w.users.bob.id)).toBe(before + 1);

    // The bell in the shell, the list, and "mark all read".
    const shell = (await (root.loader as RouteFunction)({ request: getRequest("/", { token: tokens.bob }), params: {}, context: {} })) as { unread: number };
    expect(shell.unread).toBe(before + 1);
    const page = await readJson(await callRoute(notificationsPage.loader, getRequest("/notifications", { token: tokens.bob })));
    expect(page.groups.some((n: { kind: string; postId: string; unread: boolean }) => n.kind === "mention" && n.postId === created.id && n.unread)).toBe(true);
    const marked = await callRoute(notificationsPage.action, postRequest("/notifications", { intent: "markAllRead" }, { token: tokens.bob }));
    expect(marked.status).toBe(200);
    expect(await unreadCount(w.users.bob.id)).toBe(0);
  });

  it("accepts the no-JavaScript textarea's plain text, one paragraph per line", async () => {
    const res = await callRoute(home.action, postRequest("/?index", { intent: "post", spaceId: "", bodyText: "Plain line nojsmarker\nsecond line #plaintext" }, { token: tokens.carol }));
    expect(res.status).toBe(302);
    const created = await newestOwnPost(tokens.carol, "nojsmarker");
    expect(created.html).toBe("<p>Plain line nojsmarker</p><p>second line #plaintext</p>");
    expect((await tagFeed(await w.viewer(w.users.carol.id), "#plaintext", null)).posts.map((p) => p.id)).toContain(created.id);
  });

  it("answers malformed input with 400 and a translated message under the field", async () => {
    const bad = await callRoute(home.action, postRequest("/?index", { intent: "post", formId: "home", body: "{not json" }, { token: tokens.alice }));
    expect(bad.status).toBe(400);
    const en = await readJson(bad);
    expect(en.errors.body).toBe(translate("en", "post.error.invalid"));
    expect(en.values.formId).toBe("home");

    const fr = await callRoute(home.action, postRequest("/?index", { intent: "post", body: "{not json" }, { token: tokens.alice, lang: "fr-FR,fr;q=0.9" }));
    expect(fr.status).toBe(400);
    expect((await readJson(fr)).errors.body).toBe(translate("fr", "post.error.invalid"));
    expect(translate("fr", "post.error.invalid")).not.toBe(translate("en", "post.error.invalid"));

    const empty = await callRoute(home.action, postRequest("/?index", { intent: "post", bodyText: "   " }, { token: tokens.alice, lang: "fr" }));
    expect((await readJson(empty)).errors.body).toBe(translate("fr", "post.error.empty"));

    const link = JSON.stringify({ type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text: "x", marks: [{ type: "link", attrs: { href: "javascript:alert(1)" } }] }] }] });
    expect((await readJson(await callRoute(home.action, postRequest("/?index", { intent: "post", body: link }, { token: tokens.alice })))).errors.body).toBe(
      translate("en", "post.error.link"),
    );

    // ivan is across the Research|IB wall from bob: mentioning him is refused.
    const wall = await callRoute(home.action, postRequest("/?index", { intent: "post", body: paragraph(mention(w.users.bob.id, "Bob")) }, { token: tokens.ivan }));
    expect((await readJson(wall)).errors.body).toBe(translate("en", "post.error.mention"));
  });
});

describe("post page", () => {
  it("threads comments one level and notifies the author of the parent", async () => {
    const target = await createPost(await w.viewer(w.users.alice.id), { spaceId: w.spaces.open.id, body: paragraph(textNode("Thread me")) });
    const reply = await callRoute(postPage.action, postRequest(`/posts/${target.id}`, { intent: "comment", body: paragraph(textNode("Bob replies")) }, { token: tokens.bob }), { id: target.id });
    expect(reply.status).toBe(302);
    expect(reply.headers.get("Location")).toMatch(new RegExp(`^/posts/${target.id}#post-`));
    const page1 = await readJson(await callRoute(postPage.loader, getRequest(`/posts/${target.id}`, { token: tokens.carol }), { id: target.id }));
    const bobComment = page1.comments.find((c: Post) => c.text === "Bob replies");
    expect(bobComment.parentId).toBe(target.id);

    // A reply to a reply stays under the top-level comment.
    await callRoute(postPage.action, postRequest(`/posts/${target.id}`, { intent: "comment", parentId: bobComment.id, bodyText: "Carol answers Bob" }, { token: tokens.carol }), { id: target.id });
    const viaReply = await createComment(await w.viewer(w.users.alice.id), { parentId: bobComment.id, body: paragraph(textNode("Alice too")) });
    await callRoute(postPage.action, postRequest(`/posts/${target.id}`, { intent: "comment", parentId: viaReply.id, bodyText: "Deep reply" }, { token: tokens.bob }), { id: target.id });
    const page2 = await readJson(await callRoute(postPage.loader, getRequest(`/posts/${target.id}`, { token: tokens.alice }), { id: target.id }));
    expect(page2.post.commentCount).toBe(4);
    for (const c of page2.comments.filter((c: Post) => c.text !== "Bob replies")) expect(c.parentId).toBe(bobComment.id);

    await drainAll();
    const aliceNotes = (await listNotifications(w.users.alice.id)).items;
    expect(aliceNotes.some((n) => n.kind === "reply" && n.subject_id === bobComment.id && n.post_id === target.id)).toBe(true);
    // A reply to a comment links to the post, not to the comment.
    const bobNotes = (await listNotifications(w.users.bob.id)).items;
    expect(bobNotes.filter((n) => n.kind === "reply" && n.post_id === target.id).length).toBeGreaterThanOrEqual(2);

    const blank = await callRoute(postPage.action, postRequest(`/posts/${target.id}`, { intent: "comment", formId: "comment", bodyText: "" }, { token: tokens.bob, lang: "fr" }), { id: target.id });
    expect(blank.status).toBe(400);
    expect((await readJson(blank)).errors.body).toBe(translate("fr", "post.error.empty"));
  });

  it("toggles reactions, rejects unknown intents and lets only admins pin", async () => {
    const target = await createPost(await w.viewer(w.users.alice.id), { spaceId: w.spaces.open.id, body: paragraph(textNode("React to me")) });
    const on = await callRoute(postPage.action, postRequest(`/posts/${target.id}`, { intent: "react", reaction: "insightful", on: "true" }, { token: tokens.bob }), { id: target.id });
    expect(on.status).toBe(200);
    let view = (await readJson(await callRoute(postPage.loader, getRequest(`/posts/${target.id}`, { token: tokens.bob }), { id: target.id }))).post as Post;
    expect(view.reactions.insightful).toBe(1);
    expect(view.myReactions).toEqual(["insightful"]);
    await callRoute(postPage.action, postRequest(`/posts/${target.id}`, { intent: "react", reaction: "insightful", on: "false" }, { token: tokens.bob }), { id: target.id });
    view = (await readJson(await callRoute(postPage.loader, getRequest(`/posts/${target.id}`, { token: tokens.bob }), { id: target.id }))).post as Post;
    expect(view.reactions.insightful).toBe(0);

    // the form without JavaScript names only the reaction: each press flips what is stored
    for (const expected of [1, 0, 1]) {
      expect((await callRoute(postPage.action, postRequest(`/posts/${target.id}`, { intent: "react", reaction: "like" }, { token: tokens.bob }), { id: target.id })).status).toBe(200);
      view = (await readJson(await callRoute(postPage.loader, getRequest(`/posts/${target.id}`, { token: tokens.bob }), { id: target.id }))).post as Post;
      expect(view.reactions.like).toBe(expected);
    }
    expect((await callRoute(postPage.action, postRequest(`/posts/${target.id}`, { intent: "react", reaction: "like", on: "maybe" }, { token: tokens.bob }), { id: target.id })).status).toBe(400);

    expect((await callRoute(postPage.action, postRequest(`/posts/${target.id}`, { intent: "explode" }, { token: tokens.bob }), { id: target.id })).status).toBe(400);
    expect((await callRoute(postPage.action, postRequest(`/posts/${target.id}`, { intent: "react", reaction: "angry", on: "true" }, { token: tokens.bob }), { id: target.id })).status).toBe(400);

    expect((await callRoute(postPage.action, postRequest(`/posts/${target.id}`, { intent: "pin" }, { token: tokens.bob }), { id: target.id })).status).toBe(403);
    const past = await callRoute(postPage.action, postRequest(`/posts/${target.id}`, { intent: "pin", endsAt: "2001-01-01" }, { token: tokens.admin }), { id: target.id });
    expect(past.status).toBe(400);
    expect((await callRoute(postPage.action, postRequest(`/posts/${target.id}`, { intent: "pin", endsAt: "" }, { token: tokens.admin }), { id: target.id })).status).toBe(200);
    const feed = await readJson(await callRoute(home.loader, getRequest("/", { token: tokens.carol })));
    expect(feed.announcements.map((p: Post) => p.id)).toContain(target.id);
    expect((await callRoute(postPage.action, postRequest(`/posts/${target.id}`, { intent: "unpin" }, { token: tokens.admin }), { id: target.id })).status).toBe(200);
    expect((await readJson(await callRoute(home.loader, getRequest("/", { token: tokens.carol })))).announcements.map((p: Post) => p.id)).not.toContain(target.id);
  });

  it("keeps a private space's post from carol: post page, home feed and tag page", async () => {
    const res = await callRoute(
      home.action,
      postRequest("/?index", { intent: "post", spaceId: w.spaces.priv.id, body: paragraph(textNode("Private #dealflow privmarker")) }, { token: tokens.alice }),
    );
    expect(res.status).toBe(302);
    const hidden = await newestOwnPost(tokens.alice, "privmarker");
    // Carol follows alice, so alice's posts are candidates for her feed: the rules still drop this one.
    await setFollow(await w.viewer(w.users.carol.id), "user", w.users.alice.id, true);

    expect((await callRoute(postPage.loader, getRequest(`/posts/${hidden.id}`, { token: tokens.carol }), { id: hidden.id })).status).toBe(404);
    expect((await callRoute(postPage.action, postRequest(`/posts/${hidden.id}`, { intent: "react", reaction: "like", on: "true" }, { token: tokens.carol }), { id: hidden.id })).status).toBe(404);
    expect((await callRoute(postPage.action, postRequest(`/posts/${hidden.id}`, { intent: "comment", bodyText: "peek" }, { token: tokens.carol }), { id: hidden.id })).status).toBe(404);
    expect((await callRoute(historyPage.loader, getRequest(`/posts/${hidden.id}/history`, { token: tokens.carol }), { id: hidden.id })).status).toBe(404);
    const carolFeed = await homePosts(tokens.carol);
    expect(carolFeed.posts.map((p) => p.id)).not.toContain(hidden.id);
    expect(carolFeed.posts.some((p) => p.text.includes("Open post by Alice"))).toBe(true); // she does see alice's open posts
    expect((await tagFeed(await w.viewer(w.users.carol.id), "#dealflow", null)).posts).toEqual([]);
    expect((await tagFeed(await w.viewer(w.users.alice.id), "#dealflow", null)).posts.map((p) => p.id)).toEqual([hidden.id]);
    expect((await callRoute(postPage.loader, getRequest(`/posts/${hidden.id}`, { token: tokens.alice }), { id: hidden.id })).status).toBe(200);
  });
});

describe("edit, history and delete", () => {
  it("edits through the editor form and shows both versions in the history", async () => {
    const original = await createPost(await w.viewer(w.users.alice.id), { spaceId: w.spaces.open.id, body: paragraph(textNode("First draft")) });
    const form = await readJson(await callRoute(editPage.loader, getRequest(`/posts/${original.id}/edit`, { token: tokens.alice }), { id: original.id }));
    expect(form.item.bodyJson.content[0].content[0].text).toBe("First draft");
    expect((await callRoute(editPage.loader, getRequest(`/posts/${original.id}/edit`, { token: tokens.bob }), { id: original.id })).status).toBe(404);
    expect((await callRoute(editPage.action, postRequest(`/posts/${original.id}/edit`, { intent: "edit", body: paragraph(textNode("Hacked")) }, { token: tokens.bob }), { id: original.id })).status).toBe(403);

    const saved = await callRoute(editPage.action, postRequest(`/posts/${original.id}/edit`, { intent: "edit", body: paragraph(textNode("Final text")) }, { token: tokens.alice }), { id: original.id });
    expect(saved.status).toBe(302);
    expect(saved.headers.get("Location")).toBe(`/posts/${original.id}`);

    const history = await readJson(await callRoute(historyPage.loader, getRequest(`/posts/${original.id}/history`, { token: tokens.bob }), { id: original.id }));
    expect(history.versions.map((v: { version: number; action: string; text: string; actorName: string }) => [v.version, v.action, v.text, v.actorName])).toEqual([
      [1, "create", "First draft", "Alice"],
      [2, "edit", "Final text", "Alice"],
    ]);
    const page = await readJson(await callRoute(postPage.loader, getRequest(`/posts/${original.id}`, { token: tokens.bob }), { id: original.id }));
    expect(page.post.edited).toBe(true);
    expect(page.post.text).toBe("Final text");
  });

  it("deletes: gone from the feed and the post page for everyone, still in the archive", async () => {
    const res = await callRoute(home.action, postRequest("/?index", { intent: "post", spaceId: w.spaces.open.id, bodyText: "Delete me delmarker" }, { token: tokens.alice }));
    expect(res.status).toBe(302);
    const victim = await newestOwnPost(tokens.alice, "delmarker");
    expect((await callRoute(postPage.action, postRequest(`/posts/${victim.id}`, { intent: "delete", returnTo: "/" }, { token: tokens.bob }), { id: victim.id })).status).toBe(403);

    const del = await callRoute(postPage.action, postRequest(`/posts/${victim.id}`, { intent: "delete", returnTo: "//evil.example" }, { token: tokens.alice }), { id: victim.id });
    expect(del.status).toBe(302);
    expect(del.headers.get("Location")).toBe("/");

    expect((await homePosts(tokens.alice)).posts.map((p) => p.id)).not.toContain(victim.id);
    for (const who of ["alice", "bob", "admin", "compliance"]) {
      expect((await callRoute(postPage.loader, getRequest(`/posts/${victim.id}`, { token: tokens[who] }), { id: victim.id })).status).toBe(404);
    }
    const [{ n }] = await query<{ n: number }>(w.db, sql`select count(*)::int as n from archive_records where subject_id = ${victim.id}`);
    expect(n).toBe(2); // create + delete

    // The tombstone: compliance only.
    expect((await callRoute(historyPage.loader, getRequest(`/posts/${victim.id}/history`, { token: tokens.alice }), { id: victim.id })).status).toBe(404);
    const review = await readJson(await callRoute(historyPage.loader, getRequest(`/posts/${victim.id}/history`, { token: tokens.compliance }), { id: victim.id }));
    expect(review.item.deleted).toBe(true);
    expect(review.versions.map((v: { action: string; tombstone: boolean }) => [v.action, v.tombstone])).toEqual([
      ["create", false],
      ["delete", true],
    ]);
  });
});

describe("home feed paging and ranking", () => {
  async function smallOrg() {
    const org = await makeOrg("Paging Bank");
    const people = await Promise.all(["Pat", "Quinn", "Ray", "Sam"].map((name) => makeUser(org.id, { name })));
    const { loadViewer } = await import("../../app/policy/viewer.server");
    const v = (i: number) => loadViewer(w.db, people[i].id);
    const space = await createSpace(await v(0), { name: "Desk", slug: `desk-${org.id.slice(0, 6)}`, visibility: "open", joinPolicy: "open" });
    for (const i of [1, 2, 3]) await joinSpace(await v(i), space.id);
    return { people, v, space, token: (await createSession(people[0].id)).token };
  }

  it("pages 45 posts with a cursor, without duplicates or gaps (ties on created_at included)", async () => {
    const { v, space, token } = await smallOrg();
    testClock.freeze(new Date());
    const created: string[] = [];
    for (let i = 0; i < 45; i++) {
      if (i % 3 === 0) testClock.advance(1000); // three posts share each timestamp
      const row = await createContent(await v(i % 4), { kind: "post", spaceId: space.id, ...doc(`Paged ${i}`) });
      created.push(row.id);
    }
    const seen: string[] = [];
    const sizes: number[] = [];
    let search = "";
    for (let guard = 0; guard < 10; guard++) {
      const page = await homePosts(token, search);
      sizes.push(page.posts.length);
      seen.push(...page.posts.map((p) => p.id));
      if (!page.nextCursor) break;
      search = `?cursor=${encodeURIComponent(page.nextCursor)}`;
    }
    expect(sizes).toEqual([20, 20, 5]);
    expect(new Set(seen).size).toBe(45);
    // Newest first, ties broken by id (descending), across page boundaries.
    const expected = created
      .map((id, i) => ({ id, second: Math.floor(i / 3) }))
      .sort((a, b) => b.second - a.second || (a.id < b.id ? 1 : -1))
      .map((x) => x.id);
    expect(seen).toEqual(expected);

    // The "new posts" poll counts what came after the top of the feed.
    const first = await homePosts(token);
    expect(first.posts[0].id).toBe(expected[0]);
    testClock.advance(1000);
    await createContent(await v(1), { kind: "post", spaceId: space.id, ...doc("Fresh") });
    const fresh = await readJson(await callRoute(feedNew.loader, getRequest(`/feed/new?since=${encodeURIComponent(first.since)}`, { token })));
    expect(fresh).toEqual({ count: 1 });
    expect((await callRoute(feedNew.loader, getRequest(`/feed/new?since=${encodeURIComponent(first.since)}`))).status).toBe(401);
  });

  it("orders the Top view by engagement", async () => {
    const { v, space, token } = await smallOrg();
    const mk = async (text: string) => {
      testClock.advance(1000);
      return (await createContent(await v(0), { kind: "post", spaceId: space.id, ...doc(text) })).id;
    };
    const quiet = await mk("Quiet");
    const liked = await mk("Liked");
    const discussed = await mk("Discussed");
    const newest = await mk("Newest, no engagement");
    for (const i of [1, 2, 3]) await setReaction(await v(i), liked, "like", true); // score 3
    await setReaction(await v(1), quiet, "curious", true); // score 1
    for (const i of [1, 2]) await createComment(await v(i), { parentId: discussed, body: paragraph(textNode("Reply")) }); // score 4

    const top = await homePosts(token, "?view=top");
    expect(top.posts.map((p) => p.id)).toEqual([discussed, liked, quiet, newest]);
    expect(top.nextPage).toBeNull();
    const latest = await homePosts(token);
    expect(latest.posts.map((p) => p.id)).toEqual([newest, discussed, liked, quiet]);
  });
});

describe("mention suggestions", () => {
  it("suggests people the viewer may mention, and refuses visitors", async () => {
    const alice = await readJson(await callRoute(mentionsApi.loader, getRequest("/api/mentions?q=bo", { token: tokens.alice })));
    expect(alice.items).toContainEqual({ id: w.users.bob.id, label: "Bob" });
    const ivan = await readJson(await callRoute(mentionsApi.loader, getRequest("/api/mentions?q=bob", { token: tokens.ivan })));
    expect(ivan.items.map((i: { id: string }) => i.id)).not.toContain(w.users.bob.id);
    const self = await readJson(await callRoute(mentionsApi.loader, getRequest("/api/mentions?q=alice", { token: tokens.alice })));
    expect(self.items.map((i: { id: string }) => i.id)).not.toContain(w.users.alice.id);
    expect((await callRoute(mentionsApi.loader, getRequest("/api/mentions?q=bob"))).status).toBe(401);
  });
});
