import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { registerConsumers } from "../../app/boot.server";
import { runCommand } from "../../app/compliance/command.server";
import { getDb, type Db } from "../../app/db/client.server";
import { deactivateUser } from "../../app/identity/accounts.server";
import { translate } from "../../app/i18n";
import { PeopleInputError } from "../../app/people/errors.server";
import { decay, EVIDENCE_WEIGHTS, EXPLANATION_WINDOW_DAYS, topExperts, userExpertise } from "../../app/people/expertise.server";
import { explainExpertise } from "../../app/people/explain";
import { setEndorsement, updateProfile } from "../../app/people/profile.server";
import { addSkill } from "../../app/people/skills.server";
import { drainAll, unregisterConsumer } from "../../app/platform/outbox.server";
import { loadViewer } from "../../app/policy/viewer.server";
import { testClock } from "../../app/utils/clock.server";
import { makeOrg, makeUser } from "../../scripts/lib/factories";
import { rng } from "../../scripts/lib/rng";

// Expertise is kept incrementally from outbox events. Over random activity (accepted and
// unaccepted answers, votes, endorsements and withdrawals at random times) the stored
// expertise must equal a brute-force recomputation from the events, and the explanation's
// counts must equal the activity inside its window.

const DAY = 86_400_000;
let db: Db;

beforeAll(async () => {
  registerConsumers();
  // the search index is not under test here: without an engine its retries would only slow the drains
  unregisterConsumer("search");
  db = await getDb();
});
afterAll(() => registerConsumers());
afterEach(() => testClock.reset());

async function emitQa(orgId: string, topic: string, subjectId: string, payload: Record<string, unknown>) {
  await runCommand(db, ({ emit }) => emit({ orgId, topic, subjectId, payload }));
}

type Evidence = { user: string; tag: string; kind: "accepted" | "vote" | "endorsement"; weight: number; at: number };

/** The model: what the events say, replayed naively. */
class Model {
  accepted = new Map<string, { author: string; tags: string[]; at: number }>();
  votes = new Map<string, { author: string; tags: string[]; value: number; at: number }>();
  endorsements = new Map<string, { user: string; tag: string; at: number }>();
  evidence(): Evidence[] {
    const out: Evidence[] = [];
    for (const a of this.accepted.values()) for (const tag of a.tags) out.push({ user: a.author, tag, kind: "accepted", weight: EVIDENCE_WEIGHTS.accepted, at: a.at });
    for (const v of this.votes.values()) for (const tag of v.tags) out.push({ user: v.author, tag, kind: "vote", weight: v.value * EVIDENCE_WEIGHTS.vote, at: v.at });
    for (const e of this.endorsements.values()) out.push({ user: e.user, tag: e.tag, kind: "endorsement", weight: EVIDENCE_WEIGHTS.endorsement, at: e.at });
    return out;
  }
}

