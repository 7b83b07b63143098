import { and, eq } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { apiTokens, archiveRecords, auditLog, content } from "../../app/db/schema";
import { createApiToken, listApiTokens, revokeApiToken, type TokenInput } from "../../app/integrations/tokens.server";
import { loadContentFacts, loadSpaceFacts, loadUserFacts } from "../../app/policy/facts.server";
import { can } from "../../app/policy/policy";
import * as answers from "../../app/routes/api.v1.questions.$id.answers";
import * as comment from "../../app/routes/api.v1.comments.$id";
import * as me from "../../app/routes/api.v1.me";
import * as people from "../../app/routes/api.v1.people";
import * as person from "../../app/routes/api.v1.people.$id";
import * as post from "../../app/routes/api.v1.posts.$id";
import * as postComments from "../../app/routes/api.v1.posts.$id.comments";
import * as posts from "../../app/routes/api.v1.posts";
import * as questions from "../../app/routes/api.v1.questions";
import * as space from "../../app/routes/api.v1.spaces.$id";
import * as spacesList from "../../app/routes/api.v1.spaces";
import { readdirSync } from "node:fs";
import { makeComment, paragraphDoc } from "../../scripts/lib/factories";
import { buildWorld, type World } from "../fixtures/world";
import { callRoute, ORIGIN, readJson } from "../support/remix";

let w: World;
type Persona = "admin" | "alice" | "bob" | "carol" | "ivan" | "compliance";
const PERSONAS: Persona[] = ["admin", "alice", "bob", "carol", "ivan", "compliance"];
const read: Record<string, string> = {};
/** What a token without the admin scope acts as: its owner, organisation roles dropped (never more than the owner). */
const tokenViewer = async (p: Persona) => ({ ...(await w.viewer(w.users[p].id)), roles: new Set<never>() });

const api = (path: string, token?: string, init: { method?: string; body?: unknown; contentType?: string } = {}) => {
  const headers = new Headers();
  if (token) headers.set("Authorization", `Bearer ${token}`);
  if (init.body !== undefined) headers.set("Content-Type", init.contentType ?? "application/json");
  const body = init.body === undefined ? undefined : typeof init.body === "string" ? init.body : JSON.stringify(init.body);
  return new Request(ORIGIN + path, { method: init.method ?? (body ? "POST" : "GET"), headers, body });
};

async function token(persona: Persona, input: Partial<TokenInput> = {}) {
  const adminV = await w.viewer(w.users.admin.id);
  const made = await createApiToken(adminV, { kind: "personal", name: `${persona} token`, ownerId: w.users[persona].id, scopes: ["read"], expiresInDays: null, ...input });
  return made.token;
}

beforeAll(async () => {
  w = await buildWorld();
  for (const p of PERSONAS) read[p] = await token(p);
});

afterEach(() => {
  delete process.env.API_RATE_LIMIT_PER_MINUTE;
});

