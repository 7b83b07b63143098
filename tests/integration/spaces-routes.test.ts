import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { spaces } from "../../app/db/schema";
import { createPost } from "../../app/content/posts.server";
import { spaceFactsOf } from "../../app/policy/facts.server";
import { can } from "../../app/policy/policy";
import * as cashtagPage from "../../app/routes/cashtags.$ticker";
import * as profile from "../../app/routes/people.$id";
import * as spaceFeed from "../../app/routes/spaces.$slug._index";
import * as spaceMembers from "../../app/routes/spaces.$slug.members";
import * as spaceSettings from "../../app/routes/spaces.$slug.settings";
import * as spaceLayout from "../../app/routes/spaces.$slug";
import * as directory from "../../app/routes/spaces._index";
import * as tagPage from "../../app/routes/tags.$tag";
import { createSession } from "../../app/identity/session.server";
import { loadViewer } from "../../app/policy/viewer.server";
import { makeOrg, makeSpace, makeUser } from "../../scripts/lib/factories";
import { buildWorld, type World } from "../fixtures/world";
import { BROWSER_UA, callRoute, getRequest, postRequest, readJson, sessionsFor, type RequestOptions } from "../support/remix";

let w: World;
let tokens: Record<string, string>;
const tok = (name: keyof World["users"], lang?: string): RequestOptions => ({ token: tokens[name], lang });

beforeAll(async () => {
  w = await buildWorld();
  const active = (Object.keys(w.users) as (keyof World["users"])[]).filter((name) => name !== "dave"); // dave is deactivated
  tokens = await sessionsFor(w, active, { ip: "10.9.1.250", userAgent: BROWSER_UA });
});

const slugOf = (s: { slug: string }) => ({ slug: s.slug });

