import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerConsumers } from "../../app/boot.server";
import { getDb, query, type Db } from "../../app/db/client.server";
import { deactivateUser } from "../../app/identity/accounts.server";
import { createScimUser, replaceScimUser } from "../../app/integrations/scim.server";
import { reindexAll } from "../../app/knowledge/indexer.server";
import { peopleSearchPage, searchPage, searchSuggestions } from "../../app/knowledge/search-pages.server";
import { searchPeopleIndex } from "../../app/people/people-search.server";
import { profilePage as profileData, updateProfile } from "../../app/people/profile.server";
import { addSkill } from "../../app/people/skills.server";
import { drainAll } from "../../app/platform/outbox.server";
import { can } from "../../app/policy/policy";
import { peopleSearchFilter } from "../../app/policy/search-filter";
import { answerQuestion, askQuestion } from "../../app/qa/questions.server";
import * as suggestRoute from "../../app/routes/api.search";
import * as profileRoute from "../../app/routes/people.$id";
import * as searchRoute from "../../app/routes/search";
import { getSearchService, stopSearchService } from "../../search/client";
import { indexUid, type PersonDocument } from "../../search/settings";
import { makeUser, paragraphDoc } from "../../scripts/lib/factories";
import { settle, testMeili } from "../../scripts/lib/meili";
import { buildWorld, type World } from "../fixtures/world";
import { callRoute, getRequest, readJson, renderRoute, sessionsFor } from "../support/remix";

// People are findable: the search page, its People tab and the header's suggestions find
// people by job title, department and skill, with a real Meilisearch fed by the outbox and
// with the PostgreSQL fallback; barriers and deactivation apply everywhere (the engine's
// filter, the re-check, the profile). Profile sections never leak what the viewer may not see.

const meili = testMeili();
let db: Db;
let w: World;
let tokens: Record<string, string>;
let rita: { id: string };
let ines: { id: string };
let tomas: { id: string };
let sanctions: string;

async function sync() {
  while ((await drainAll(db)) > 0);
  await settle();
}

const names = (hits: { name: string }[]) => hits.map((h) => h.name).sort();
const viewer = (who: keyof World["users"]) => w.viewer(w.users[who].id);

beforeAll(async () => {
  process.env.OUTBOX_BACKOFF_MS = "5";
  registerConsumers();
  db = await getDb();
  await meili.start();
  w = await buildWorld();
  tokens = await sessionsFor(w, ["alice", "bob", "carol", "ivan", "admin"]);
  const admin = await viewer("admin");
  sanctions = (await addSkill(admin, { name: "Sanctions screening", synonyms: ["Criblage des sanctions"] })).id;
  rita = await makeUser(w.org.id, { name: "Rita Okafor", title: "Head of Credit Risk", department: "Risk" });
  // across the Research | Investment Banking barrier from bob
  ines = await makeUser(w.org.id, { name: "Ines Varga", title: "Credit Risk Analyst", department: "Investment Banking" });
  tomas = await makeUser(w.org.id, { name: "Tomas Brandt", title: "Treasury Dealer", department: "Markets" });
  await updateProfile(await w.viewer(rita.id), rita.id, { bio: "", languages: ["en"], managerId: null, skillIds: [sanctions] });
  // `npm run search:reindex` builds the people index from the rows
  await reindexAll(db);
  await sync();
}, 180_000);

afterAll(async () => {
  await meili.stop();
  delete process.env.OUTBOX_BACKOFF_MS;
});

