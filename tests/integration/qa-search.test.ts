import { beforeAll, describe, expect, it } from "vitest";
import { searchContent } from "../../app/knowledge/search.server";
import { answerQuestion, askQuestion, setAcceptedAnswer, setAnswerHealth } from "../../app/qa/questions.server";
import { similarQuestions } from "../../app/qa/similar.server";
import { paragraphDoc } from "../../scripts/lib/factories";
import { buildWorld, type World } from "../fixtures/world";
import { useSearchEngine } from "../support/search-engine";

// Q&A through Meilisearch: similar questions (questions and accepted answers, the viewer's
// scope only), the kind facet, and content health as a ranking rule.

const engine = useSearchEngine();
const sync = engine.sync;
let w: World;

beforeAll(async () => {
  w = await buildWorld();
}, 90_000);

describe("Q&A search", () => {
  it("similar questions come from the engine, match accepted answers, and stay in the viewer's scope", { timeout: 180_000 }, async () => {
    const alice = await w.viewer(w.users.alice.id);
    const carol = await w.viewer(w.users.carol.id);
    const open = await askQuestion(alice, { title: "How do we verify a client's source of funds?", body: paragraphDoc("kyc"), tags: ["#kyc"], spaceId: w.spaces.open.id });
    const priv = await askQuestion(alice, { title: "How do we verify source of funds for mandates?", body: paragraphDoc("private"), tags: ["#kyc"], spaceId: w.spaces.priv.id });
    const other = await askQuestion(carol, { title: "Which desk handles escheatment of dormant balances?", body: paragraphDoc("x"), tags: [], spaceId: null });
    const ans = await answerQuestion(await w.viewer(w.users.bob.id), other.id, paragraphDoc("Unclaimed property goes to the treasury operations team"));
    await setAcceptedAnswer(carol, other.id, ans.id);
    await sync();
    const forCarol = await similarQuestions(carol, "verify source of funds");
    expect(forCarol.degraded).toBe(false);
    expect(forCarol.items.map((i) => i.id)).toEqual([open.id]);
    const forAlice = await similarQuestions(alice, "verify source of fund");
    expect(forAlice.items.map((i) => i.id).sort()).toEqual([open.id, priv.id].sort());
    // an accepted answer's words find its question
    expect((await similarQuestions(alice, "unclaimed property treasury")).items.map((i) => i.id)).toEqual([other.id]);
    // the kind facet
    const r = await searchContent(alice, { q: "verify source", kinds: ["question"] });
    expect(r.facets?.kind?.question).toBeGreaterThanOrEqual(2);
    expect(r.hits.every((h) => h.post.kind === "question")).toBe(true);
  });

  it("verified answers rank above ordinary ones, obsolete ones below", { timeout: 180_000 }, async () => {
    const bob = await w.viewer(w.users.bob.id);
    const curator = await w.viewer(w.users.curator.id);
    const q = await askQuestion(bob, { title: "Where is the retention schedule for call recordings?", body: paragraphDoc("retention"), tags: ["#records"], spaceId: null });
    const text = "The zyxretention schedule for recordings is seven years";
    const a1 = await answerQuestion(await w.viewer(w.users.carol.id), q.id, paragraphDoc(text));
    const a2 = await answerQuestion(await w.viewer(w.users.alice.id), q.id, paragraphDoc(text));
    const a3 = await answerQuestion(await w.viewer(w.users.admin.id), q.id, paragraphDoc(text));
    await setAnswerHealth(curator, a1.id, { status: "obsolete", reason: "Now ten years" });
    await setAnswerHealth(curator, a3.id, { status: "verified", reverifyAt: new Date(Date.now() + 30 * 86_400_000) });
    await sync();
    const r = await searchContent(bob, { q: "zyxretention schedule recordings", kinds: ["answer"] });
    expect(r.degraded).toBe(false);
    expect(r.hits.map((h) => h.post.id)).toEqual([a3.id, a2.id, a1.id]);
  });
});