describe("space pages", () => {
  it("answers 404 for a secret space to a non-member, on every tab", async () => {
    const { secret } = w.spaces;
    for (const fn of [spaceLayout.loader, spaceFeed.loader, spaceMembers.loader, spaceSettings.loader]) {
      const res = await callRoute(fn, getRequest(`/spaces/${secret.slug}`, tok("carol")), slugOf(secret));
      expect(res.status).toBe(404);
    }
    const act = await callRoute(spaceLayout.action, postRequest(`/spaces/${secret.slug}`, { intent: "join" }, tok("carol")), slugOf(secret));
    expect(act.status).toBe(404);
    // Its member sees it.
    expect((await callRoute(spaceLayout.loader, getRequest(`/spaces/${secret.slug}`, tok("bob")), slugOf(secret))).status).toBe(200);
  });

  it("shows a private space to a non-member only as 'request to join', without its feed or members", async () => {
    const { priv } = w.spaces;
    const header = await readJson(await callRoute(spaceLayout.loader, getRequest(`/spaces/${priv.slug}`, tok("carol")), slugOf(priv)));
    expect(header.space.name).toBe("Private");
    expect(header.abilities).toMatchObject({ read: false, requestJoin: true, join: false, post: false, manage: false });
    const feed = await readJson(await callRoute(spaceFeed.loader, getRequest(`/spaces/${priv.slug}`, tok("carol")), slugOf(priv)));
    expect(feed.locked).toBe(true);
    expect(feed.posts).toEqual([]);
    expect(JSON.stringify(feed)).not.toContain("Private post");
    expect((await callRoute(spaceMembers.loader, getRequest(`/spaces/${priv.slug}/members`, tok("carol")), slugOf(priv))).status).toBe(404);

    // A member reads the feed.
    const aliceFeed = await readJson(await callRoute(spaceFeed.loader, getRequest(`/spaces/${priv.slug}`, tok("alice")), slugOf(priv)));
    expect(aliceFeed.locked).toBe(false);
    expect(aliceFeed.posts.map((p: { text: string }) => p.text)).toContain("Private post");
  });

  it("lists in the directory exactly the spaces the policy lists", async () => {
    const all = await w.db.select().from(spaces).where(eq(spaces.orgId, w.org.id));
    for (const name of ["alice", "bob", "carol", "ivan", "admin", "compliance"] as const) {
      const viewer = await w.viewer(w.users[name].id);
      const expected = all.filter((s) => can(viewer, "list", spaceFactsOf(s))).map((s) => s.id).sort();
      const listed = (await readJson(await callRoute(directory.loader, getRequest("/spaces", tok(name))))).spaces as { id: string; slug: string }[];
      expect(listed.map((s) => s.id).sort(), name).toEqual(expected);
    }
    const carol = (await readJson(await callRoute(directory.loader, getRequest("/spaces", tok("carol"))))).spaces as { id: string; isMember: boolean }[];
    expect(carol.map((s) => s.id)).not.toContain(w.spaces.secret.id);
    expect(carol.map((s) => s.id)).toContain(w.spaces.priv.id);
    const ivan = (await readJson(await callRoute(directory.loader, getRequest("/spaces", tok("ivan"))))).spaces as { id: string }[];
    expect(ivan.map((s) => s.id)).not.toContain(w.spaces.research.id);
    const alice = (await readJson(await callRoute(directory.loader, getRequest("/spaces", tok("alice"))))).spaces as { id: string; isMember: boolean; members: number }[];
    expect(alice.find((s) => s.id === w.spaces.open.id)).toMatchObject({ isMember: true });
  });

  it("joins an open space, then leaves it", async () => {
    const { open } = w.spaces;
    const res = await callRoute(spaceLayout.action, postRequest(`/spaces/${open.slug}`, { intent: "join" }, tok("carol")), slugOf(open));
    expect(res.status).toBe(200);
    expect(await readJson(res)).toMatchObject({ ok: true, result: "joined" });
    const header = await readJson(await callRoute(spaceLayout.loader, getRequest(`/spaces/${open.slug}`, tok("carol")), slugOf(open)));
    expect(header.abilities).toMatchObject({ leave: true, post: true, join: false });

    const left = await callRoute(spaceLayout.action, postRequest(`/spaces/${open.slug}`, { intent: "leave" }, tok("carol")), slugOf(open));
    expect(await readJson(left)).toMatchObject({ result: "left" });
  });

  it("follows and unfollows a space", async () => {
    const { open } = w.spaces;
    await callRoute(spaceLayout.action, postRequest(`/spaces/${open.slug}`, { intent: "follow" }, tok("carol")), slugOf(open));
    expect((await readJson(await callRoute(spaceLayout.loader, getRequest(`/spaces/${open.slug}`, tok("carol")), slugOf(open)))).following).toBe(true);
    await callRoute(spaceLayout.action, postRequest(`/spaces/${open.slug}`, { intent: "unfollow" }, tok("carol")), slugOf(open));
    expect((await readJson(await callRoute(spaceLayout.loader, getRequest(`/spaces/${open.slug}`, tok("carol")), slugOf(open)))).following).toBe(false);
  });

  it("records a request to join that the space admin approves", async () => {
    const { priv } = w.spaces;
    const res = await callRoute(spaceLayout.action, postRequest(`/spaces/${priv.slug}`, { intent: "join" }, tok("carol")), slugOf(priv));
    expect(await readJson(res)).toMatchObject({ ok: true, result: "requested" });
    const header = await readJson(await callRoute(spaceLayout.loader, getRequest(`/spaces/${priv.slug}`, tok("carol")), slugOf(priv)));
    expect(header.requested).toBe(true);
    expect((await readJson(await callRoute(spaceFeed.loader, getRequest(`/spaces/${priv.slug}`, tok("carol")), slugOf(priv)))).locked).toBe(true);

    // Only a manager may approve.
    const byBob = await callRoute(spaceLayout.action, postRequest(`/spaces/${priv.slug}`, { intent: "approve", userId: w.users.carol.id }, tok("bob")), slugOf(priv));
    expect(byBob.status).toBe(403);

    const members = await readJson(await callRoute(spaceMembers.loader, getRequest(`/spaces/${priv.slug}/members`, tok("alice")), slugOf(priv)));
    expect(members.canManage).toBe(true);
    expect(members.pending.map((p: { id: string }) => p.id)).toEqual([w.users.carol.id]);

    const approved = await callRoute(spaceLayout.action, postRequest(`/spaces/${priv.slug}`, { intent: "approve", userId: w.users.carol.id }, tok("alice")), slugOf(priv));
    expect(await readJson(approved)).toMatchObject({ ok: true, result: "approved" });
    const after = await readJson(await callRoute(spaceMembers.loader, getRequest(`/spaces/${priv.slug}/members`, tok("alice")), slugOf(priv)));
    expect(after.pending).toEqual([]);
    expect(after.members.map((m: { id: string }) => m.id)).toContain(w.users.carol.id);
    const feed = await readJson(await callRoute(spaceFeed.loader, getRequest(`/spaces/${priv.slug}`, tok("carol")), slugOf(priv)));
    expect(feed.locked).toBe(false);
    expect(feed.posts.map((p: { text: string }) => p.text)).toContain("Private post");

    // Approving again: there is no request any more.
    const again = await callRoute(spaceLayout.action, postRequest(`/spaces/${priv.slug}`, { intent: "approve", userId: w.users.carol.id }, tok("alice")), slugOf(priv));
    expect(again.status).toBe(404);

    // The admin removes her; the feed locks again.
    const removed = await callRoute(spaceLayout.action, postRequest(`/spaces/${priv.slug}`, { intent: "remove", userId: w.users.carol.id }, tok("alice")), slugOf(priv));
    expect(await readJson(removed)).toMatchObject({ result: "removed" });
    expect((await readJson(await callRoute(spaceFeed.loader, getRequest(`/spaces/${priv.slug}`, tok("carol")), slugOf(priv)))).locked).toBe(true);
  });

  it("posts from the space composer for members only", async () => {
    const { open, priv } = w.spaces;
    const ok = await callRoute(spaceFeed.action, postRequest(`/spaces/${open.slug}?index`, { intent: "post", formId: "f", bodyText: "Hello #spaces" }, tok("alice")), slugOf(open));
    expect(ok.status).toBe(302);
    expect(ok.headers.get("Location")).toBe(`/spaces/${open.slug}`);
    const feed = await readJson(await callRoute(spaceFeed.loader, getRequest(`/spaces/${open.slug}`, tok("alice")), slugOf(open)));
    expect(feed.canPost).toBe(true);
    expect(feed.posts[0].text).toBe("Hello #spaces");
    expect(feed.posts[0].space.slug).toBe(open.slug);

    // A reader who is not a member may not post; a non-reader gets 404.
    expect((await readJson(await callRoute(spaceFeed.loader, getRequest(`/spaces/${open.slug}`, tok("carol")), slugOf(open)))).canPost).toBe(false);
    expect((await callRoute(spaceFeed.action, postRequest(`/spaces/${open.slug}?index`, { intent: "post", bodyText: "x" }, tok("carol")), slugOf(open))).status).toBe(403);
    expect((await callRoute(spaceFeed.action, postRequest(`/spaces/${priv.slug}?index`, { intent: "post", bodyText: "x" }, tok("carol")), slugOf(priv))).status).toBe(404);

    const empty = await callRoute(spaceFeed.action, postRequest(`/spaces/${open.slug}?index`, { intent: "post", formId: "f", bodyText: "   " }, tok("alice")), slugOf(open));
    expect(empty.status).toBe(400);
    const emptyBody = await readJson(empty);
    expect(Object.keys(emptyBody.errors)).toEqual(["body"]);
    expect(emptyBody.values.formId).toBe("f");
  });

  it("pages the space feed with a cursor", async () => {
    const s = `paged-${Math.random().toString(36).slice(2, 8)}`;
    await callRoute(directory.action, postRequest("/spaces", { name: "Paged", slug: s, visibility: "open", joinPolicy: "open" }, tok("alice")));
    for (let i = 0; i < 22; i++) {
      await callRoute(spaceFeed.action, postRequest(`/spaces/${s}?index`, { intent: "post", bodyText: `Post ${i}` }, tok("alice")), { slug: s });
    }
    const first = await readJson(await callRoute(spaceFeed.loader, getRequest(`/spaces/${s}`, tok("carol")), { slug: s }));
    expect(first.posts).toHaveLength(20);
    expect(first.nextCursor).toBeTruthy();
    const second = await readJson(await callRoute(spaceFeed.loader, getRequest(`/spaces/${s}?cursor=${first.nextCursor}`, tok("carol")), { slug: s }));
    expect(second.posts).toHaveLength(2);
    expect(second.nextCursor).toBeNull();
    const seen = new Set([...first.posts, ...second.posts].map((p: { id: string }) => p.id));
    expect(seen.size).toBe(22);
  });

  it("rejects an unknown intent with 400", async () => {
    const { open } = w.spaces;
    const res = await callRoute(spaceLayout.action, postRequest(`/spaces/${open.slug}`, { intent: "explode" }, tok("alice")), slugOf(open));
    expect(res.status).toBe(400);
    expect(Object.keys((await readJson(res)).errors)).toContain("intent");
  });
});