describe("people in search (Meilisearch)", () => {
  it("finds people by job title, department and skill next to content, with a People tab", async () => {
    const alice = await viewer("alice");
    const page = await searchPage(alice, { q: "credit risk" });
    expect(page.degraded).toBe(false);
    expect(names(page.people!.hits)).toEqual(["Ines Varga", "Rita Okafor"]);
    const rita1 = page.people!.hits.find((p) => p.name === "Rita Okafor")!;
    expect(rita1).toMatchObject({ title: "Head of Credit Risk", department: "Risk", skills: ["Sanctions screening"] });
    // by department, by skill, by a skill's French synonym
    expect(names((await searchPeopleIndex(alice, { q: "treasury" })).hits)).toEqual(["Tomas Brandt"]);
    expect(names((await searchPeopleIndex(alice, { q: "Markets" })).hits)).toEqual(["Tomas Brandt"]);
    expect(names((await searchPeopleIndex(alice, { q: "sanctions" })).hits)).toEqual(["Rita Okafor"]);
    expect(names((await searchPeopleIndex(alice, { q: "criblage" })).hits)).toEqual(["Rita Okafor"]);
    // a content facet narrows to content: no people then
    expect((await searchPage(alice, { q: "credit risk", kinds: ["post"] })).people).toBeNull();
    // the People tab through the route, and the page renders the tab and the people
    const tab = await readJson(await callRoute(searchRoute.loader, getRequest("/search?q=credit%20risk&in=people", { token: tokens.alice })));
    expect(tab.tab).toBe("people");
    expect(names(tab.people.hits)).toEqual(["Ines Varga", "Rita Okafor"]);
    const html = await renderRoute(searchRoute as never, getRequest("/search?q=credit%20risk", { token: tokens.alice }));
    expect(html).toContain("Head of Credit Risk");
    expect(html).toContain('href="/search?q=credit+risk&amp;in=people"');
    expect(html).toContain("People (2)");
  });

  it("a barrier hides the person in search, suggestions and profile", async () => {
    const bob = await viewer("bob");
    expect(names((await searchPage(bob, { q: "credit risk" })).people!.hits)).toEqual(["Rita Okafor"]);
    expect(names((await peopleSearchPage(bob, "analyst", 0)).hits)).not.toContain("Ines Varga");
    // suggestions: people first, then content; ines never reaches bob
    const asAlice = await searchSuggestions(await viewer("alice"), "credit risk");
    expect(asAlice.filter((s) => s.type === "person").map((s) => s.title).sort()).toEqual(["Ines Varga", "Rita Okafor"]);
    expect(asAlice.find((s) => s.title === "Rita Okafor")).toMatchObject({ href: `/people/${rita.id}`, highlight: "Head of Credit Risk · Risk" });
    const api = await readJson(await callRoute(suggestRoute.loader, getRequest("/api/search?q=credit%20risk", { token: tokens.bob })));
    const people = (api.items as { type: string; title: string }[]).filter((i) => i.type === "person").map((i) => i.title);
    expect(people).toEqual(["Rita Okafor"]);
    // the engine's own filter already leaves her out (trimmed twice, not only by the re-check)
    const service = (await getSearchService())!;
    const raw = await service.client.index<PersonDocument>(indexUid("people")).search("credit risk", { filter: [peopleSearchFilter(bob), "active = true"] });
    expect(raw.hits.map((h) => h.name)).toEqual(["Rita Okafor"]);
    // her profile is a 404 for bob, the page for alice
    expect((await callRoute(profileRoute.loader, getRequest(`/people/${ines.id}`, { token: tokens.bob }), { id: ines.id })).status).toBe(404);
    expect((await callRoute(profileRoute.loader, getRequest(`/people/${ines.id}`, { token: tokens.alice }), { id: ines.id })).status).toBe(200);
  });

  it("a deactivated person disappears from the index once the outbox drains, and never shows meanwhile", async () => {
    const alice = await viewer("alice");
    expect(names((await searchPeopleIndex(alice, { q: "treasury dealer" })).hits)).toEqual(["Tomas Brandt"]);
    await deactivateUser(w.org.id, tomas.id, w.users.admin.id);
    const index = (await getSearchService())!.client.index<PersonDocument>(indexUid("people"));
    expect((await index.getDocument(tomas.id)).active).toBe(true); // not drained yet
    // the re-check on the current rows drops him before the index knows
    expect((await searchPeopleIndex(alice, { q: "treasury dealer" })).hits).toEqual([]);
    await sync();
    expect((await index.getDocument(tomas.id)).active).toBe(false);
    const filtered = await index.search("treasury dealer", { filter: [peopleSearchFilter(alice), "active = true"] });
    expect(filtered.hits).toEqual([]);
    // not even admins find deactivated people in search (the admin pages list accounts)
    expect((await searchPeopleIndex(await viewer("admin"), { q: "treasury dealer" })).hits).toEqual([]);
    expect((await searchSuggestions(alice, "treasury dealer")).filter((s) => s.type === "person")).toEqual([]);
  }, 120_000);

  it("SCIM and profile changes reach the people index through the outbox", async () => {
    const actor = { orgId: w.org.id, actorId: w.users.admin.id };
    const base = "http://localhost:3000/scim/v2";
    const created = await createScimUser(
      actor,
      {
        schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
        userName: `nadia-${w.org.id.slice(0, 6)}@example.test`,
        displayName: "Nadia Kowalczyk",
        title: "Payments Architect",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { department: "Operations" },
      },
      base,
    );
    await sync();
    const alice = await viewer("alice");
    const found = await searchPeopleIndex(alice, { q: "payments architect" });
    expect(found.degraded).toBe(false);
    expect(names(found.hits)).toEqual(["Nadia Kowalczyk"]);
    await replaceScimUser(actor, created.id, { ...created, title: "Head of Payments", meta: undefined }, base, null);
    await sync();
    expect(names((await searchPeopleIndex(alice, { q: "head of payments" })).hits)).toEqual(["Nadia Kowalczyk"]);
    expect((await searchPeopleIndex(alice, { q: "architect" })).hits).toEqual([]);
    // a declared skill, through the profile command
    await updateProfile(await w.viewer(created.id), created.id, { bio: "", languages: [], managerId: null, skillIds: [sanctions] });
    await sync();
    expect(names((await searchPeopleIndex(alice, { q: "sanctions screening" })).hits)).toEqual(["Nadia Kowalczyk", "Rita Okafor"]);
  }, 120_000);
});

