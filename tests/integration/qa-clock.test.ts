import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb, query, type Db } from "../../app/db/client.server";
import { qaSpaceSettings } from "../../app/db/schema";
import { createBarrier } from "../../app/compliance/barriers.server";
import { deactivateUser } from "../../app/identity/accounts.server";
import { drainAll } from "../../app/platform/outbox.server";
import type { Viewer } from "../../app/policy/policy";
import { loadViewer } from "../../app/policy/viewer.server";
import { runQaClock } from "../../app/qa/clock.server";
import { answerQuestion, askQuestion, setAcceptedAnswer, setAnswerHealth } from "../../app/qa/questions.server";
import { testClock } from "../../app/utils/clock.server";
import { makeOrg, makeSpace, makeUser, paragraphDoc } from "../../scripts/lib/factories";

// The response clock under a controlled clock: who is routed to and when (top experts on
// the question's tags who may see it — never across a barrier, never the asker, never a
// deactivated person), escalation at the target to space admins or curators, once only.

let db: Db;
let orgId: string;
const u: Record<string, { id: string }> = {};
const v = (k: string): Promise<Viewer> => loadViewer(db, u[k].id);
const T0 = new Date("2026-03-02T09:00:00Z");
const MIN = 60_000;

/** `expert` gets `n` accepted answers on #kyc questions asked by the helper. */
async function makeExpert(expert: string, n: number) {
  for (let i = 0; i < n; i++) {
    const q = await askQuestion(await v("helper"), { title: `KYC question ${expert} ${i} for expertise`, body: paragraphDoc("kyc?"), tags: ["#kyc"], spaceId: null });
    const a = await answerQuestion(await v(expert), q.id, paragraphDoc("kyc answer"));
    await setAcceptedAnswer(await v("helper"), q.id, a.id);
  }
}

async function notified(subjectId: string, kind: string) {
  const rows = await query<{ user_id: string }>(db, sql`select user_id from notifications where subject_id = ${subjectId} and kind = ${kind} order by user_id`);
  return rows.map((r) => r.user_id).sort();
}
const ids = (...keys: string[]) => keys.map((k) => u[k].id).sort();

beforeAll(async () => {
  db = await getDb();
  const org = await makeOrg("Clock Bank");
  orgId = org.id;
  const mk = async (k: string, department: string, roles: ("member" | "curator" | "admin" | "compliance")[] = ["member"]) => {
    u[k] = await makeUser(orgId, { department, roles, name: k });
  };
  await mk("compliance", "Compliance", ["compliance", "member"]);
  await mk("admin", "IT", ["admin", "member"]);
  await mk("helper", "Operations");
  await mk("rita", "Research"); // the asker
  await mk("ian", "Investment Banking"); // the top expert, across the barrier from rita
  await mk("sam", "Sales");
  await mk("olga", "Operations");
  await mk("dora", "Sales"); // an expert who is deactivated
  await mk("wes", "Wealth");
  await mk("pat", "Sales"); // a smaller expert: fourth in line
  await mk("cur", "Operations", ["curator", "member"]);
  await mk("curIb", "Investment Banking", ["curator", "member"]);
  await mk("curGone", "Operations", ["curator", "member"]);
  await createBarrier(await v("compliance"), { name: "Research / IB", sideA: ["Research"], sideB: ["Investment Banking"] });
  testClock.freeze(new Date(T0.getTime() - 30 * 86_400_000));
  await makeExpert("ian", 5);
  await makeExpert("rita", 4); // the asker is an expert too: never routed to herself
  await makeExpert("dora", 4);
  await makeExpert("sam", 3);
  await makeExpert("olga", 3);
  await makeExpert("wes", 2);
  await makeExpert("pat", 1);
  // expertise is built from the acceptance events by the expertise consumer (the outbox)
  await drainAll(db);
  testClock.reset();
  await deactivateUser(orgId, u.dora.id, u.admin.id);
  await deactivateUser(orgId, u.curGone.id, u.admin.id);
}, 120_000);

