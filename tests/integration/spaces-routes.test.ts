import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { spaces } from "../../app/db/schema";
import { createPost } from "../../app/feed/posts.server";
import { createSession } from "../../app/identity/session.server";
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
import { buildWorld, type World } from "../fixtures/world";

// Route modules called the way Remix calls them: a real Request with a session cookie.

const ORIGIN = "http://localhost:3000";
const UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36";
type Handler = (args: { request: Request; params: Record<string, string>; context: { clientIp: string } }) => unknown;

function headers(token: string, lang?: string) {
  const h = new Headers({ "User-Agent": UA, Cookie: `atrium_session=${encodeURIComponent(token)}` });
  if (lang) h.set("Accept-Language", lang);
  return h;
}
const get = (path: string, token: string) => new Request(ORIGIN + path, { headers: headers(token) });
const post = (path: string, fields: Record<string, string>, token: string, lang?: string) =>
  new Request(ORIGIN + path, { method: "POST", body: new URLSearchParams(fields), headers: headers(token, lang) });

/** Runs a loader or action; a thrown Response (redirect, 404) is returned like a returned one. */
async function run(fn: unknown, request: Request, params: Record<string, string> = {}) {
  try {
    const res = await (fn as Handler)({ request, params, context: { clientIp: "10.9.1.1" } });
    if (!(res instanceof Response)) throw new Error(`expected a Response, got ${JSON.stringify(res)}`);
    return res;
  } catch (e) {
    if (e instanceof Response) return e;
    throw e;
  }
}
const body = (res: Response) => res.json() as Promise<Record<string, any>>;

let w: World;
const tokens: Record<string, string> = {};
const tok = (name: keyof World["users"]) => tokens[name];

beforeAll(async () => {
  w = await buildWorld();
  for (const [name, u] of Object.entries(w.users)) {
    if (name === "dave") continue; // deactivated
    tokens[name] = (await createSession(u.id, { ip: "10.9.1.250", userAgent: UA })).token;
  }
});

const slugOf = (s: { slug: string }) => ({ slug: s.slug });

