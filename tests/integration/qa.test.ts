import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { query } from "../../app/db/client.server";
import { loadContentFacts } from "../../app/policy/facts.server";
import { can } from "../../app/policy/policy";
import { listQuestions, questionPage } from "../../app/qa/pages.server";
import {
  answerQuestion,
  askQuestion,
  closeAsDuplicate,
  commentOn,
  deleteQaItem,
  setAcceptedAnswer,
  setAnswerHealth,
  vote,
} from "../../app/qa/questions.server";
import { similarQuestions } from "../../app/qa/similar.server";
import { testClock } from "../../app/utils/clock.server";
import { paragraphDoc } from "../../scripts/lib/factories";
import { buildWorld, type World } from "../fixtures/world";
import { callRoute, postRequest, readJson, sessionsFor } from "../support/remix";

// Questions and answers through the real write path: validation, one vote per person,
// acceptance by the asker only, closed and deleted questions, private spaces; every
// refusal leaves nothing behind (no row, no archive version, no outbox event).

let w: World;
let tokens: Record<string, string>;
const body = (text: string) => paragraphDoc(text);

/** Rows, versions and events in the world's org: a refused write changes none of them. */
async function footprint() {
  const [r] = await query<{ content: number; versions: number; events: number; votes: number }>(
    w.db,
    sql`select (select count(*)::int from content where org_id = ${w.org.id}) as content,
               (select count(*)::int from archive_records where org_id = ${w.org.id}) as versions,
               (select count(*)::int from outbox_events where org_id = ${w.org.id}) as events,
               (select count(*)::int from qa_votes v join content c on c.id = v.content_id where c.org_id = ${w.org.id}) as votes`,
  );
  return r;
}

async function status(p: Promise<unknown>): Promise<number | string> {
  try {
    await p;
    return "ok";
  } catch (e) {
    if (e instanceof Response) return e.status;
    return (e as Error).constructor.name + ":" + (e as Error).message;
  }
}

beforeAll(async () => {
  w = await buildWorld();
  tokens = await sessionsFor(w, ["alice", "bob", "carol", "ivan"]);
});

describe("asking", () => {
  it("refuses empty, short and oversized titles with a 400 and stores nothing", async () => {
    const mod = await import("../../app/routes/questions.new");
    for (const title of ["", "   ", "Short?", "x".repeat(201)]) {
      const before = await footprint();
      const res = await callRoute(mod.action, postRequest("/questions/new", { title, bodyText: "Some details here", tags: "kyc" }, { token: tokens.bob }));
      expect(res.status, JSON.stringify(title.slice(0, 10))).toBe(400);
      const data = await readJson(res);
      expect(data.errors.title).toMatch(/title/i);
      expect(await footprint()).toEqual(before);
    }
  });

  it("refuses an empty body and invalid tags", async () => {
    const mod = await import("../../app/routes/questions.new");
    const before = await footprint();
    let res = await callRoute(mod.action, postRequest("/questions/new", { title: "A perfectly good title", bodyText: "" }, { token: tokens.bob }));
    expect(res.status).toBe(400);
    res = await callRoute(mod.action, postRequest("/questions/new", { title: "A perfectly good title", bodyText: "details", tags: "not-a-tag!" }, { token: tokens.bob }));
    expect(res.status).toBe(400);
    expect((await readJson(res)).errors.tags).toBeTruthy();
    expect(await footprint()).toEqual(before);
  });

  it("a valid question is stored with its tags, archived, emitted, followed by its asker, with a 2 h target", async () => {
    const mod = await import("../../app/routes/questions.new");
    const res = await callRoute(
      mod.action,
      postRequest("/questions/new", { title: "How do we check a client's source of funds?", bodyText: "For private banking onboarding.", tags: "#KYC onboarding" }, { token: tokens.bob }),
    );
    expect(res.status).toBe(302);
    const id = res.headers.get("Location")!.split("/").pop()!;
    const tags = await query<{ tag: string }>(w.db, sql`select tag from content_tags where content_id = ${id} order by tag`);
    expect(tags.map((t) => t.tag)).toEqual(["#kyc", "#onboarding"]);
    const [q] = await query<{ target_minutes: number; due: string; created: string }>(
      w.db,
      sql`select q.target_minutes, q.due_at as due, q.created_at as created from qa_questions q where content_id = ${id}`,
    );
    expect(q.target_minutes).toBe(120);
    expect(new Date(q.due).getTime() - new Date(q.created).getTime()).toBe(120 * 60_000);
    const events = await query<{ topic: string; payload: { kind: string; tags: string[] } }>(w.db, sql`select topic, payload from outbox_events where subject_id = ${id}`);
    expect(events.map((e) => [e.topic, e.payload.kind])).toEqual([["content.created", "question"]]);
    expect(events[0].payload.tags).toEqual(["#kyc", "#onboarding"]);
    const versions = await query<{ action: string }>(w.db, sql`select action from archive_records where subject_id = ${id}`);
    expect(versions.map((v) => v.action)).toEqual(["create"]);
    const follows = await query<{ user_id: string }>(w.db, sql`select user_id from follows where target_kind = 'question' and target_id = ${id}`);
    expect(follows.map((f) => f.user_id)).toEqual([w.users.bob.id]);
  });
});