describe("creating and configuring a space", () => {
  const slug = () => `route-${Math.random().toString(36).slice(2, 10)}`;

  it("creates a space and redirects to it; a bad or taken slug is a 400 field error", async () => {
    const s = slug();
    const fields = { name: "Équipe conformité", slug: s, description: "Veille réglementaire", visibility: "open", joinPolicy: "open", departments: "" };
    const created = await callRoute(directory.action, postRequest("/spaces", fields, tok("alice")));
    expect(created.status).toBe(302);
    expect(created.headers.get("Location")).toBe(`/spaces/${s}`);

    const bad = await callRoute(directory.action, postRequest("/spaces", { ...fields, slug: "Bad Slug!" }, tok("alice")));
    expect(bad.status).toBe(400);
    const badBody = await readJson(bad);
    expect(badBody.errors.slug).toBe("Use 2 to 60 lowercase letters, digits or hyphens");
    expect(badBody.values.name).toBe("Équipe conformité");

    const dup = await callRoute(directory.action, postRequest("/spaces", fields, tok("carol", "fr")));
    expect(dup.status).toBe(400);
    expect((await readJson(dup)).errors).toEqual({ slug: "Un autre espace utilise déjà cette adresse" });

    const missing = await callRoute(directory.action, postRequest("/spaces", { slug: s, visibility: "public", joinPolicy: "open" }, tok("alice")));
    expect(missing.status).toBe(400);
    expect(Object.keys((await readJson(missing)).errors).sort()).toEqual(["name", "visibility"]);
  });

  it("parses departments and limits the space to them", async () => {
    const s = slug();
    await callRoute(directory.action, postRequest("/spaces", { name: "Desk", slug: s, visibility: "open", joinPolicy: "open", departments: " Sales, Research ,Sales" }, tok("alice")));
    const header = await readJson(await callRoute(spaceLayout.loader, getRequest(`/spaces/${s}`, tok("alice")), { slug: s }));
    expect(header.space.allowedDepartments).toEqual(["Sales", "Research"]);
    expect((await callRoute(spaceLayout.loader, getRequest(`/spaces/${s}`, tok("carol")), { slug: s })).status).toBe(404);
  });

  it("lets a space admin make a space private, which hides its feed from non-members", async () => {
    const s = slug();
    await callRoute(directory.action, postRequest("/spaces", { name: "Soon private", slug: s, visibility: "open", joinPolicy: "request" }, tok("alice")));
    const header = await readJson(await callRoute(spaceLayout.loader, getRequest(`/spaces/${s}`, tok("alice")), { slug: s }));
    await createPost(await w.viewer(w.users.alice.id), { spaceId: header.space.id, body: { type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text: "Before the change" }] }] } });

    const before = await readJson(await callRoute(spaceFeed.loader, getRequest(`/spaces/${s}`, tok("carol")), { slug: s }));
    expect(before.posts.map((p: { text: string }) => p.text)).toEqual(["Before the change"]);

    // Settings are manage-only: 404 for others.
    expect((await callRoute(spaceSettings.loader, getRequest(`/spaces/${s}/settings`, tok("carol")), { slug: s })).status).toBe(404);
    const denied = await callRoute(spaceSettings.action, postRequest(`/spaces/${s}/settings`, { intent: "settings", name: "X", visibility: "open", joinPolicy: "open" }, tok("carol")), { slug: s });
    expect(denied.status).toBe(404);
    expect((await callRoute(spaceSettings.loader, getRequest(`/spaces/${s}/settings`, tok("alice")), { slug: s })).status).toBe(200);

    const saved = await callRoute(
      spaceSettings.action,
      postRequest(`/spaces/${s}/settings`, { intent: "settings", name: "Now private", description: "", visibility: "private", joinPolicy: "request", departments: "" }, tok("alice")),
      { slug: s },
    );
    expect(await readJson(saved)).toMatchObject({ ok: true, intent: "settings" });

    const after = await readJson(await callRoute(spaceFeed.loader, getRequest(`/spaces/${s}`, tok("carol")), { slug: s }));
    expect(after.locked).toBe(true);
    expect(after.posts).toEqual([]);
    const aliceAfter = await readJson(await callRoute(spaceFeed.loader, getRequest(`/spaces/${s}`, tok("alice")), { slug: s }));
    expect(aliceAfter.posts).toHaveLength(1);

    const invalid = await callRoute(spaceSettings.action, postRequest(`/spaces/${s}/settings`, { intent: "settings", name: "", visibility: "hidden", joinPolicy: "open" }, tok("alice")), { slug: s });
    expect(invalid.status).toBe(400);
    expect(Object.keys((await readJson(invalid)).errors).sort()).toEqual(["name", "visibility"]);
  });

  it("adds a member by email within the viewer's org only", async () => {
    const s = slug();
    await callRoute(directory.action, postRequest("/spaces", { name: "Invite only", slug: s, visibility: "private", joinPolicy: "invite" }, tok("alice")));
    const added = await callRoute(spaceSettings.action, postRequest(`/spaces/${s}/settings`, { intent: "addMember", email: w.users.carol.email.toUpperCase(), role: "member" }, tok("alice")), { slug: s });
    expect(await readJson(added)).toMatchObject({ ok: true, intent: "addMember" });
    expect((await readJson(await callRoute(spaceFeed.loader, getRequest(`/spaces/${s}`, tok("carol")), { slug: s }))).locked).toBe(false);

    const foreign = await callRoute(spaceSettings.action, postRequest(`/spaces/${s}/settings`, { intent: "addMember", email: w.users.outsider.email }, tok("alice")), { slug: s });
    expect(foreign.status).toBe(400);
    expect((await readJson(foreign)).errors).toEqual({ email: "No active colleague in your organisation has this email" });

    const malformed = await callRoute(spaceSettings.action, postRequest(`/spaces/${s}/settings`, { intent: "addMember", email: "nope" }, tok("alice")), { slug: s });
    expect(malformed.status).toBe(400);
    expect((await readJson(malformed)).errors).toEqual({ email: "Invalid email address" });
  });
});