describe("space pages", () => {
  it("answers 404 for a secret space to a non-member, on every tab", async () => {
    const { secret } = w.spaces;
    for (const fn of [spaceLayout.loader, spaceFeed.loader, spaceMembers.loader, spaceSettings.loader]) {
      const res = await run(fn, get(`/spaces/${secret.slug}`, tok("carol")), slugOf(secret));
      expect(res.status).toBe(404);
    }
    const act = await run(spaceLayout.action, post(`/spaces/${secret.slug}`, { intent: "join" }, tok("carol")), slugOf(secret));
    expect(act.status).toBe(404);
    // Its member sees it.
    expect((await run(spaceLayout.loader, get(`/spaces/${secret.slug}`, tok("bob")), slugOf(secret))).status).toBe(200);
  });

  it("shows a private space to a non-member only as 'request to join', without its feed or members", async () => {
    const { priv } = w.spaces;
    const header = await body(await run(spaceLayout.loader, get(`/spaces/${priv.slug}`, tok("carol")), slugOf(priv)));
    expect(header.space.name).toBe("Private");
    expect(header.abilities).toMatchObject({ read: false, requestJoin: true, join: false, post: false, manage: false });
    const feed = await body(await run(spaceFeed.loader, get(`/spaces/${priv.slug}`, tok("carol")), slugOf(priv)));
    expect(feed.locked).toBe(true);
    expect(feed.posts).toEqual([]);
    expect(JSON.stringify(feed)).not.toContain("Private post");
    expect((await run(spaceMembers.loader, get(`/spaces/${priv.slug}/members`, tok("carol")), slugOf(priv))).status).toBe(404);

    // A member reads the feed.
    const aliceFeed = await body(await run(spaceFeed.loader, get(`/spaces/${priv.slug}`, tok("alice")), slugOf(priv)));
    expect(aliceFeed.locked).toBe(false);
    expect(aliceFeed.posts.map((p: { text: string }) => p.text)).toContain("Private post");
  });

  it("lists in the directory exactly the spaces the policy lists", async () => {
    const all = await w.db.select().from(spaces).where(eq(spaces.orgId, w.org.id));
    for (const name of ["alice", "bob", "carol", "ivan", "admin", "compliance"] as const) {
      const viewer = await w.viewer(w.users[name].id);
      const expected = all.filter((s) => can(viewer, "list", spaceFactsOf(s))).map((s) => s.id).sort();
      const listed = (await body(await run(directory.loader, get("/spaces", tok(name))))).spaces as { id: string; slug: string }[];
      expect(listed.map((s) => s.id).sort(), name).toEqual(expected);
    }
    const carol = (await body(await run(directory.loader, get("/spaces", tok("carol"))))).spaces as { id: string; isMember: boolean }[];
    expect(carol.map((s) => s.id)).not.toContain(w.spaces.secret.id);
    expect(carol.map((s) => s.id)).toContain(w.spaces.priv.id);
    const ivan = (await body(await run(directory.loader, get("/spaces", tok("ivan"))))).spaces as { id: string }[];
    expect(ivan.map((s) => s.id)).not.toContain(w.spaces.research.id);
    const alice = (await body(await run(directory.loader, get("/spaces", tok("alice"))))).spaces as { id: string; isMember: boolean; members: number }[];
    expect(alice.find((s) => s.id === w.spaces.open.id)).toMatchObject({ isMember: true });
  });

  it("joins an open space, then leaves it", async () => {
    const { open } = w.spaces;
    const res = await run(spaceLayout.action, post(`/spaces/${open.slug}`, { intent: "join" }, tok("carol")), slugOf(open));
    expect(res.status).toBe(200);
    expect(await body(res)).toMatchObject({ ok: true, result: "joined" });
    const header = await body(await run(spaceLayout.loader, get(`/spaces/${open.slug}`, tok("carol")), slugOf(open)));
    expect(header.abilities).toMatchObject({ leave: true, post: true, join: false });

    const left = await run(spaceLayout.action, post(`/spaces/${open.slug}`, { intent: "leave" }, tok("carol")), slugOf(open));
    expect(await body(left)).toMatchObject({ result: "left" });
  });

  it("follows and unfollows a space", async () => {
    const { open } = w.spaces;
    await run(spaceLayout.action, post(`/spaces/${open.slug}`, { intent: "follow" }, tok("carol")), slugOf(open));
    expect((await body(await run(spaceLayout.loader, get(`/spaces/${open.slug}`, tok("carol")), slugOf(open)))).following).toBe(true);
    await run(spaceLayout.action, post(`/spaces/${open.slug}`, { intent: "unfollow" }, tok("carol")), slugOf(open));
    expect((await body(await run(spaceLayout.loader, get(`/spaces/${open.slug}`, tok("carol")), slugOf(open)))).following).toBe(false);
  });

  it("records a request to join that the space admin approves", async () => {
    const { priv } = w.spaces;
    const res = await run(spaceLayout.action, post(`/spaces/${priv.slug}`, { intent: "join" }, tok("carol")), slugOf(priv));
    expect(await body(res)).toMatchObject({ ok: true, result: "requested" });
    const header = await body(await run(spaceLayout.loader, get(`/spaces/${priv.slug}`, tok("carol")), slugOf(priv)));
    expect(header.requested).toBe(true);
    expect((await body(await run(spaceFeed.loader, get(`/spaces/${priv.slug}`, tok("carol")), slugOf(priv)))).locked).toBe(true);

    // Only a manager may approve.
    const byBob = await run(spaceLayout.action, post(`/spaces/${priv.slug}`, { intent: "approve", userId: w.users.carol.id }, tok("bob")), slugOf(priv));
    expect(byBob.status).toBe(403);

    const members = await body(await run(spaceMembers.loader, get(`/spaces/${priv.slug}/members`, tok("alice")), slugOf(priv)));
    expect(members.canManage).toBe(true);
    expect(members.pending.map((p: { id: string }) => p.id)).toEqual([w.users.carol.id]);

    const approved = await run(spaceLayout.action, post(`/spaces/${priv.slug}`, { intent: "approve", userId: w.users.carol.id }, tok("alice")), slugOf(priv));
    expect(await body(approved)).toMatchObject({ ok: true, result: "approved" });
    const after = await body(await run(spaceMembers.loader, get(`/spaces/${priv.slug}/members`, tok("alice")), slugOf(priv)));
    expect(after.pending).toEqual([]);
    expect(after.members.map((m: { id: string }) => m.id)).toContain(w.users.carol.id);
    const feed = await body(await run(spaceFeed.loader, get(`/spaces/${priv.slug}`, tok("carol")), slugOf(priv)));
    expect(feed.locked).toBe(false);
    expect(feed.posts.map((p: { text: string }) => p.text)).toContain("Private post");

    // Approving again: there is no request any more.
    const again = await run(spaceLayout.action, post(`/spaces/${priv.slug}`, { intent: "approve", userId: w.users.carol.id }, tok("alice")), slugOf(priv));
    expect(again.status).toBe(404);

    // The admin removes her; the feed locks again.
    const removed = await run(spaceLayout.action, post(`/spaces/${priv.slug}`, { intent: "remove", userId: w.users.carol.id }, tok("alice")), slugOf(priv));
    expect(await body(removed)).toMatchObject({ result: "removed" });
    expect((await body(await run(spaceFeed.loader, get(`/spaces/${priv.slug}`, tok("carol")), slugOf(priv)))).locked).toBe(true);
  });

  it("posts from the space composer for members only", async () => {
    const { open, priv } = w.spaces;
    const ok = await run(spaceFeed.action, post(`/spaces/${open.slug}?index`, { intent: "post", formId: "f", bodyText: "Hello #spaces" }, tok("alice")), slugOf(open));
    expect(ok.status).toBe(302);
    expect(ok.headers.get("Location")).toBe(`/spaces/${open.slug}`);
    const feed = await body(await run(spaceFeed.loader, get(`/spaces/${open.slug}`, tok("alice")), slugOf(open)));
    expect(feed.canPost).toBe(true);
    expect(feed.posts[0].text).toBe("Hello #spaces");
    expect(feed.posts[0].space.slug).toBe(open.slug);

    // A reader who is not a member may not post; a non-reader gets 404.
    expect((await body(await run(spaceFeed.loader, get(`/spaces/${open.slug}`, tok("carol")), slugOf(open)))).canPost).toBe(false);
    expect((await run(spaceFeed.action, post(`/spaces/${open.slug}?index`, { intent: "post", bodyText: "x" }, tok("carol")), slugOf(open))).status).toBe(403);
    expect((await run(spaceFeed.action, post(`/spaces/${priv.slug}?index`, { intent: "post", bodyText: "x" }, tok("carol")), slugOf(priv))).status).toBe(404);

    const empty = await run(spaceFeed.action, post(`/spaces/${open.slug}?index`, { intent: "post", formId: "f", bodyText: "   " }, tok("alice")), slugOf(open));
    expect(empty.status).toBe(400);
    const emptyBody = await body(empty);
    expect(Object.keys(emptyBody.errors)).toEqual(["body"]);
    expect(emptyBody.values.formId).toBe("f");
  });

  it("pages the space feed with a cursor", async () => {
    const s = `paged-${Math.random().toString(36).slice(2, 8)}`;
    await run(directory.action, post("/spaces", { name: "Paged", slug: s, visibility: "open", joinPolicy: "open" }, tok("alice")));
    for (let i = 0; i < 22; i++) {
      await run(spaceFeed.action, post(`/spaces/${s}?index`, { intent: "post", bodyText: `Post ${i}` }, tok("alice")), { slug: s });
    }
    const first = await body(await run(spaceFeed.loader, get(`/spaces/${s}`, tok("carol")), { slug: s }));
    expect(first.posts).toHaveLength(20);
    expect(first.nextCursor).toBeTruthy();
    const second = await body(await run(spaceFeed.loader, get(`/spaces/${s}?cursor=${first.nextCursor}`, tok("carol")), { slug: s }));
    expect(second.posts).toHaveLength(2);
    expect(second.nextCursor).toBeNull();
    const seen = new Set([...first.posts, ...second.posts].map((p: { id: string }) => p.id));
    expect(seen.size).toBe(22);
  });

  it("rejects an unknown intent with 400", async () => {
    const { open } = w.spaces;
    const res = await run(spaceLayout.action, post(`/spaces/${open.slug}`, { intent: "explode" }, tok("alice")), slugOf(open));
    expect(res.status).toBe(400);
    expect(Object.keys((await body(res)).errors)).toContain("intent");
  });
});