describe("answers, votes and acceptance", () => {
  let qid: string;
  let answerId: string;
  beforeAll(async () => {
    const bob = await w.viewer(w.users.bob.id);
    qid = (await askQuestion(bob, { title: "Which form do we use for a W-8BEN renewal?", body: body("Client renewal"), tags: ["#tax"], spaceId: w.spaces.open.id })).id;
    answerId = (await answerQuestion(await w.viewer(w.users.alice.id), qid, body("The 2024 form, signed and dated."))).id;
  });

  it("an answer stops the clock and carries its question as parent", async () => {
    const [row] = await query<{ parent_id: string; space_id: string }>(w.db, sql`select parent_id, space_id from content where id = ${answerId}`);
    expect(row).toEqual({ parent_id: qid, space_id: w.spaces.open.id });
    const [q] = await query<{ first_answer_at: string | null }>(w.db, sql`select first_answer_at from qa_questions where content_id = ${qid}`);
    expect(q.first_answer_at).not.toBeNull();
    const page = await questionPage(await w.viewer(w.users.bob.id), qid);
    expect(page.question.clock.state).toBe("answered");
  });

  it("voting twice keeps one vote, one version and one event; changing it is a new version", async () => {
    const carol = await w.viewer(w.users.carol.id);
    const before = await footprint();
    expect((await vote(carol, answerId, 1)).changed).toBe(true);
    const once = await footprint();
    expect(once.votes).toBe(before.votes + 1);
    expect(once.versions).toBe(before.versions + 1);
    expect(once.events).toBe(before.events + 1);
    expect((await vote(carol, answerId, 1)).changed).toBe(false);
    expect(await footprint()).toEqual(once);
    // through the route too
    const mod = await import("../../app/routes/questions.$id");
    const res = await callRoute(mod.action, postRequest("/x", { intent: "vote", target: answerId, value: "1" }, { token: tokens.carol }), { id: qid });
    expect(res.status).toBe(200);
    expect(await footprint()).toEqual(once);
    expect((await vote(carol, answerId, -1)).previous).toBe(1);
    const [ev] = await query<{ payload: Record<string, unknown> }>(
      w.db,
      sql`select payload from outbox_events where topic = 'qa.vote.changed' and subject_id = ${answerId} order by id desc limit 1`,
    );
    expect(ev.payload).toMatchObject({ contentId: answerId, contentKind: "answer", authorId: w.users.alice.id, voterId: w.users.carol.id, value: -1, previous: 1, tags: ["#tax"] });
    const page = await questionPage(carol, qid);
    expect(page.answers[0]).toMatchObject({ score: -1, myVote: -1 });
  });

  it("refuses a vote on one's own answer or question (403) and stores nothing", async () => {
    const mod = await import("../../app/routes/questions.$id");
    const before = await footprint();
    let res = await callRoute(mod.action, postRequest("/x", { intent: "vote", target: answerId, value: "1" }, { token: tokens.alice }), { id: qid });
    expect(res.status).toBe(403);
    res = await callRoute(mod.action, postRequest("/x", { intent: "vote", value: "1" }, { token: tokens.bob }), { id: qid });
    expect(res.status).toBe(403);
    res = await callRoute(mod.action, postRequest("/x", { intent: "vote", target: answerId, value: "2" }, { token: tokens.carol }), { id: qid });
    expect(res.status).toBe(400);
    expect(await footprint()).toEqual(before);
  });

  it("only the asker (or a space admin) accepts; someone else gets 403 and nothing is stored", async () => {
    const mod = await import("../../app/routes/questions.$id");
    const before = await footprint();
    const res = await callRoute(mod.action, postRequest("/x", { intent: "accept", answerId }, { token: tokens.carol }), { id: qid });
    expect(res.status).toBe(403);
    expect(await footprint()).toEqual(before);
    const [q] = await query<{ a: string | null }>(w.db, sql`select accepted_answer_id as a from qa_questions where content_id = ${qid}`);
    expect(q.a).toBeNull();
  });

  it("the asker accepts, moves the mark to another answer, and each change is archived and emitted", async () => {
    const bob = await w.viewer(w.users.bob.id);
    const other = (await answerQuestion(await w.viewer(w.users.carol.id), qid, body("Use the e-signature flow."))).id;
    await setAcceptedAnswer(bob, qid, answerId);
    expect((await setAcceptedAnswer(bob, qid, answerId)).changed).toBe(false);
    await setAcceptedAnswer(bob, qid, other);
    const events = await query<{ topic: string; payload: Record<string, unknown> }>(
      w.db,
      sql`select topic, payload from outbox_events where topic like 'qa.answer.%accepted' and payload->>'questionId' = ${qid} order by id`,
    );
    expect(events.map((e) => [e.topic, e.payload.answerId, e.payload.answerAuthorId])).toEqual([
      ["qa.answer.accepted", answerId, w.users.alice.id],
      ["qa.answer.unaccepted", answerId, w.users.alice.id],
      ["qa.answer.accepted", other, w.users.carol.id],
    ]);
    expect(events[0].payload.tags).toEqual(["#tax"]);
    const versions = await query<{ action: string }>(w.db, sql`select action from archive_records where subject_id = ${`${qid}:accepted`}`);
    expect(versions.map((v) => v.action)).toEqual(["accept", "accept"]);
    const page = await questionPage(bob, qid);
    expect(page.answers[0]).toMatchObject({ id: other, accepted: true });
  });

  it("comments on questions and answers are comments with the right parent", async () => {
    const c1 = await commentOn(await w.viewer(w.users.carol.id), qid, body("Which desk?"));
    const c2 = await commentOn(await w.viewer(w.users.bob.id), answerId, body("Thanks!"));
    expect([c1.kind, c1.parentId, c2.kind, c2.parentId]).toEqual(["comment", qid, "comment", answerId]);
    const page = await questionPage(await w.viewer(w.users.carol.id), qid);
    expect(page.question.comments.map((c) => c.id)).toEqual([c1.id]);
    expect(page.answers.find((a) => a.id === answerId)!.comments.map((c) => c.id)).toEqual([c2.id]);
  });
});