describe("tag pages", () => {
  beforeAll(async () => {
    const alice = await w.viewer(w.users.alice.id);
    const bob = await w.viewer(w.users.bob.id);
    const text = (t: string) => ({ type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text: t }] }] });
    await createPost(alice, { spaceId: w.spaces.open.id, body: text("Rappel #Conformité et $BNP") });
    await createPost(bob, { spaceId: w.spaces.secret.id, body: text("Secret #conformité") });
  });

  it("404s on invalid tags and tickers", async () => {
    for (const tag of ["a b", "x".repeat(51), "123", "tag!", ""]) {
      expect((await callRoute(tagPage.loader, getRequest(`/tags/${encodeURIComponent(tag)}`, tok("carol")), { tag })).status, tag).toBe(404);
    }
    for (const ticker of ["TOOLONGX", "BN P", "B1", "BNP.ABC", ""]) {
      expect((await callRoute(cashtagPage.loader, getRequest(`/cashtags/${encodeURIComponent(ticker)}`, tok("carol")), { ticker })).status, ticker).toBe(404);
    }
    const badFollow = await callRoute(tagPage.action, postRequest("/tags/a%20b", { intent: "follow" }, tok("carol")), { tag: "a b" });
    expect(badFollow.status).toBe(404);
  });

  it("shows the posts the viewer may see for a lower-cased hashtag, and follows it", async () => {
    const res = await readJson(await callRoute(tagPage.loader, getRequest("/tags/Conformit%C3%A9", tok("carol")), { tag: "Conformité" }));
    expect(res.tag).toBe("#conformité");
    expect(res.posts.map((p: { text: string }) => p.text)).toEqual(["Rappel #Conformité et $BNP"]);
    expect(res.following).toBe(false);

    await callRoute(tagPage.action, postRequest("/tags/conformit%C3%A9", { intent: "follow" }, tok("carol")), { tag: "conformité" });
    expect((await readJson(await callRoute(tagPage.loader, getRequest("/tags/conformit%C3%A9", tok("carol")), { tag: "conformité" }))).following).toBe(true);
    const bad = await callRoute(tagPage.action, postRequest("/tags/conformit%C3%A9", { intent: "like" }, tok("carol")), { tag: "conformité" });
    expect(bad.status).toBe(400);

    const bob = await readJson(await callRoute(tagPage.loader, getRequest("/tags/conformit%C3%A9", tok("bob")), { tag: "conformité" }));
    expect(bob.posts).toHaveLength(2);
  });

  it("upper-cases a cashtag and follows it", async () => {
    const res = await readJson(await callRoute(cashtagPage.loader, getRequest("/cashtags/bnp", tok("carol")), { ticker: "bnp" }));
    expect(res.tag).toBe("$BNP");
    expect(res.posts).toHaveLength(1);
    const followed = await callRoute(cashtagPage.action, postRequest("/cashtags/BNP", { intent: "follow" }, tok("carol")), { ticker: "BNP" });
    expect(await readJson(followed)).toMatchObject({ ok: true, tag: "$BNP", following: true });
    expect((await readJson(await callRoute(cashtagPage.loader, getRequest("/cashtags/BNP.PA", tok("carol")), { ticker: "BNP.PA" }))).tag).toBe("$BNP.PA");
  });
});