describe("creating and configuring a space", () => {
  const slug = () => `route-${Math.random().toString(36).slice(2, 10)}`;

  it("creates a space and redirects to it; a bad or taken slug is a 400 field error", async () => {
    const s = slug();
    const fields = { name: "Équipe conformité", slug: s, description: "Veille réglementaire", visibility: "open", joinPolicy: "open", departments: "" };
    const created = await run(directory.action, post("/spaces", fields, tok("alice")));
    expect(created.status).toBe(302);
    expect(created.headers.get("Location")).toBe(`/spaces/${s}`);

    const bad = await run(directory.action, post("/spaces", { ...fields, slug: "Bad Slug!" }, tok("alice")));
    expect(bad.status).toBe(400);
    const badBody = await body(bad);
    expect(badBody.errors.slug).toBe("Use 2 to 60 lowercase letters, digits or hyphens");
    expect(badBody.values.name).toBe("Équipe conformité");

    const dup = await run(directory.action, post("/spaces", fields, tok("carol"), "fr"));
    expect(dup.status).toBe(400);
    expect((await body(dup)).errors).toEqual({ slug: "Un autre espace utilise déjà cette adresse" });

    const missing = await run(directory.action, post("/spaces", { slug: s, visibility: "public", joinPolicy: "open" }, tok("alice")));
    expect(missing.status).toBe(400);
    expect(Object.keys((await body(missing)).errors).sort()).toEqual(["name", "visibility"]);
  });

  it("parses departments and limits the space to them", async () => {
    const s = slug();
    await run(directory.action, post("/spaces", { name: "Desk", slug: s, visibility: "open", joinPolicy: "open", departments: " Sales, Research ,Sales" }, tok("alice")));
    const header = await body(await run(spaceLayout.loader, get(`/spaces/${s}`, tok("alice")), { slug: s }));
    expect(header.space.allowedDepartments).toEqual(["Sales", "Research"]);
    expect((await run(spaceLayout.loader, get(`/spaces/${s}`, tok("carol")), { slug: s })).status).toBe(404);
  });

  it("lets a space admin make a space private, which hides its feed from non-members", async () => {
    const s = slug();
    await run(directory.action, post("/spaces", { name: "Soon private", slug: s, visibility: "open", joinPolicy: "request" }, tok("alice")));
    const header = await body(await run(spaceLayout.loader, get(`/spaces/${s}`, tok("alice")), { slug: s }));
    await createPost(await w.viewer(w.users.alice.id), { spaceId: header.space.id, body: { type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text: "Before the change" }] }] } });

    const before = await body(await run(spaceFeed.loader, get(`/spaces/${s}`, tok("carol")), { slug: s }));
    expect(before.posts.map((p: { text: string }) => p.text)).toEqual(["Before the change"]);

    // Settings are manage-only: 404 for others.
    expect((await run(spaceSettings.loader, get(`/spaces/${s}/settings`, tok("carol")), { slug: s })).status).toBe(404);
    const denied = await run(spaceSettings.action, post(`/spaces/${s}/settings`, { intent: "settings", name: "X", visibility: "open", joinPolicy: "open" }, tok("carol")), { slug: s });
    expect(denied.status).toBe(404);
    expect((await run(spaceSettings.loader, get(`/spaces/${s}/settings`, tok("alice")), { slug: s })).status).toBe(200);

    const saved = await run(
      spaceSettings.action,
      post(`/spaces/${s}/settings`, { intent: "settings", name: "Now private", description: "", visibility: "private", joinPolicy: "request", departments: "" }, tok("alice")),
      { slug: s },
    );
    expect(await body(saved)).toMatchObject({ ok: true, intent: "settings" });

    const after = await body(await run(spaceFeed.loader, get(`/spaces/${s}`, tok("carol")), { slug: s }));
    expect(after.locked).toBe(true);
    expect(after.posts).toEqual([]);
    const aliceAfter = await body(await run(spaceFeed.loader, get(`/spaces/${s}`, tok("alice")), { slug: s }));
    expect(aliceAfter.posts).toHaveLength(1);

    const invalid = await run(spaceSettings.action, post(`/spaces/${s}/settings`, { intent: "settings", name: "", visibility: "hidden", joinPolicy: "open" }, tok("alice")), { slug: s });
    expect(invalid.status).toBe(400);
    expect(Object.keys((await body(invalid)).errors).sort()).toEqual(["name", "visibility"]);
  });

  it("adds a member by email within the viewer's org only", async () => {
    const s = slug();
    await run(directory.action, post("/spaces", { name: "Invite only", slug: s, visibility: "private", joinPolicy: "invite" }, tok("alice")));
    const added = await run(spaceSettings.action, post(`/spaces/${s}/settings`, { intent: "addMember", email: w.users.carol.email.toUpperCase(), role: "member" }, tok("alice")), { slug: s });
    expect(await body(added)).toMatchObject({ ok: true, intent: "addMember" });
    expect((await body(await run(spaceFeed.loader, get(`/spaces/${s}`, tok("carol")), { slug: s }))).locked).toBe(false);

    const foreign = await run(spaceSettings.action, post(`/spaces/${s}/settings`, { intent: "addMember", email: w.users.outsider.email }, tok("alice")), { slug: s });
    expect(foreign.status).toBe(400);
    expect((await body(foreign)).errors).toEqual({ email: "No active colleague in your organisation has this email" });

    const malformed = await run(spaceSettings.action, post(`/spaces/${s}/settings`, { intent: "addMember", email: "nope" }, tok("alice")), { slug: s });
    expect(malformed.status).toBe(400);
    expect((await body(malformed)).errors).toEqual({ email: "Invalid email address" });
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
      expect((await run(tagPage.loader, get(`/tags/${encodeURIComponent(tag)}`, tok("carol")), { tag })).status, tag).toBe(404);
    }
    for (const ticker of ["TOOLONGX", "BN P", "B1", "BNP.ABC", ""]) {
      expect((await run(cashtagPage.loader, get(`/cashtags/${encodeURIComponent(ticker)}`, tok("carol")), { ticker })).status, ticker).toBe(404);
    }
    const badFollow = await run(tagPage.action, post("/tags/a%20b", { intent: "follow" }, tok("carol")), { tag: "a b" });
    expect(badFollow.status).toBe(404);
  });

  it("shows the posts the viewer may see for a lower-cased hashtag, and follows it", async () => {
    const res = await body(await run(tagPage.loader, get("/tags/Conformit%C3%A9", tok("carol")), { tag: "Conformité" }));
    expect(res.tag).toBe("#conformité");
    expect(res.posts.map((p: { text: string }) => p.text)).toEqual(["Rappel #Conformité et $BNP"]);
    expect(res.following).toBe(false);

    await run(tagPage.action, post("/tags/conformit%C3%A9", { intent: "follow" }, tok("carol")), { tag: "conformité" });
    expect((await body(await run(tagPage.loader, get("/tags/conformit%C3%A9", tok("carol")), { tag: "conformité" }))).following).toBe(true);
    const bad = await run(tagPage.action, post("/tags/conformit%C3%A9", { intent: "like" }, tok("carol")), { tag: "conformité" });
    expect(bad.status).toBe(400);

    const bob = await body(await run(tagPage.loader, get("/tags/conformit%C3%A9", tok("bob")), { tag: "conformité" }));
    expect(bob.posts).toHaveLength(2);
  });

  it("upper-cases a cashtag and follows it", async () => {
    const res = await body(await run(cashtagPage.loader, get("/cashtags/bnp", tok("carol")), { ticker: "bnp" }));
    expect(res.tag).toBe("$BNP");
    expect(res.posts).toHaveLength(1);
    const followed = await run(cashtagPage.action, post("/cashtags/BNP", { intent: "follow" }, tok("carol")), { ticker: "BNP" });
    expect(await body(followed)).toMatchObject({ ok: true, tag: "$BNP", following: true });
    expect((await body(await run(cashtagPage.loader, get("/cashtags/BNP.PA", tok("carol")), { ticker: "BNP.PA" }))).tag).toBe("$BNP.PA");
  });
});