describe("closed and deleted questions", () => {
  it("answering a question closed as a duplicate is a 409; the original lists the duplicate; nothing stored", async () => {
    const bob = await w.viewer(w.users.bob.id);
    const original = (await askQuestion(bob, { title: "Original question about FX limits", body: body("fx"), tags: ["#fx"], spaceId: null })).id;
    const dup = (await askQuestion(await w.viewer(w.users.carol.id), { title: "Same question about FX limits again", body: body("fx"), tags: [], spaceId: null })).id;
    // carol (asker) closes her own as a duplicate
    await closeAsDuplicate(await w.viewer(w.users.carol.id), dup, original);
    const mod = await import("../../app/routes/questions.$id");
    const before = await footprint();
    const res = await callRoute(mod.action, postRequest("/x", { intent: "answer", bodyText: "An answer" }, { token: tokens.alice }), { id: dup });
    expect(res.status).toBe(409);
    expect(await footprint()).toEqual(before);
    const page = await questionPage(bob, original);
    expect(page.question.duplicates.map((d) => d.id)).toEqual([dup]);
    expect((await questionPage(bob, dup)).question.duplicateOf?.id).toBe(original);
    // closing as a duplicate of itself, or of a question one cannot see, is refused
    expect(await status(closeAsDuplicate(bob, original, original))).toBe("QaStateError:duplicateSelf");
  });

  it("answering a deleted question is a 404 and stores nothing; the deleted question leaves the lists", async () => {
    const bob = await w.viewer(w.users.bob.id);
    const id = (await askQuestion(bob, { title: "A question soon deleted", body: body("gone"), tags: ["#gone"], spaceId: null })).id;
    await deleteQaItem(bob, id);
    const mod = await import("../../app/routes/questions.$id");
    const before = await footprint();
    const res = await callRoute(mod.action, postRequest("/x", { intent: "answer", bodyText: "An answer" }, { token: tokens.alice }), { id });
    expect(res.status).toBe(404);
    expect(await footprint()).toEqual(before);
    const list = await listQuestions(bob, { tab: "mine" });
    expect(list.items.map((i) => i.id)).not.toContain(id);
    const versions = await query<{ action: string }>(w.db, sql`select action from archive_records where subject_id = ${id} order by version`);
    expect(versions.map((v) => v.action)).toEqual(["create", "delete"]);
  });
});

