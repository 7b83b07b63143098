import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerConsumers } from "../../app/boot.server";
import { runCommand } from "../../app/compliance/command.server";
import { getDb, type Db } from "../../app/db/client.server";
import { userSkills } from "../../app/db/schema";
import { reindexAll } from "../../app/knowledge/indexer.server";
import { searchExperts } from "../../app/people/experts.server";
import { setEndorsement, updateProfile } from "../../app/people/profile.server";
import { addSkill } from "../../app/people/skills.server";
import { drainAll } from "../../app/platform/outbox.server";
import * as expertsPage from "../../app/routes/experts._index";
import { getSearchService, stopSearchService } from "../../search/client";
import { settle, testMeili } from "../../scripts/lib/meili";
import { buildWorld, type World } from "../fixtures/world";
import { callRoute, getRequest, readJson, sessionsFor } from "../support/remix";

// The expert directory with a real Meilisearch: typo tolerance, filters, ranking by
// expertise, trimmed by barriers and deactivation; and the PostgreSQL fallback.

const meili = testMeili();
let db: Db;
let w: World;
let skill: { onboarding: string; fraud: string };

async function sync() {
  while ((await drainAll(db)) > 0);
  await settle();
}

beforeAll(async () => {
  process.env.OUTBOX_BACKOFF_MS = "5";
  registerConsumers();
  db = await getDb();
  await meili.start();
  w = await buildWorld();
  const admin = await w.viewer(w.users.admin.id);
  skill = {
    onboarding: (await addSkill(admin, { name: "Client onboarding", synonyms: ["Entrée en relation"] })).id,
    fraud: (await addSkill(admin, { name: "Fraud prevention", synonyms: ["Lutte contre la fraude"] })).id,
  };
  const declare = async (who: "alice" | "carol" | "ivan" | "bob", skills: string[], extra: { languages?: string[] } = {}) =>
    updateProfile(await w.viewer(w.users[who].id), w.users[who].id, { bio: `${who} bio`, languages: extra.languages ?? ["en"], managerId: null, skillIds: skills });
  await declare("alice", [skill.onboarding], { languages: ["fr", "en"] });
  await declare("carol", [skill.onboarding, skill.fraud]);
  await declare("ivan", [skill.onboarding]);
  await declare("bob", [skill.fraud]);
  // dave is deactivated but once declared the skill
  await db.insert(userSkills).values({ userId: w.users.dave.id, skillId: skill.onboarding });
  const endorse = async (by: keyof World["users"], who: "alice" | "carol" | "ivan", s: string) => setEndorsement(await w.viewer(w.users[by].id), w.users[who].id, s, true);
  // ivan is the strongest on onboarding, alice next, carol last
  for (const by of ["admin", "compliance", "hr"] as const) await endorse(by, "ivan", skill.onboarding);
  for (const by of ["curator", "bob"] as const) await endorse(by, "alice", skill.onboarding);
  await endorse("curator", "carol", skill.onboarding);
  await reindexAll(db);
  await sync();
}, 120_000);

afterAll(async () => {
  await meili.stop();
  delete process.env.OUTBOX_BACKOFF_MS;
});

const names = (r: { hits: { name: string }[] }) => r.hits.map((h) => h.name);

describe("expert directory", () => {
  it("finds people by a misspelt skill, ranked by expertise, trimmed by barriers and deactivation", async () => {
    const asAlice = await searchExperts(await w.viewer(w.users.alice.id), { q: "onbaording" });
    expect(asAlice.degraded).toBe(false);
    expect(asAlice.tags).toEqual(["#client-onboarding"]);
    expect(names(asAlice)).toEqual(["Ivan", "Alice", "Carol"]);
    // bob (Research) never sees ivan (Investment Banking); nobody sees deactivated dave
    const asBob = await searchExperts(await w.viewer(w.users.bob.id), { q: "onbaording" });
    expect(names(asBob)).toEqual(["Alice", "Carol"]);
    expect(names(asBob)).not.toContain("Dave");
    const asIvan = await searchExperts(await w.viewer(w.users.ivan.id), { q: "fraud" });
    expect(names(asIvan)).toEqual(["Carol"]);
    // a French synonym finds the same people
    expect(names(await searchExperts(await w.viewer(w.users.bob.id), { q: "entree en relation" }))).toEqual(["Alice", "Carol"]);
  });

  it("finds people by name with a typo, and filters by department, region and language", async () => {
    const alice = await w.viewer(w.users.alice.id);
    expect(names(await searchExperts(alice, { q: "Alicce" }))).toContain("Alice");
    expect(names(await searchExperts(alice, { q: "onboarding", department: "Sales" }))).toEqual(["Alice"]);
    expect(names(await searchExperts(alice, { q: "onboarding", language: "fr" }))).toEqual(["Alice"]);
    expect(names(await searchExperts(alice, { q: "onboarding", region: "APAC" }))).toEqual([]);
  });

  it("expertise from activity re-ranks the directory as events arrive", async () => {
    // carol's two accepted answers on #client-onboarding put her first
    for (const n of [1, 2]) {
      await runCommand(db, ({ emit }) =>
        emit({ orgId: w.org.id, topic: "qa.answer.accepted", subjectId: `q${n}`, payload: { questionId: `q${n}`, answerId: `a${n}`, answerAuthorId: w.users.carol.id, tags: ["#client-onboarding"] } }),
      );
    }
    await sync();
    expect(names(await searchExperts(await w.viewer(w.users.bob.id), { q: "onbaording" }))).toEqual(["Carol", "Alice"]);
    // the page: same order, and the query is kept
    const [token] = Object.values(await sessionsFor(w, ["bob"]));
    const page = await readJson(await callRoute(expertsPage.loader, getRequest("/experts?q=onbaording", { token })));
    expect(page.result.hits.map((h: { name: string }) => h.name)).toEqual(["Carol", "Alice"]);
    expect(page.facets.departments).not.toContain("Investment Banking");
  });

  it("answers from PostgreSQL when Meilisearch is unreachable, under the same policy", async () => {
    const saved = process.env.MEILI_URL;
    await stopSearchService();
    process.env.MEILI_URL = "http://127.0.0.1:1";
    try {
      const bob = await w.viewer(w.users.bob.id);
      const r = await searchExperts(bob, { q: "onbaording" });
      expect(r.degraded).toBe(true);
      expect(names(r)).toEqual(["Carol", "Alice"]);
      expect(names(await searchExperts(bob, { q: "alic" }))).toEqual(["Alice"]);
      expect(names(await searchExperts(await w.viewer(w.users.alice.id), { q: "onboarding", department: "Sales" }))).toEqual(["Alice"]);
      expect(names(await searchExperts(await w.viewer(w.users.alice.id), { q: "onbaording" }))).toEqual(["Carol", "Ivan", "Alice"]);
    } finally {
      await stopSearchService();
      process.env.MEILI_URL = saved;
      expect(await getSearchService()).not.toBeNull();
    }
  });
});