describe("API tokens", () => {
  it("are created by an org admin only, shown once and stored hashed; revoked tokens stop working; both audited", async () => {
    const aliceV = await w.viewer(w.users.alice.id);
    await expect(createApiToken(aliceV, { kind: "personal", name: "x", ownerId: w.users.alice.id, scopes: ["read"], expiresInDays: null })).rejects.toMatchObject({ status: 404 });
    const adminV = await w.viewer(w.users.admin.id);
    const made = await createApiToken(adminV, { kind: "service", name: "Reporting bot", ownerId: w.users.carol.id, scopes: ["read"], expiresInDays: 30 });
    expect(made.token).toMatch(/^atr_[a-z2-7]{24}_[a-z2-7]{48}$/);
    const [row] = await w.db.select().from(apiTokens).where(eq(apiTokens.id, made.id));
    expect(row.secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(made.token.split("_")[2]);
    expect((await listApiTokens(adminV)).find((t) => t.id === made.id)).toMatchObject({ status: "active", ownerName: "Carol", scopes: ["read"] });

    expect((await callRoute(me.loader, api("/api/v1/me", made.token))).status).toBe(200);
    expect(await revokeApiToken(adminV, made.id)).toBe(true);
    const after = await callRoute(me.loader, api("/api/v1/me", made.token));
    expect(after.status).toBe(401);
    expect(after.headers.get("Content-Type")).toBe("application/problem+json");
    const audit = await w.db.select().from(auditLog).where(and(eq(auditLog.orgId, w.org.id), eq(auditLog.targetId, made.id)));
    expect(audit.map((a) => a.action).sort()).toEqual(["token.create", "token.revoke"]);
  });

  it("refuses a missing, malformed or forged token with 401 problem details", async () => {
    for (const t of [undefined, "nope", read.alice.slice(0, -1) + (read.alice.endsWith("a") ? "b" : "a")]) {
      const res = await callRoute(me.loader, api("/api/v1/me", t));
      expect(res.status).toBe(401);
      expect(res.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
      expect((await readJson(res)).status).toBe(401);
    }
  });

  it("refuses an expired token and one whose owner was deactivated", async () => {
    const expired = await token("alice", { expiresInDays: 1 });
    const { testClock } = await import("../../app/utils/clock.server");
    testClock.advance(2 * 86_400_000);
    try {
      expect((await callRoute(me.loader, api("/api/v1/me", expired))).status).toBe(401);
    } finally {
      testClock.reset();
    }
    // dave is deactivated in the world: a token made for him earlier cannot act
    const [daveToken] = await w.db.select().from(apiTokens).where(eq(apiTokens.ownerId, w.users.dave.id));
    expect(daveToken).toBeUndefined();
    const adminV = await w.viewer(w.users.admin.id);
    await expect(createApiToken(adminV, { kind: "personal", name: "d", ownerId: w.users.dave.id, scopes: ["read"], expiresInDays: null })).rejects.toThrow("ownerId");
  });
});

describe("the policy holds for the API as for the pages", () => {
  it("a token reads a post exactly when its owner may, and 404s the rest", async () => {
    for (const p of PERSONAS) {
      const viewer = await tokenViewer(p);
      for (const [name, row] of Object.entries(w.posts)) {
        const facts = (await loadContentFacts(w.db, [row.id])).get(row.id)!;
        const res = await callRoute(post.loader, api(`/api/v1/posts/${row.id}`, read[p]), { id: row.id });
        expect([p, name, res.status]).toEqual([p, name, can(viewer, "read", facts) ? 200 : 404]);
        if (res.status === 404) expect(res.headers.get("Content-Type")).toBe("application/problem+json");
      }
    }
  });

  it("lists only what the owner may read, every readable post of the world included, across cursor pages", async () => {
    for (const p of PERSONAS) {
      const viewer = await tokenViewer(p);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const q: string = cursor ? `?limit=2&cursor=${cursor}` : "?limit=2";
        const res = await callRoute(posts.loader, api(`/api/v1/posts${q}`, read[p]));
        expect(res.status).toBe(200);
        expect(res.headers.get("RateLimit-Limit")).toBe("600");
        const body = await readJson(res);
        expect(body.items.length).toBeLessThanOrEqual(2);
        seen.push(...body.items.map((i: { id: string }) => i.id));
        cursor = body.nextCursor;
      } while (cursor);
      expect(new Set(seen).size).toBe(seen.length);
      for (const id of seen) expect(can(viewer, "read", (await loadContentFacts(w.db, [id])).get(id)!)).toBe(true);
      for (const row of Object.values(w.posts)) {
        const readable = can(viewer, "read", (await loadContentFacts(w.db, [row.id])).get(row.id)!);
        expect([p, row.id, seen.includes(row.id)]).toEqual([p, row.id, readable]);
      }
    }
  });

  it("spaces and people follow the list and read rules", async () => {
    for (const p of PERSONAS) {
      const viewer = await tokenViewer(p);
      const body = await readJson(await callRoute(spacesList.loader, api("/api/v1/spaces?limit=100", read[p])));
      const listed = new Set(body.items.map((s: { id: string }) => s.id));
      for (const s of Object.values(w.spaces)) {
        const facts = (await loadSpaceFacts(w.db, s.id))!;
        expect([p, s.name, listed.has(s.id)]).toEqual([p, s.name, can(viewer, "list", facts)]);
        const one = await callRoute(space.loader, api(`/api/v1/spaces/${s.id}`, read[p]), { id: s.id });
        expect(one.status).toBe(can(viewer, "list", facts) ? 200 : 404);
      }
      for (const [name, u] of Object.entries(w.users)) {
        const facts = (await loadUserFacts(w.db, u.id))!;
        const res = await callRoute(person.loader, api(`/api/v1/people/${u.id}`, read[p]), { id: u.id });
        expect([p, name, res.status]).toEqual([p, name, can(viewer, "read", facts) ? 200 : 404]);
      }
    }
    // ivan (IB) never sees bob (Research) in the directory either
    const ivanPeople = await readJson(await callRoute(people.loader, api("/api/v1/people?limit=100", read.ivan)));
    expect(ivanPeople.items.map((u: { id: string }) => u.id)).not.toContain(w.users.bob.id);
  });

  it("without the admin scope a token drops its owner's admin roles; with it, they apply", async () => {
    // an admin sees deactivated dave's profile; a read-only token of the same admin does not
    const dave = w.users.dave.id;
    expect((await callRoute(person.loader, api(`/api/v1/people/${dave}`, read.admin), { id: dave })).status).toBe(404);
    const adminScoped = await token("admin", { scopes: ["read", "admin"] });
    expect((await callRoute(person.loader, api(`/api/v1/people/${dave}`, adminScoped), { id: dave })).status).toBe(200);
  });

  it("comments are judged on their thread: a comment under a hidden post is 404", async () => {
    const bobV = await w.viewer(w.users.bob.id);
    const c = await makeComment(bobV, w.posts.secretByBob.id, "Secret comment");
    expect((await callRoute(comment.loader, api(`/api/v1/comments/${c.id}`, read.bob), { id: c.id })).status).toBe(200);
    expect((await callRoute(comment.loader, api(`/api/v1/comments/${c.id}`, read.alice), { id: c.id })).status).toBe(404);
    const list = await callRoute(postComments.loader, api(`/api/v1/posts/${w.posts.secretByBob.id}/comments`, read.alice), { id: w.posts.secretByBob.id });
    expect(list.status).toBe(404);
    // a post id asked for as a comment does not exist there
    expect((await callRoute(comment.loader, api(`/api/v1/comments/${w.posts.openByAlice.id}`, read.alice), { id: w.posts.openByAlice.id })).status).toBe(404);
  });
});

describe("every /api/v1 route that takes an id", () => {
  // hidden from the token's owner (carol): the secret post, bob's secret-thread comment, a private-space question
  const CASES: Record<string, (w: World) => Promise<string>> = {
    "api.v1.posts.$id.ts": async (w) => w.posts.secretByBob.id,
    "api.v1.posts.$id.comments.ts": async (w) => w.posts.privByAlice.id,
    "api.v1.comments.$id.ts": async (w) => (await makeComment(await w.viewer(w.users.bob.id), w.posts.secretByBob.id, "Hidden comment")).id,
    "api.v1.questions.$id.ts": async (w) => hiddenQuestion(w),
    "api.v1.questions.$id.answers.ts": async (w) => hiddenQuestion(w),
    "api.v1.answers.$id.ts": async (w) => {
      const { answerQuestion } = await import("../../app/qa/questions.server");
      return (await answerQuestion(await w.viewer(w.users.alice.id), await hiddenQuestion(w), paragraphDoc("Hidden answer"))).id;
    },
    "api.v1.spaces.$id.ts": async (w) => w.spaces.secret.id,
    "api.v1.people.$id.ts": async (w) => w.users.outsider.id,
  };
  let hiddenQ: string | null = null;
  async function hiddenQuestion(w: World) {
    if (hiddenQ) return hiddenQ;
    const { askQuestion } = await import("../../app/qa/questions.server");
    hiddenQ = (await askQuestion(await w.viewer(w.users.alice.id), { title: "Private question on fees", body: paragraphDoc("fees"), tags: [], spaceId: w.spaces.priv.id })).id;
    return hiddenQ;
  }

  it("answers a hidden id exactly as an unknown one (404 problem), on GET and POST", async () => {
    const files = readdirSync("app/routes").filter((f) => f.startsWith("api.v1.") && f.includes("$"));
    expect(files.filter((f) => !CASES[f])).toEqual([]);
    const writer = await token("carol", { scopes: ["read", "write"] });
    for (const [file, hidden] of Object.entries(CASES)) {
      const mod = await import(/* @vite-ignore */ `../../app/routes/${file}`);
      const id = await hidden(w);
      for (const target of [id, "00000000-0000-0000-0000-000000000000"]) {
        const res = await callRoute(mod.loader, api(`/x/${target}`, writer), { id: target });
        expect([file, res.status, res.headers.get("Content-Type")]).toEqual([file, 404, "application/problem+json"]);
        expect(await res.text()).not.toMatch(/Secret|Hidden|Private/);
        if (mod.action) {
          const posted = await callRoute(mod.action, api(`/x/${target}`, writer, { body: { text: "probe" } }), { id: target });
          expect([file, "POST", posted.status]).toEqual([file, "POST", 404]);
        }
      }
    }
  });
});

describe("writes", () => {
  it("need the write scope (403 problem), go through the pages' domain calls, and are archived", async () => {
    const denied = await callRoute(posts.action, api("/api/v1/posts", read.alice, { body: { text: "From a script", spaceId: w.spaces.open.id } }));
    expect(denied.status).toBe(403);
    expect((await readJson(denied)).title).toBe("Forbidden");

    const writer = await token("alice", { scopes: ["read", "write"] });
    const res = await callRoute(posts.action, api("/api/v1/posts", writer, { body: { text: "From a script #api", spaceId: w.spaces.open.id } }));
    expect(res.status).toBe(201);
    const item = await readJson(res);
    expect(item).toMatchObject({ kind: "post", text: "From a script #api", author: { id: w.users.alice.id }, space: { id: w.spaces.open.id } });
    const versions = await w.db.select().from(archiveRecords).where(eq(archiveRecords.subjectId, item.id));
    expect(versions.map((v) => v.action)).toEqual(["create"]);

    const commented = await callRoute(postComments.action, api(`/api/v1/posts/${item.id}/comments`, writer, { body: { text: "A comment" } }), { id: item.id });
    expect(commented.status).toBe(201);
    expect((await readJson(commented)).parentId).toBe(item.id);

    // a space the owner may not post in: as on the page (secret space: 404)
    const hidden = await callRoute(posts.action, api("/api/v1/posts", writer, { body: { text: "x", spaceId: w.spaces.secret.id } }));
    expect(hidden.status).toBe(404);
  });

  it("questions and answers through the Q&A domain", async () => {
    const alice = await token("alice", { scopes: ["write"] });
    const carol = await token("carol", { scopes: ["write"] });
    const asked = await callRoute(questions.action, api("/api/v1/questions", alice, { body: { title: "How do we onboard a fund?", text: "Steps please", tags: ["#kyc"] } }));
    expect(asked.status).toBe(201);
    const q = await readJson(asked);
    const answered = await callRoute(answers.action, api(`/api/v1/questions/${q.id}/answers`, carol, { body: { text: "Like this" } }), { id: q.id });
    expect(answered.status).toBe(201);
    const list = await readJson(await callRoute(answers.loader, api(`/api/v1/questions/${q.id}/answers`, read.alice), { id: q.id }));
    expect(list.items.map((a: { text: string }) => a.text)).toEqual(["Like this"]);
    // a short title is the domain's own validation: 400 problem naming the field
    const short = await callRoute(questions.action, api("/api/v1/questions", alice, { body: { title: "Short", text: "x" } }));
    expect(short.status).toBe(400);
    expect((await readJson(short)).errors[0].path).toBe("title");
  });

  it("bad input is a 400 problem and stores nothing", async () => {
    const writer = await token("carol", { scopes: ["write"] });
    const before = await w.db.select({ id: content.id }).from(content).where(eq(content.authorId, w.users.carol.id));
    const cases: { body: unknown; contentType?: string; status: number }[] = [
      { body: "{not json", status: 400 },
      { body: {}, status: 400 },
      { body: { text: "a", body: { type: "doc" } }, status: 400 },
      { body: { text: "a", extra: 1 }, status: 400 },
      { body: { body: { type: "doc", content: [{ type: "script" }] } }, status: 400 },
      { body: { text: "" }, status: 400 },
      { body: "text=hi", contentType: "application/x-www-form-urlencoded", status: 415 },
    ];
    for (const c of cases) {
      const res = await callRoute(posts.action, api("/api/v1/posts", writer, { body: c.body, contentType: c.contentType }));
      expect([JSON.stringify(c.body), res.status]).toEqual([JSON.stringify(c.body), c.status]);
      expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    }
    const badQuery = await callRoute(posts.loader, api("/api/v1/posts?limit=0", read.carol));
    expect(badQuery.status).toBe(400);
    expect((await readJson(badQuery)).errors[0].path).toBe("limit");
    expect((await callRoute(posts.loader, api("/api/v1/posts?cursor=zzz", read.carol))).status).toBe(400);
    expect((await callRoute(posts.loader, api("/api/v1/posts?unknown=1", read.carol))).status).toBe(400);
    const after = await w.db.select({ id: content.id }).from(content).where(eq(content.authorId, w.users.carol.id));
    expect(after.length).toBe(before.length);
  });
});

describe("rate limits", () => {
  it("count per token, carry RateLimit-* headers, and refuse beyond the limit with 429 and Retry-After", async () => {
    process.env.API_RATE_LIMIT_PER_MINUTE = "3";
    const t = await token("carol");
    const statuses: number[] = [];
    let last: Response | null = null;
    for (let i = 0; i < 4; i++) {
      last = await callRoute(me.loader, api("/api/v1/me", t));
      statuses.push(last.status);
      if (i < 3) expect(last.headers.get("RateLimit-Remaining")).toBe(String(2 - i));
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(last!.headers.get("Retry-After")).toMatch(/^\d+$/);
    expect(last!.headers.get("RateLimit-Limit")).toBe("3");
    expect((await readJson(last!)).status).toBe(429);
    // another token has its own window
    expect((await callRoute(me.loader, api("/api/v1/me", await token("carol")))).status).toBe(200);
  });
});
