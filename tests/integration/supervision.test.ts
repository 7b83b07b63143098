import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createComment, createPost } from "../../app/content/posts.server";
import { editContent } from "../../app/content/content.server";
import { getDb, query } from "../../app/db/client.server";
import { consumers, drainConsumer } from "../../app/platform/outbox.server";
import { can } from "../../app/policy/policy";
import { loadContentFacts } from "../../app/policy/facts.server";
import { readableContentCondition } from "../../app/policy/scopes.server";
import { contentSearchFilter } from "../../app/policy/search-filter";
import { loadViewer } from "../../app/policy/viewer.server";
import { matchLexicon } from "../../app/supervision/lexicon.server";
import { savePolicy, setSampling } from "../../app/supervision/policies.server";
import { decide, listFlags } from "../../app/supervision/queue.server";
import { checkPattern, patternSpans } from "../../app/supervision/safe-regex.server";
import { isSampled, sampleDraw } from "../../app/supervision/sampling.server";
import { makeOrg, makeSpace, makeUser, paragraphDoc } from "../../scripts/lib/factories";

async function drainSupervision() {
  const db = await getDb();
  const c = consumers().find((x) => x.name === "supervision")!;
  while ((await drainConsumer(db, c)) > 0);
}

async function setup() {
  const db = await getDb();
  const org = await makeOrg("Supervised Bank");
  const officer = await loadViewer(db, (await makeUser(org.id, { roles: ["member", "compliance"] })).id);
  const officer2 = await loadViewer(db, (await makeUser(org.id, { roles: ["member", "compliance"] })).id);
  const alice = await loadViewer(db, (await makeUser(org.id)).id);
  const bob = await loadViewer(db, (await makeUser(org.id)).id);
  return { db, org, officer, officer2, alice, bob };
}

const spanText = (text: string, spans: Array<{ start: number; end: number }>) => spans.map((s) => text.slice(s.start, s.end));