describe("profiles", () => {
  it("shows a colleague's profile and follows them", async () => {
    const res = await callRoute(profile.loader, getRequest(`/people/${w.users.bob.id}`, tok("carol")), { id: w.users.bob.id });
    expect(res.status).toBe(200);
    const data = await readJson(res);
    expect(data.person).toMatchObject({ name: "Bob", department: "Research", following: false });
    await callRoute(profile.action, postRequest(`/people/${w.users.bob.id}`, { intent: "follow" }, tok("carol")), { id: w.users.bob.id });
    expect((await readJson(await callRoute(profile.loader, getRequest(`/people/${w.users.bob.id}`, tok("carol")), { id: w.users.bob.id }))).person.following).toBe(true);
  });

  it("is 404 across a barrier, across firms and for unknown ids", async () => {
    expect((await callRoute(profile.loader, getRequest(`/people/${w.users.bob.id}`, tok("ivan")), { id: w.users.bob.id })).status).toBe(404);
    expect((await callRoute(profile.action, postRequest(`/people/${w.users.bob.id}`, { intent: "follow" }, tok("ivan")), { id: w.users.bob.id })).status).toBe(404);
    expect((await callRoute(profile.loader, getRequest(`/people/${w.users.alice.id}`, tok("outsider")), { id: w.users.alice.id })).status).toBe(404);
    expect((await callRoute(profile.loader, getRequest("/people/nobody", tok("carol")), { id: "nobody" })).status).toBe(404);
  });
});