describe("a question in a private space", () => {
  let qid: string;
  let aid: string;
  beforeAll(async () => {
    const alice = await w.viewer(w.users.alice.id);
    qid = (await askQuestion(alice, { title: "Private mandate fee schedule question", body: body("confidential fees"), tags: ["#fees"], spaceId: w.spaces.priv.id })).id;
    aid = (await answerQuestion(alice, qid, body("See the confidential fee grid."))).id;
  });

  it("is invisible to carol, with its answers, in the page, lists and similar questions", async () => {
    const carol = await w.viewer(w.users.carol.id);
    const facts = await loadContentFacts(w.db, [qid, aid]);
    expect(can(carol, "read", facts.get(qid)!)).toBe(false);
    expect(can(carol, "read", facts.get(aid)!)).toBe(false);
    expect(await status(questionPage(carol, qid))).toBe(404);
    for (const tab of ["recent", "unanswered", "breached", "mine", "following"] as const) {
      expect((await listQuestions(carol, { tab })).items.map((i) => i.id)).not.toContain(qid);
    }
    expect((await listQuestions(carol, { tab: "recent", tag: "fees" })).items).toEqual([]);
    expect((await similarQuestions(carol, "mandate fee schedule")).items.map((i) => i.id)).not.toContain(qid);
    // the member sees it everywhere
    const alice = await w.viewer(w.users.alice.id);
    expect((await similarQuestions(alice, "mandate fee schedule")).items.map((i) => i.id)).toContain(qid);
    expect((await listQuestions(alice, { tab: "recent", tag: "#fees" })).items.map((i) => i.id)).toEqual([qid]);
    // votes and answers from outside are 404s, not 403s
    const mod = await import("../../app/routes/questions.$id");
    const before = await footprint();
    const forms: Record<string, string>[] = [{ intent: "vote", target: aid, value: "1" }, { intent: "answer", bodyText: "x" }, { intent: "accept", answerId: aid }];
    for (const form of forms) {
      const res = await callRoute(mod.action, postRequest("/x", form, { token: tokens.carol }), { id: qid });
      expect(res.status, form.intent).toBe(404);
    }
    expect(await footprint()).toEqual(before);
  });
});