describe("routing before the target", () => {
  it("routes an unanswered question at a quarter of its target to the three best experts who may see it", async () => {
    testClock.freeze(T0);
    const q = await askQuestion(await v("rita"), { title: "How do we refresh KYC for dormant accounts?", body: paragraphDoc("dormant"), tags: ["#kyc"], spaceId: null });
    expect(await runQaClock(db, new Date(T0.getTime() + 29 * MIN))).toMatchObject({ routed: 0, escalated: 0 });
    const r = await runQaClock(db, new Date(T0.getTime() + 30 * MIN));
    expect(r.routed).toBe(1);
    await drainAll(db);
    // ian: across the barrier; rita: the asker; dora: deactivated; pat: fourth in line
    expect(await notified(q.id, "qa_routed")).toEqual(ids("sam", "olga", "wes"));
    const [ev] = await query<{ payload: { userIds: string[]; tags: string[] } }>(db, sql`select payload from outbox_events where topic = 'qa.question.routed' and subject_id = ${q.id}`);
    // in order of expertise: sam and olga (3 each, by id), then wes (2)
    expect(ev.payload.userIds[2]).toBe(u.wes.id);
    expect(new Set(ev.payload.userIds)).toEqual(new Set(ids("sam", "olga", "wes")));
    expect(ev.payload.tags).toEqual(["#kyc"]);
    // once only, however many times (or instances) the job runs
    await Promise.all([runQaClock(db, new Date(T0.getTime() + 31 * MIN)), runQaClock(db, new Date(T0.getTime() + 31 * MIN))]);
    const [{ n }] = await query<{ n: number }>(db, sql`select count(*)::int as n from outbox_events where topic = 'qa.question.routed' and subject_id = ${q.id}`);
    expect(n).toBe(1);
  });

  it("an answer before the routing time stops the clock: nobody is routed or escalated", async () => {
    testClock.freeze(T0);
    const q = await askQuestion(await v("rita"), { title: "Quick KYC question answered in time", body: paragraphDoc("fast"), tags: ["#kyc"], spaceId: null });
    testClock.freeze(new Date(T0.getTime() + 10 * MIN));
    await answerQuestion(await v("sam"), q.id, paragraphDoc("Here you go."));
    await runQaClock(db, new Date(T0.getTime() + 5 * 3600_000));
    const [{ n }] = await query<{ n: number }>(db, sql`select count(*)::int as n from outbox_events where topic like 'qa.question.%' and subject_id = ${q.id}`);
    expect(n).toBe(0);
  });

  it("in a private space, only members are candidates", async () => {
    testClock.freeze(T0);
    const space = await makeSpace(await v("rita"), { visibility: "private", joinPolicy: "invite" });
    const { setMember } = await import("../../app/spaces/spaces.server");
    await setMember(await v("rita"), space.id, u.wes.id, true);
    await setMember(await v("rita"), space.id, u.pat.id, true);
    const q = await askQuestion(await v("rita"), { title: "Private KYC question for the desk", body: paragraphDoc("private"), tags: ["#kyc"], spaceId: space.id });
    await runQaClock(db, new Date(T0.getTime() + 30 * MIN));
    await drainAll(db);
    expect(await notified(q.id, "qa_routed")).toEqual(ids("wes", "pat"));
  });
});

describe("escalation at the target", () => {
  it("outside a space: the organisation's active curators who may see it", async () => {
    testClock.freeze(T0);
    const q = await askQuestion(await v("rita"), { title: "Unanswered KYC question that breaches", body: paragraphDoc("late"), tags: ["#kyc"], spaceId: null });
    expect((await runQaClock(db, new Date(T0.getTime() + 119 * MIN))).escalated).toBe(0);
    // other questions of this file fall due at the same minute: count this one's events
    expect((await runQaClock(db, new Date(T0.getTime() + 120 * MIN))).escalated).toBeGreaterThanOrEqual(1);
    const [{ n }] = await query<{ n: number }>(db, sql`select count(*)::int as n from outbox_events where topic = 'qa.question.escalated' and subject_id = ${q.id}`);
    expect(n).toBe(1);
    await drainAll(db);
    // curIb: across the barrier; curGone: deactivated
    expect(await notified(q.id, "qa_escalated")).toEqual(ids("cur"));
    expect((await runQaClock(db, new Date(T0.getTime() + 240 * MIN))).escalated).toBe(0);
  });

  it("in a space: its admins, on the space's own target", async () => {
    testClock.freeze(T0);
    const space = await makeSpace(await v("sam"), { visibility: "open" });
    const { joinSpace, setMember } = await import("../../app/spaces/spaces.server");
    await joinSpace(await v("rita"), space.id);
    await joinSpace(await v("olga"), space.id);
    await setMember(await v("sam"), space.id, u.olga.id, true);
    await db.insert(qaSpaceSettings).values({ spaceId: space.id, targetMinutes: 60 });
    await query(db, sql`update space_members set role = 'admin' where space_id = ${space.id} and user_id = ${u.olga.id}`);
    const q = await askQuestion(await v("rita"), { title: "Space KYC question with a one hour target", body: paragraphDoc("space"), tags: ["#kyc"], spaceId: space.id });
    expect((await runQaClock(db, new Date(T0.getTime() + 59 * MIN))).escalated).toBe(0);
    const r = await runQaClock(db, new Date(T0.getTime() + 60 * MIN));
    expect(r.escalated).toBe(1);
    await drainAll(db);
    expect(await notified(q.id, "qa_escalated")).toEqual(ids("sam", "olga"));
  });
});

describe("re-verification", () => {
  it("past its date a verified answer asks its author to re-verify, once", async () => {
    testClock.freeze(T0);
    const q = await askQuestion(await v("helper"), { title: "Which KYC refresh cycle applies to high risk?", body: paragraphDoc("cycle"), tags: ["#kyc"], spaceId: null });
    const a = await answerQuestion(await v("wes"), q.id, paragraphDoc("Yearly."));
    await setAnswerHealth(await v("cur"), a.id, { status: "verified", reverifyAt: new Date(T0.getTime() + 7 * 86_400_000) });
    expect((await runQaClock(db, new Date(T0.getTime() + 6 * 86_400_000))).reminded).toBe(0);
    expect((await runQaClock(db, new Date(T0.getTime() + 8 * 86_400_000))).reminded).toBe(1);
    expect((await runQaClock(db, new Date(T0.getTime() + 9 * 86_400_000))).reminded).toBe(0);
    await drainAll(db);
    expect(await notified(a.id, "qa_reverify")).toEqual(ids("wes"));
  });
});