describe("lexicon matching", () => {
  it("matches stemmed English and French words and phrases, with exceptions and regular expressions", async () => {
    const db = await getDb();
    const lex = { terms: ["guarantee", "risk-free return", "garantie"], patterns: [], exceptions: [] };
    const en = "We GUARANTEED it. These are risk free returns for everyone.";
    expect(spanText(en, (await matchLexicon(db, en, lex)).spans)).toEqual(["GUARANTEED", "risk free returns"]);
    const fr = "Des rendements garantis, sans aucun risque.";
    expect(spanText(fr, (await matchLexicon(db, fr, lex)).spans)).toEqual(["garantis"]);
    // no match on unrelated words sharing letters
    expect((await matchLexicon(db, "The guard ran.", lex)).spans).toEqual([]);
    // exceptions: a bank guarantee is a product, not a promise
    const ex = { ...lex, exceptions: ["bank guarantee"] };
    const t = "The bank guarantees settlement; we guarantee profits.";
    expect(spanText(t, (await matchLexicon(db, t, ex)).spans)).toEqual(["guarantee"]);
    // regular expressions (case-insensitive), minus exceptions too
    const re = { terms: [], patterns: ["\\b\\d{8,12}\\b", "off[- ]?channel"], exceptions: [] };
    const r = "Call me on 0612345678 or use an OFF-CHANNEL app";
    expect(spanText(r, (await matchLexicon(db, r, re)).spans)).toEqual(["0612345678", "OFF-CHANNEL"]);
  });

  it("holds regular expressions to a safe subset and bounds every run in time", () => {
    expect(checkPattern("(a+)+$")).toBe("nestedQuantifier");
    expect(checkPattern("(a|aa)*b")).toBe("nestedQuantifier");
    expect(checkPattern("(\\w+\\s?)*x")).toBe("nestedQuantifier");
    expect(checkPattern("(a)\\1")).toBe("backreference");
    expect(checkPattern("(?=a)b")).toBe("lookaround");
    expect(checkPattern("a{1,5000}")).toBe("bigRepeat");
    expect(checkPattern("([a-z")).toBe("invalid");
    expect(checkPattern("x?")).toBe("matchesEmpty");
    expect(checkPattern("a".repeat(201))).toBe("tooLong");
    expect(checkPattern("insider (tip|info)")).toBeNull();
    // a polynomial pattern the subset admits is stopped by the deadline instead of freezing the process
    const started = Date.now();
    const run = patternSpans("a.*a.*a.*a.*b", "a".repeat(20_000), 50);
    expect(run.timedOut).toBe(true);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe("random sampling", () => {
  it("draws within ±0.3 points of the rate over 10,000 items, reproducibly", () => {
    const seed = "fixed-seed-for-the-test";
    const ids = Array.from({ length: 10_000 }, (_, i) => `item-${i}`);
    for (const rate of [0.01, 0.02]) {
      const drawn = ids.filter((id) => isSampled(seed, id, rate)).length;
      expect(Math.abs(drawn / ids.length - rate)).toBeLessThanOrEqual(0.003);
    }
    expect(sampleDraw(seed, "item-1")).toBe(sampleDraw(seed, "item-1"));
    expect(sampleDraw(seed, "item-1")).not.toBe(sampleDraw("another seed", "item-1"));
  });
});

describe("the review queue", () => {
  it("flags new and edited posts, comments and questions from the outbox, highlights matches, samples, and records it all", async () => {
    const { db, org, officer, officer2, alice, bob } = await setup();
    const policyId = await savePolicy(officer, { name: "Promises", severity: "high", terms: "guarantee\ngarantie", patterns: "", exceptions: "bank guarantee" });
    const clean = await createPost(alice, { spaceId: null, body: paragraphDoc("Quarterly notes, nothing special.") });
    const hit = await createPost(alice, { spaceId: null, body: paragraphDoc("We guarantee a 20% return") });
    const comment = await createComment(bob, { parentId: clean.id, body: paragraphDoc("Rendement garanti!") });
    const bankOnly = await createPost(bob, { spaceId: null, body: paragraphDoc("The bank guarantee is signed") });
    // nothing is flagged in the request: only the consumer writes flags
    expect((await listFlags(officer, { state: "all" })).total).toBe(0);
    await drainSupervision();
    const q = await listFlags(officer, {});
    expect(q.items.map((i) => i.contentId).sort()).toEqual([hit.id, comment.id].sort());
    const h = q.items.find((i) => i.contentId === hit.id)!;
    expect(h.severity).toBe("high");
    expect(h.policy).toBe("Promises");
    expect(spanText(h.text, h.spans)).toEqual(["guarantee"]);
    expect(q.items.some((i) => i.contentId === bankOnly.id)).toBe(false);
    // an edit is checked again: a clean post that turns bad is flagged at its new version
    await editContent(alice, clean.id, { bodyJson: paragraphDoc("Now we guarantee it"), bodyText: "Now we guarantee it" });
    await drainSupervision();
    const again = await listFlags(officer, { policy: policyId });
    expect(again.items.find((i) => i.contentId === clean.id)?.contentVersion).toBe(2);
    // draining twice adds nothing
    await drainSupervision();
    expect((await listFlags(officer, { state: "all" })).total).toBe(3);
    const [{ n }] = await query<{ n: number }>(db, sql`select count(*)::int as n from audit_log where org_id = ${org.id} and action = 'supervision.flagged'`);
    expect(n).toBe(3);

    // sampling: 100 % of a space, recorded with its draw
    const space = await makeSpace(alice);
    await setSampling(officer, { spaceId: space.id, percent: 100, seed: "s" });
    const alice2 = await loadViewer(db, alice.id); // now a member of the space
    const drawn = await createPost(alice2, { spaceId: space.id, body: paragraphDoc("An ordinary update") });
    await drainSupervision();
    const sampled = await listFlags(officer, { policy: "sample" });
    expect(sampled.items.map((i) => i.contentId)).toEqual([drawn.id]);
    expect(sampled.items[0].sample).toMatchObject({ rate: 1, draw: sampleDraw("s", drawn.id) });
    expect(officer2.id).not.toBe(officer.id);
  });

  it("filters, decides with notes in the audit chain, and never lets a reviewer review their own content", async () => {
    const { db, org, officer, officer2, alice } = await setup();
    await savePolicy(officer, { name: "Promises", severity: "medium", terms: "guarantee" });
    const own = await createPost(officer, { spaceId: null, body: paragraphDoc("I guarantee the deadline") });
    const other = await createPost(alice, { spaceId: null, body: paragraphDoc("guaranteed profits") });
    await drainSupervision();
    const mine = await listFlags(officer, {});
    expect(mine.items.map((i) => i.contentId)).toEqual([other.id]); // own content is not in one's queue
    const theirs = await listFlags(officer2, {});
    const ownFlag = theirs.items.find((i) => i.contentId === own.id)!;
    await expect(decide(officer, { intent: "reviewed", flagId: ownFlag.id, note: "" })).rejects.toMatchObject({ status: 403 });
    await expect(decide(officer, { intent: "hide", flagId: ownFlag.id, reason: "x", note: "" })).rejects.toMatchObject({ status: 400 });
    expect(await decide(officer2, { intent: "escalate", flagId: ownFlag.id, note: "Check with the desk head" })).toBe("escalated");
    expect((await listFlags(officer2, { state: "escalated" })).items[0].notes.map((n) => n.body)).toEqual(["Check with the desk head"]);
    expect((await listFlags(officer2, { severity: "high" })).total).toBe(0);
    expect((await listFlags(officer2, { author: "nobody@example.test" })).total).toBe(0);
    const actions = await query<{ action: string }>(db, sql`select action from audit_log where org_id = ${org.id} and action like 'supervision.%' order by seq`);
    expect(actions.map((a) => a.action)).toContain("supervision.escalate");
    expect(actions.map((a) => a.action)).toContain("supervision.queue.view");
    // a member has no queue at all
    await expect(listFlags(alice, {})).rejects.toMatchObject({ status: 404 });
  });

  it("hides an item pending investigation from everyone but its author, in the policy, the SQL scope and the search filter", async () => {
    const { db, officer, alice, bob } = await setup();
    await savePolicy(officer, { name: "Promises", severity: "high", terms: "guarantee" });
    const post = await createPost(alice, { spaceId: null, body: paragraphDoc("We guarantee returns") });
    const reply = await createComment(bob, { parentId: post.id, body: paragraphDoc("Sounds great") });
    await drainSupervision();
    const flag = (await listFlags(officer, {})).items.find((i) => i.contentId === post.id)!;
    expect(await decide(officer, { intent: "hide", flagId: flag.id, reason: "Pending review of a promise of returns", note: "" })).toBe("hidden");
    const facts = await loadContentFacts(db, [post.id, reply.id]);
    const readable = async (v: typeof alice) =>
      (await query<{ id: string }>(db, sql`select c.id from content c where c.id in (${post.id}, ${reply.id}) and ${readableContentCondition(v)} order by c.id`)).map((r) => r.id).sort();
    // the author still sees the post and its thread; bob sees neither his reply nor the post
    expect(can(alice, "read", facts.get(post.id)!)).toBe(true);
    expect(can(bob, "read", facts.get(post.id)!)).toBe(false);
    expect(can(bob, "read", facts.get(reply.id)!)).toBe(false);
    expect(await readable(alice)).toEqual([post.id, reply.id].sort());
    expect(await readable(bob)).toEqual([]);
    expect(contentSearchFilter(bob)).toContain(`(hidden != true OR hiddenVisibleTo = "${bob.id}")`);
    const [row] = await query<{ hidden_reason: string; version: number }>(db, sql`select hidden_reason, version from content where id = ${post.id}`);
    expect(row.hidden_reason).toBe("Pending review of a promise of returns");
    const [archived] = await query<{ action: string }>(db, sql`select action from archive_records where subject_id = ${post.id} and version = ${row.version}`);
    expect(archived.action).toBe("moderate");
    // lifting the hold restores it for everyone
    await decide(officer, { intent: "unhide", flagId: flag.id, note: "Cleared" });
    expect(await readable(bob)).toEqual([post.id, reply.id].sort());
  });

  it("refuses bad policies with a 400 and stores nothing", async () => {
    const { db, org, officer } = await setup();
    await expect(savePolicy(officer, { name: "Bad", severity: "high", terms: "", patterns: "(a+)+$" })).rejects.toMatchObject({ status: 400 });
    await expect(savePolicy(officer, { name: "Bad", severity: "high", terms: "", patterns: "([" })).rejects.toMatchObject({ status: 400 });
    await expect(savePolicy(officer, { name: "Empty", severity: "high", terms: "" })).rejects.toMatchObject({ status: 400 });
    await expect(savePolicy(officer, { name: "Sev", severity: "extreme" as "high", terms: "x" })).rejects.toMatchObject({ status: 400 });
    const [{ n }] = await query<{ n: number }>(db, sql`select count(*)::int as n from supervision_policies where org_id = ${org.id}`);
    expect(n).toBe(0);
  });
});