describe("content health", () => {
  it("a curator verifies with a future date or marks obsolete with a reason; a member may not", async () => {
    const bob = await w.viewer(w.users.bob.id);
    const qid = (await askQuestion(bob, { title: "Where is the current AML policy kept?", body: body("aml"), tags: ["#aml"], spaceId: null })).id;
    const aid = (await answerQuestion(await w.viewer(w.users.carol.id), qid, body("On the compliance intranet."))).id;
    const curator = await w.viewer(w.users.curator.id);
    expect(await status(setAnswerHealth(bob, aid, { status: "verified", reverifyAt: new Date(Date.now() + 86_400_000) }))).toBe(403);
    expect(await status(setAnswerHealth(curator, aid, { status: "verified", reverifyAt: new Date(Date.now() - 1000) }))).toBe("InputError:reverifyPast");
    expect(await status(setAnswerHealth(curator, aid, { status: "obsolete", reason: "  " }))).toBe("InputError:reasonRequired");
    await setAnswerHealth(curator, aid, { status: "verified", reverifyAt: new Date(Date.now() + 86_400_000) });
    let page = await questionPage(bob, qid);
    expect(page.answers[0].health).toMatchObject({ status: "verified" });
    await setAnswerHealth(curator, aid, { status: "obsolete", reason: "Policy moved to the GRC tool" });
    page = await questionPage(bob, qid);
    expect(page.answers[0].health).toMatchObject({ status: "obsolete", reason: "Policy moved to the GRC tool" });
    const versions = await query<{ action: string }>(w.db, sql`select action from archive_records where subject_id = ${`${aid}:health`}`);
    expect(versions.length).toBe(2);
    // search documents carry the health rank
    const { contentDocuments } = await import("../../app/knowledge/search-docs.server");
    const [doc] = await contentDocuments(w.db, [aid]);
    expect(doc).toMatchObject({ kind: "answer", questionId: qid, health: 0, accepted: false });
  });
});

describe("lists", () => {
  it("unanswered, breached, mine and following hold what they say", async () => {
    testClock.freeze(new Date("2026-06-01T08:00:00Z"));
    const carol = await w.viewer(w.users.carol.id);
    const old = (await askQuestion(carol, { title: "Old unanswered question on payroll", body: body("p"), tags: ["#payroll"], spaceId: null })).id;
    testClock.advance(3 * 3600_000);
    const fresh = (await askQuestion(carol, { title: "Fresh unanswered question on payroll", body: body("p"), tags: ["#payroll"], spaceId: null })).id;
    testClock.advance(60_000);
    const answered = (await askQuestion(carol, { title: "Answered question on payroll", body: body("p"), tags: ["#payroll"], spaceId: null })).id;
    await answerQuestion(await w.viewer(w.users.alice.id), answered, body("Yes."));
    const ids = async (tab: "unanswered" | "breached" | "mine" | "following", who = carol) => (await listQuestions(who, { tab, tag: "payroll" })).items.map((i) => i.id);
    expect(await ids("unanswered")).toEqual([fresh, old]);
    expect(await ids("breached")).toEqual([old]);
    expect(await ids("mine")).toEqual([answered, fresh, old]);
    expect(await ids("following")).toEqual([answered, fresh, old]);
    expect(await ids("following", await w.viewer(w.users.alice.id))).toEqual([]);
    const item = (await listQuestions(carol, { tab: "breached", tag: "payroll" })).items[0];
    expect(item.clock).toMatchObject({ state: "breached", minutes: 61 });
  });
});

describe("feeds and hashtag pages", () => {
  it("a question reaches the home feed of its space's members and of its tag's followers, and its hashtag page", async () => {
    const { homeFeed, tagFeed } = await import("../../app/feed/feeds.server");
    const { setFollow } = await import("../../app/feed/follows.server");
    const bob = await w.viewer(w.users.bob.id);
    const q = await askQuestion(await w.viewer(w.users.alice.id), { title: "Feed question about custody fees", body: body("custody"), tags: ["#custody"], spaceId: w.spaces.open.id });
    // bob is a member of the open space
    expect((await homeFeed(bob, {})).posts.map((p) => p.id)).toContain(q.id);
    // carol is not, but follows the tag
    const carol = await w.viewer(w.users.carol.id);
    expect((await homeFeed(carol, {})).posts.map((p) => p.id)).not.toContain(q.id);
    await setFollow(carol, "tag", "#custody", true);
    const feed = await homeFeed(carol, {});
    expect(feed.posts.map((p) => p.id)).toContain(q.id);
    expect(feed.posts.find((p) => p.id === q.id)?.title).toBe("Feed question about custody fees");
    expect((await tagFeed(carol, "#custody", null)).posts.map((p) => p.id)).toEqual([q.id]);
    // a private question never reaches a tag follower outside the space
    await askQuestion(await w.viewer(w.users.alice.id), { title: "Private custody question here", body: body("custody"), tags: ["#custody"], spaceId: w.spaces.priv.id });
    expect((await tagFeed(carol, "#custody", null)).posts.map((p) => p.id)).toEqual([q.id]);
  });
});