describe("one truth for page, list and search", () => {
  it("the engine's people filter finds exactly the active people the policy lets each persona read", async () => {
    const index = (await getSearchService())!.client.index<PersonDocument>(indexUid("people"));
    const all = await query<{ id: string; org_id: string; department: string; status: string }>(
      db,
      sql`select id, org_id, department, status from users where org_id in (${w.org.id}, ${w.other.id})`,
    );
    for (const who of Object.keys(w.users) as (keyof World["users"])[]) {
      const v = await viewer(who);
      const res = await index.search("", { filter: [peopleSearchFilter(v), "active = true"], limit: 1000, attributesToRetrieve: ["id"] });
      const allowed = all.filter((u) => u.status === "active" && can(v, "read", { kind: "user", id: u.id, orgId: u.org_id, department: u.department, active: true }));
      expect(res.hits.map((h) => h.id).sort(), who).toEqual(allowed.map((u) => u.id).sort());
    }
  });
});

describe("profile sections", () => {
  it("show recent posts, answers and spaces only where the viewer may see them", async () => {
    const carol = await viewer("carol");
    const alice = await viewer("alice");
    const q = await askQuestion(alice, { title: "Which KYC form for a trust?", body: paragraphDoc("Trust onboarding"), tags: [], spaceId: w.spaces.open.id });
    await answerQuestion(carol, q.id, paragraphDoc("The entity form, with the trust deed."));
    // an answer in the secret space, where only bob reads
    const bob = await viewer("bob");
    const secretQ = await askQuestion(bob, { title: "Secret deal question", body: paragraphDoc("Hush"), tags: [], spaceId: w.spaces.secret.id });
    await answerQuestion(bob, secretQ.id, paragraphDoc("Secret deal answer"));

    // alice's profile seen by carol: the open post, never the private or the deleted one; only the open space
    const aliceSeenByCarol = await profileData(carol, w.users.alice.id);
    expect(aliceSeenByCarol.posts.map((p) => p.excerpt)).toEqual(["Open post by Alice"]);
    expect(aliceSeenByCarol.spaces.map((s) => s.name)).toEqual(["Open"]);
    // alice herself sees her private post and space too
    const own = await profileData(alice, w.users.alice.id);
    expect(own.posts.map((p) => p.excerpt).sort()).toEqual(["Open post by Alice", "Private post"]);
    expect(own.spaces.map((s) => s.name).sort()).toEqual(["Open", "Private"]);

    // bob's profile seen by carol: no secret post or space, no Research-only note or space, no secret answer
    const bobSeenByCarol = await profileData(carol, w.users.bob.id);
    expect(bobSeenByCarol.posts.map((p) => p.excerpt)).toEqual(["Open post by Bob (Research)"]);
    expect(bobSeenByCarol.spaces.map((s) => s.name)).toEqual(["Open"]);
    expect(bobSeenByCarol.answers).toEqual([]);
    const bobSelf = await profileData(bob, w.users.bob.id);
    expect(bobSelf.answers.map((a) => a.title)).toEqual(["Secret deal question"]);
    expect(bobSelf.spaces.map((s) => s.name).sort()).toEqual(["Open", "Research desk", "Secret"]);

    // carol's answer shows on her profile, linked into its question
    const carolSeenByAlice = await profileData(alice, w.users.carol.id);
    expect(carolSeenByAlice.answers).toEqual([expect.objectContaining({ title: "Which KYC form for a trust?", href: expect.stringMatching(new RegExp(`^/questions/${q.id}#post-`)) })]);

    // the rendered page never carries a hidden item's words (English and French)
    for (const lang of ["en", "fr"]) {
      const html = await renderRoute(profileRoute as never, getRequest(`/people/${w.users.bob.id}`, { token: tokens.carol, lang }), "/people/:id");
      expect(html).toContain("Open post by Bob (Research)");
      for (const hidden of ["Secret post", "Secret deal", "Research note", "Research desk", ">Secret<"]) expect(html).not.toContain(hidden);
    }
  });

  it("is a 404 across a barrier and for a deactivated person (to members)", async () => {
    expect((await callRoute(profileRoute.loader, getRequest(`/people/${w.users.bob.id}`, { token: tokens.ivan }), { id: w.users.bob.id })).status).toBe(404);
    expect((await callRoute(profileRoute.loader, getRequest(`/people/${w.users.dave.id}`, { token: tokens.carol }), { id: w.users.dave.id })).status).toBe(404);
  });
});