describe("inferred expertise", () => {
  it.each([1, 2, 3])("equals a brute-force recomputation from random activity (seed %i)", async (seed) => {
    const random = rng(seed * 7919);
    const pick = <T,>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
    const org = await makeOrg();
    const admin = await makeUser(org.id, { roles: ["admin", "member"] });
    const people = [];
    for (let i = 0; i < 5; i++) people.push(await makeUser(org.id, { name: `Person ${i}` }));
    const ids = people.map((p) => p.id);
    const adminV = await loadViewer(db, admin.id);
    const kyc = await addSkill(adminV, { name: "KYC", synonyms: ["Connaissance client"] });
    const aml = await addSkill(adminV, { name: "AML", synonyms: [] });
    // everyone declares both skills, so any colleague may endorse either
    for (const p of people) await updateProfile(await loadViewer(db, p.id), p.id, { bio: "", languages: [], managerId: null, skillIds: [kyc.id, aml.id] });
    const skills = [kyc, aml];
    const TAGS = ["#kyc", "#aml", "#fx"];
    // twelve answers, each with an author and a random non-empty set of tags
    const answers = Array.from({ length: 12 }, (_, i) => {
      const tags = TAGS.filter(() => random() < 0.5);
      return { id: `ans-${seed}-${i}`, author: pick(ids), tags: tags.length ? tags : [pick(TAGS)] };
    });
    const voteState = new Map<string, number>();
    const model = new Model();
    const start = new Date("2026-01-01T00:00:00Z").getTime();
    testClock.freeze(new Date(start));
    let clock = start;
    const steps = 160;
    for (let step = 0; step < steps; step++) {
      clock += Math.floor(random() * 3 * DAY);
      testClock.freeze(new Date(clock));
      const r = random();
      if (r < 0.25) {
        const a = pick(answers);
        await emitQa(org.id, "qa.answer.accepted", `q-${a.id}`, { questionId: `q-${a.id}`, answerId: a.id, answerAuthorId: a.author, tags: a.tags });
        model.accepted.set(a.id, { author: a.author, tags: a.tags, at: clock });
      } else if (r < 0.35) {
        const a = pick(answers);
        await emitQa(org.id, "qa.answer.unaccepted", `q-${a.id}`, { questionId: `q-${a.id}`, answerId: a.id, answerAuthorId: a.author, tags: a.tags });
        model.accepted.delete(a.id);
      } else if (r < 0.7) {
        const a = pick(answers);
        const voter = pick(ids);
        const key = `${a.id}:${voter}`;
        const previous = voteState.get(key) ?? 0;
        const value = pick([-1, 0, 1] as const);
        voteState.set(key, value);
        // votes on questions never count; neither do votes on one's own answer
        const onQuestion = random() < 0.1;
        await emitQa(org.id, "qa.vote.changed", a.id, { contentId: a.id, contentKind: onQuestion ? "question" : "answer", authorId: a.author, voterId: voter, value, previous, tags: a.tags });
        if (!onQuestion && voter !== a.author) {
          if (value === 0) model.votes.delete(key);
          else model.votes.set(key, { author: a.author, tags: a.tags, value, at: clock });
        }
      } else {
        const user = pick(ids);
        const endorser = pick(ids);
        const skill = pick(skills);
        const key = `${user}:#${skill.tag}:${endorser}`;
        const had = model.endorsements.has(key);
        const on = random() < 0.7;
        const attempt = setEndorsement(await loadViewer(db, endorser), user, skill.id, on);
        if (user === endorser || had === on) {
          // endorsing oneself, twice, or withdrawing what was never given: refused, nothing stored
          await expect(attempt).rejects.toBeInstanceOf(PeopleInputError);
        } else {
          await attempt;
          if (on) model.endorsements.set(key, { user, tag: `#${skill.tag}`, at: clock });
          else model.endorsements.delete(key);
        }
      }
      // deliveries arrive in batches of every size
      if (random() < 0.3) await drainAll(db);
    }
    clock += Math.floor(random() * 30 * DAY);
    testClock.freeze(new Date(clock));
    await drainAll(db);

    const evidence = model.evidence();
    for (const user of ids) {
      const stored = await userExpertise(db, org.id, user, 100);
      const expectedTags = [...new Set(evidence.filter((e) => e.user === user).map((e) => e.tag))].sort();
      expect(stored.map((l) => l.tag).sort(), `tags of ${user}`).toEqual(expectedTags);
      for (const line of stored) {
        const mine = evidence.filter((e) => e.user === user && e.tag === line.tag);
        const score = mine.reduce((s, e) => s + e.weight * decay(clock - e.at), 0);
        expect(line.score).toBeCloseTo(score, 6);
        const inWindow = mine.filter((e) => e.at >= clock - EXPLANATION_WINDOW_DAYS * DAY);
        expect(line.accepted).toBe(inWindow.filter((e) => e.kind === "accepted").length);
        expect(line.upvotes).toBe(inWindow.filter((e) => e.kind === "vote" && e.weight > 0).length);
        expect(line.downvotes).toBe(inWindow.filter((e) => e.kind === "vote" && e.weight < 0).length);
        expect(line.endorsements).toBe(inWindow.filter((e) => e.kind === "endorsement").length);
        // the sentence says the same count
        if (line.accepted > 1) {
          expect(explainExpertise((k, v) => translate("en", k, v), line)).toContain(`${line.accepted} accepted answers on ${line.tag} in the last 90 days`);
        }
      }
    }
    // routing's view agrees: per tag, everyone with a positive score, strongest first
    for (const tag of TAGS) {
      const expected = ids
        .map((u) => ({ userId: u, score: evidence.filter((e) => e.user === u && e.tag === tag).reduce((s, e) => s + e.weight * decay(clock - e.at), 0) }))
        .filter((x) => x.score > 1e-9)
        .sort((a, b) => b.score - a.score || (a.userId < b.userId ? -1 : 1));
      const got = await topExperts(db, { orgId: org.id, tags: [tag], limit: 10, excludeUserIds: [] });
      expect(got.map((g) => g.userId)).toEqual(expected.map((x) => x.userId));
      got.forEach((g, i) => expect(g.score).toBeCloseTo(expected[i].score, 6));
    }
  }, 90_000);

  it("topExperts excludes the given people and deactivated ones, and decays with the configured half-life", async () => {
    const org = await makeOrg();
    const admin = await makeUser(org.id, { roles: ["admin", "member"] });
    const [a, b, c] = [await makeUser(org.id), await makeUser(org.id), await makeUser(org.id)];
    const t0 = new Date("2026-03-01T00:00:00Z");
    testClock.freeze(t0);
    for (const [user, n] of [[a, 3], [b, 2], [c, 1]] as const) {
      for (let i = 0; i < n; i++) {
        await emitQa(org.id, "qa.answer.accepted", `q-${user.id}-${i}`, { questionId: `q-${user.id}-${i}`, answerId: `a-${user.id}-${i}`, answerAuthorId: user.id, tags: ["#KYC"] });
      }
    }
    await drainAll(db);
    const all = await topExperts(db, { orgId: org.id, tags: ["#kyc"], limit: 3, excludeUserIds: [] });
    expect(all.map((x) => x.userId)).toEqual([a.id, b.id, c.id]);
    expect(all[0].score).toBeCloseTo(15, 6);
    expect((await topExperts(db, { orgId: org.id, tags: ["#kyc"], limit: 3, excludeUserIds: [a.id] })).map((x) => x.userId)).toEqual([b.id, c.id]);
    await deactivateUser(org.id, b.id, admin.id);
    expect((await topExperts(db, { orgId: org.id, tags: ["#kyc"], limit: 3, excludeUserIds: [] })).map((x) => x.userId)).toEqual([a.id, c.id]);
    // one half-life later the score has halved (default 180 days)
    testClock.freeze(new Date(t0.getTime() + 180 * DAY));
    expect((await topExperts(db, { orgId: org.id, tags: ["#kyc"], limit: 1, excludeUserIds: [] }))[0].score).toBeCloseTo(7.5, 6);
    process.env.EXPERTISE_HALF_LIFE_DAYS = "90";
    try {
      expect((await topExperts(db, { orgId: org.id, tags: ["#kyc"], limit: 1, excludeUserIds: [] }))[0].score).toBeCloseTo(3.75, 6);
    } finally {
      delete process.env.EXPERTISE_HALF_LIFE_DAYS;
    }
    // another org's question never routes here
    expect(await topExperts(db, { orgId: (await makeOrg()).id, tags: ["#kyc"], limit: 3, excludeUserIds: [] })).toEqual([]);
  });

  it("a deleted answer stops counting; approved best practices count; a merged skill's tag counts for the survivor", async () => {
    const org = await makeOrg();
    const admin = await makeUser(org.id, { roles: ["admin", "member"] });
    const u = await makeUser(org.id);
    testClock.freeze(new Date("2026-05-01T00:00:00Z"));
    await emitQa(org.id, "qa.answer.accepted", "q1", { questionId: "q1", answerId: "a1", answerAuthorId: u.id, tags: ["#aml"] });
    await emitQa(org.id, "discovery.approved", "bp1", { contentId: "bp1", authorId: u.id, tags: ["#aml"] });
    await drainAll(db);
    let lines = await userExpertise(db, org.id, u.id);
    expect(lines).toMatchObject([{ tag: "#aml", accepted: 1, bestPractices: 1 }]);
    expect(explainExpertise((k, v) => translate("fr", k, v), lines[0])).toEqual([
      "1 réponse acceptée sur #aml au cours des 90 derniers jours",
      "1 bonne pratique approuvée sur #aml au cours des 90 derniers jours",
    ]);
    await emitQa(org.id, "content.deleted", "a1", { kind: "answer", version: 2 });
    await drainAll(db);
    lines = await userExpertise(db, org.id, u.id);
    expect(lines).toMatchObject([{ tag: "#aml", accepted: 0, bestPractices: 1 }]);
    // merge: #lcb-ft folds into #aml, later events on the old tag count for the survivor
    const adminV = await loadViewer(db, admin.id);
    const aml = await addSkill(adminV, { name: "AML", synonyms: [] });
    const lcb = await addSkill(adminV, { name: "LCB-FT", synonyms: [] });
    await emitQa(org.id, "qa.answer.accepted", "q2", { questionId: "q2", answerId: "a2", answerAuthorId: u.id, tags: ["#lcb-ft"] });
    await drainAll(db);
    expect((await userExpertise(db, org.id, u.id)).map((l) => l.tag).sort()).toEqual(["#aml", "#lcb-ft"]);
    const { mergeSkill } = await import("../../app/people/skills.server");
    await mergeSkill(adminV, lcb.id, aml.id);
    expect((await userExpertise(db, org.id, u.id)).map((l) => [l.tag, l.accepted])).toEqual([["#aml", 1]]);
    await emitQa(org.id, "qa.answer.accepted", "q3", { questionId: "q3", answerId: "a3", answerAuthorId: u.id, tags: ["#LCB-FT"] });
    await drainAll(db);
    expect((await userExpertise(db, org.id, u.id)).map((l) => [l.tag, l.accepted])).toEqual([["#aml", 2]]);
    expect((await topExperts(db, { orgId: org.id, tags: ["#lcb-ft"], limit: 5, excludeUserIds: [] })).map((x) => x.userId)).toEqual([u.id]);
  });
});