describe("profiles", () => {
  it("shows a colleague's profile and follows them", async () => {
    const res = await run(profile.loader, get(`/people/${w.users.bob.id}`, tok("carol")), { id: w.users.bob.id });
    expect(res.status).toBe(200);
    const data = await body(res);
    expect(data.person).toMatchObject({ name: "Bob", department: "Research", following: false });
    await run(profile.action, post(`/people/${w.users.bob.id}`, { intent: "follow" }, tok("carol")), { id: w.users.bob.id });
    expect((await body(await run(profile.loader, get(`/people/${w.users.bob.id}`, tok("carol")), { id: w.users.bob.id }))).person.following).toBe(true);
  });

  it("is 404 across a barrier, across firms and for unknown ids", async () => {
    expect((await run(profile.loader, get(`/people/${w.users.bob.id}`, tok("ivan")), { id: w.users.bob.id })).status).toBe(404);
    expect((await run(profile.action, post(`/people/${w.users.bob.id}`, { intent: "follow" }, tok("ivan")), { id: w.users.bob.id })).status).toBe(404);
    expect((await run(profile.loader, get(`/people/${w.users.alice.id}`, tok("outsider")), { id: w.users.alice.id })).status).toBe(404);
    expect((await run(profile.loader, get("/people/nobody", tok("carol")), { id: "nobody" })).status).toBe(404);
  });
});