describe("people search without Meilisearch", () => {
  it("answers from PostgreSQL by title, department and skill, under the same policy", async () => {
    const saved = process.env.MEILI_URL;
    await stopSearchService();
    process.env.MEILI_URL = "http://127.0.0.1:1";
    try {
      const alice = await viewer("alice");
      const bob = await viewer("bob");
      const r = await searchPeopleIndex(alice, { q: "credit risk" });
      expect(r.degraded).toBe(true);
      expect(names(r.hits)).toEqual(["Ines Varga", "Rita Okafor"]);
      expect(names((await searchPeopleIndex(bob, { q: "credit risk" })).hits)).toEqual(["Rita Okafor"]);
      expect(names((await searchPeopleIndex(alice, { q: "risk" })).hits)).toEqual(["Ines Varga", "Rita Okafor"]);
      expect(names((await searchPeopleIndex(alice, { q: "criblage" })).hits)).toEqual(["Nadia Kowalczyk", "Rita Okafor"]);
      expect((await searchPeopleIndex(alice, { q: "treasury" })).hits).toEqual([]);
      const page = await searchPage(bob, { q: "credit risk" });
      expect(page.degraded).toBe(true);
      expect(names(page.people!.hits)).toEqual(["Rita Okafor"]);
      const sugg = await searchSuggestions(bob, "credit risk");
      expect(sugg.filter((s) => s.type === "person").map((s) => s.title)).toEqual(["Rita Okafor"]);
      // a wildcard is a literal character, not a pattern
      expect((await searchPeopleIndex(alice, { q: "%" })).hits).toEqual([]);
    } finally {
      await stopSearchService();
      process.env.MEILI_URL = saved;
      expect(await getSearchService()).not.toBeNull();
    }
  });
});