describe("the spaces directory at size", () => {
  it("pages 24 at a time, the viewer's spaces first, every listable space once; finds by name or description", async () => {
    const org = await makeOrg("Directory Bank");
    const owner = await makeUser(org.id, { name: "Space Maker" });
    const reader = await makeUser(org.id, { name: "Space Reader" });
    const vo = await loadViewer(w.db, owner.id);
    const made = [];
    for (let i = 0; i < 30; i++) {
      const n = String(i).padStart(2, "0");
      made.push(await makeSpace(vo, { name: `Desk ${n}`, slug: `desk-${n}-${org.id.slice(-6)}`.toLowerCase(), description: i === 7 ? "Rates 100% hedged_book" : "" }));
    }
    const hidden = await makeSpace(vo, { name: "Desk secret", visibility: "secret", joinPolicy: "invite" });
    // the reader belongs to two spaces late in the alphabet: they come first
    const token = (await createSession(reader.id)).token;
    for (const s of [made[28], made[29]]) expect((await callRoute(spaceLayout.action, postRequest(`/spaces/${s.slug}`, { intent: "join" }, { token }), slugOf(s))).status).toBe(200);
    const page = async (qs: string) => readJson(await callRoute(directory.loader, getRequest(`/spaces${qs}`, { token })));
    const first = await page("");
    expect(first.spaces).toHaveLength(24);
    expect(first.more).toBe(true);
    expect(first.spaces.slice(0, 2).map((s: { id: string; isMember: boolean }) => [s.id, s.isMember])).toEqual([
      [made[28].id, true],
      [made[29].id, true],
    ]);
    const second = await page("?page=1");
    expect(second.more).toBe(false);
    const ids = [...first.spaces, ...second.spaces].map((s: { id: string }) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(made.map((s) => s.id).sort()); // not the secret one
    expect(ids).not.toContain(hidden.id);
    // search: the name, then the description's words, LIKE's wildcards taken literally
    expect((await page("?q=desk%2003")).spaces.map((s: { id: string }) => s.id)).toEqual([made[3].id]);
    expect((await page("?q=100%25%20hedged_")).spaces.map((s: { id: string }) => s.id)).toEqual([made[7].id]);
    expect((await page("?q=_")).spaces.map((s: { id: string }) => s.id)).toEqual([made[7].id]);
    expect((await page("?q=secret")).spaces).toEqual([]);
    // what a URL may carry that is not a page or a search falls back, never fails
    expect((await page("?page=-3")).spaces).toHaveLength(24);
    expect((await page(`?q=${"x".repeat(500)}`)).query.q).toBe("");
  });
});
