import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "../../app/db/client.server";
import { loadContentFacts } from "../../app/policy/facts.server";
import { loadViewer } from "../../app/policy/viewer.server";
import { questionPage } from "../../app/qa/pages.server";
import { answerQuestion, askQuestion, canVerify, canVerifyAnswers } from "../../app/qa/questions.server";
import { makeOrg, makeUser, paragraphDoc } from "../../scripts/lib/factories";

// An answer's health may be marked by the question's top 50 experts other than the answer's author.
// The question page reads the ranking once for all its answers (canVerifyAnswers); each answer's
// verdict must stay the one `canVerify` gives alone, also at the 50th place, where excluding the
// answer's author moves the viewer in or out.

describe("verifying an answer as one of the question's experts", () => {
  it("one ranking for the page, the same verdict per answer as canVerify, at the 50th place", async () => {
    const db = await getDb();
    const org = await makeOrg("Expert Rank Bank");
    const people = [];
    for (let i = 0; i < 52; i++) people.push(await makeUser(org.id, { name: `Expert ${i}` }));
    // ranks by score: people[0] first … people[50] 51st; people[51] has no evidence
    const at = new Date().toISOString();
    for (let rank = 0; rank <= 50; rank++) {
      await db.execute(
        sql`insert into expertise_evidence (org_id, user_id, tag, kind, source_id, weight, at)
            values (${org.id}, ${people[rank].id}, '#fx', 'endorsement', ${`seed-${rank}`}, ${1000 - rank * 10}, ${at}::timestamptz)`,
      );
    }
    const asker = await loadViewer(db, (await makeUser(org.id, { name: "Asker" })).id);
    const viewer = await loadViewer(db, people[50].id); // 51st overall
    const q = await askQuestion(asker, { title: "Which FX limit applies to a client's forward?", body: paragraphDoc("fx"), tags: ["#fx"], spaceId: null });
    // by the top expert: without them, the viewer is 50th → may verify
    const byTop = await answerQuestion(await loadViewer(db, people[0].id), q.id, paragraphDoc("The desk limit."));
    // by someone outside the ranking: the viewer stays 51st → may not
    const byOther = await answerQuestion(await loadViewer(db, people[51].id), q.id, paragraphDoc("The client limit."));

    const facts = await loadContentFacts(db, [byTop.id, byOther.id]);
    const alone = { top: await canVerify(db, viewer, facts.get(byTop.id)!), other: await canVerify(db, viewer, facts.get(byOther.id)!) };
    expect(alone).toEqual({ top: true, other: false });
    const together = await canVerifyAnswers(db, viewer, q.id, [...facts.values()]);
    expect(Object.fromEntries(together)).toEqual({ [byTop.id]: true, [byOther.id]: false });
    const page = await questionPage(viewer, q.id, db);
    expect(Object.fromEntries(page.answers.map((a) => [a.id, a.canVerify]))).toEqual({ [byTop.id]: true, [byOther.id]: false });
    // the answer's own author never verifies it; the 52nd person, without evidence, verifies nothing
    expect((await canVerifyAnswers(db, await loadViewer(db, people[0].id), q.id, [facts.get(byTop.id)!])).get(byTop.id)).toBe(false);
    expect(Object.values(Object.fromEntries(await canVerifyAnswers(db, await loadViewer(db, people[51].id), q.id, [...facts.values()])))).toEqual([false, false]);
  });
});
