import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { query } from "../../app/db/client.server";
import { createContent, editContent } from "../../app/content/content.server";
import {
  decide,
  decodeReviewCursor,
  encodeReviewCursor,
  expireDue,
  nominate,
  reviewQueue,
  REVIEW_PAGE,
  REVIEW_SECTIONS,
  RISING_COUNT_CAP,
  type QueueItem,
  type ReviewSection,
} from "../../app/discovery/review.server";
import { rankOf } from "../../app/discovery/signals.server";
import type { Viewer } from "../../app/policy/policy";
import { askQuestion } from "../../app/qa/questions.server";
import { setMember } from "../../app/spaces/spaces.server";
import * as reviewRoute from "../../app/routes/best-practices.review";
import { testClock } from "../../app/utils/clock.server";
import { paragraphDoc } from "../../scripts/lib/factories";
import { buildWorld, doc, type World } from "../fixtures/world";
import { callRoute, getRequest, postRequest, readJson, sessionsFor } from "../support/remix";

// Issue 12: the curators' review queue, a page per section. Own org (the world), own far-off clock.
const DAY = 86_400_000;
const T = new Date("2035-01-10T09:00:00.000Z");
const LATER = new Date(T.getTime() + 2 * DAY);

let w: World;
let curator: Viewer;
let tokens: Record<string, string>;
/** Readable items each section must list, in order (score desc, then id), and the hidden ones. */
const expected: Record<"stale" | "changed" | "nominated" | "faq" | "rising", string[]> = { stale: [], changed: [], nominated: [], faq: [], rising: [] };
const hidden = new Set<string>();

/** An engagement row with this score at T, and the rank key the app keeps (signals.server). */
async function engage(id: string, kind: string, score: number, viewers = 0) {
  await w.db.execute(sql`insert into engagement (content_id, org_id, kind, score, score_at, viewers) values (${id}, ${w.org.id}, ${kind}, ${score}, ${T.toISOString()}::timestamptz, ${viewers})
    on conflict (content_id) do update set score = excluded.score, score_at = excluded.score_at, viewers = excluded.viewers`);
  await w.db.execute(sql`update engagement e set rank = ${rankOf(sql.raw("e"))} where e.content_id = ${id}`);
}

/** Ids sorted as the queue sorts: score desc (items with no engagement score 0), then id. */
const ordered = (items: { id: string; score: number }[]) =>
  [...items].sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map((i) => i.id);

/** A section paged through from its first page: every page and the items in order. */
async function pageThrough(viewer: Viewer, section: ReviewSection, limit?: number) {
  const pages = [];
  let cursor: string | null = null;
  do {
    const [page] = await reviewQueue(viewer, { section, cursor: decodeReviewCursor(cursor), limit }, w.db);
    expect(page.section).toBe(section);
    pages.push(page);
    cursor = page.nextCursor;
  } while (cursor && pages.length < 50);
  return { pages, items: pages.flatMap((p) => p.items) };
}

beforeAll(async () => {
  testClock.freeze(T);
  w = await buildWorld();
  const v = async (k: keyof World["users"]) => w.viewer(w.users[k].id);
  curator = await v("curator");
  const [alice, bob, carol] = [await v("alice"), await v("bob"), await v("carol")];
  // bob as a curator: he reads the secret space, the curator does not
  const bobCurator: Viewer = { ...bob, roles: new Set([...bob.roles, "curator"]) };
  const post = (who: Viewer, space: string, text: string) => createContent(who, { kind: "post", spaceId: space, ...doc(text) });
  const nominated: { id: string; score: number }[] = [];
  // hr writes in the secret space too, for bob to approve (nobody approves their own)
  await setMember(bob, w.spaces.secret.id, w.users.hr.id, true);
  const hr = await v("hr");

  // Nominated: 40 readable (30 with scores 1–6, ties in groups of five; 10 with no engagement), 5 secret above them all
  for (let i = 0; i < 40; i++) {
    const p = await post(alice, w.spaces.open.id, `Nominated practice ${i}`);
    const score = i < 30 ? (i % 6) + 1 : 0;
    if (score) await engage(p.id, "post", score);
    expect(await nominate(carol, p.id, `Worth copying ${i}`, w.db)).toEqual({ ok: true });
    nominated.push({ id: p.id, score });
  }
  for (let i = 0; i < 5; i++) {
    const p = await post(bob, w.spaces.secret.id, `Secret nominated ${i}`);
    await engage(p.id, "post", 500);
    expect(await nominate(bob, p.id, "secret", w.db)).toEqual({ ok: true });
    hidden.add(p.id);
  }
  expected.nominated = ordered(nominated);

  // Stale (3 readable, 1 secret) and changed since approval (2 readable, 1 secret), one approved and current
  const approve = (who: Viewer, id: string, until: Date) => decide(who, id, { decision: "approve", topic: "queue", ownerId: w.users.alice.id, reverifyAt: until }, w.db);
  const soon = new Date(T.getTime() + DAY);
  const far = new Date(T.getTime() + 365 * DAY);
  const stale: { id: string; score: number }[] = [];
  for (let i = 0; i < 3; i++) {
    const p = await post(alice, w.spaces.open.id, `Stale practice ${i}`);
    await engage(p.id, "post", 3 - i);
    expect(await approve(curator, p.id, soon)).toEqual({ ok: true });
    stale.push({ id: p.id, score: 3 - i });
  }
  const secretStale = await post(hr, w.spaces.secret.id, "Secret stale");
  expect(await approve(bobCurator, secretStale.id, soon)).toEqual({ ok: true });
  hidden.add(secretStale.id);
  const changed: { id: string; score: number }[] = [];
  for (let i = 0; i < 2; i++) {
    const p = await post(alice, w.spaces.open.id, `Changed practice ${i}`);
    expect(await approve(curator, p.id, far)).toEqual({ ok: true });
    changed.push({ id: p.id, score: 0 });
  }
  const secretChanged = await post(hr, w.spaces.secret.id, "Secret changed");
  expect(await approve(bobCurator, secretChanged.id, far)).toEqual({ ok: true });
  hidden.add(secretChanged.id);
  const current = await post(alice, w.spaces.open.id, "Approved and current");
  expect(await approve(curator, current.id, far)).toEqual({ ok: true });
  hidden.add(current.id); // not in the queue at all

  // FAQ candidates: two readable questions past the views threshold, one secret, one below it
  const ask = (who: Viewer, space: string, title: string) => askQuestion(who, { title, body: paragraphDoc(title), tags: [], spaceId: space }, w.db);
  const faq: { id: string; score: number }[] = [];
  for (let i = 0; i < 2; i++) {
    const q = await ask(alice, w.spaces.open.id, `Which form for a trust account ${i}?`);
    await engage(q.id, "question", 20 + i, 30);
    faq.push({ id: q.id, score: 20 + i });
  }
  const secretQ = await ask(bob, w.spaces.secret.id, "Which secret form applies here?");
  await engage(secretQ.id, "question", 40, 30);
  hidden.add(secretQ.id);
  const quiet = await ask(alice, w.spaces.open.id, "Which quiet form applies here?");
  await engage(quiet.id, "question", 40, 5);
  hidden.add(quiet.id);
  expected.faq = ordered(faq);

  // Rising: 105 readable posts above the threshold (ties in groups), 3 secret ones above them all
  const rising: { id: string; score: number }[] = [];
  for (let i = 0; i < 105; i++) {
    const p = await post(bob, w.spaces.open.id, `Rising post ${i}`);
    await engage(p.id, "post", 50 + (i % 10));
    rising.push({ id: p.id, score: 50 + (i % 10) });
  }
  for (let i = 0; i < 3; i++) {
    const p = await post(bob, w.spaces.secret.id, `Secret rising ${i}`);
    await engage(p.id, "post", 1000);
    hidden.add(p.id);
  }
  expected.rising = ordered(rising);

  // two days on: the stale group's re-verify date has passed; the changed group is edited
  testClock.freeze(LATER);
  while ((await expireDue(w.db, LATER)) > 0);
  for (const c of changed) await editContent(alice, c.id, doc("Changed practice, edited after approval"), w.db);
  await editContent(hr, secretChanged.id, doc("Secret changed, edited"), w.db);
  expected.stale = ordered(stale);
  expected.changed = ordered(changed);
  tokens = await sessionsFor(w, ["alice", "curator"]);
});

afterAll(() => testClock.reset());

describe("the review queue pages per section", () => {
  it("the whole queue: every section in order, its first page, its count (Rising capped)", async () => {
    const sections = await reviewQueue(curator, {}, w.db);
    expect(sections.map((s) => s.section)).toEqual([...REVIEW_SECTIONS]);
    const by = Object.fromEntries(sections.map((s) => [s.section, s]));
    expect(by.stale).toMatchObject({ count: 3, countCapped: false, nextCursor: null });
    expect(by.changed).toMatchObject({ count: 2, countCapped: false, nextCursor: null });
    expect(by.nominated).toMatchObject({ count: 40, countCapped: false });
    expect(by.faq).toMatchObject({ count: 2, countCapped: false, nextCursor: null });
    expect(by.rising).toMatchObject({ count: RISING_COUNT_CAP, countCapped: true });
    for (const s of REVIEW_SECTIONS) {
      expect(by[s].items.map((i) => i.id)).toEqual(expected[s].slice(0, REVIEW_PAGE));
      for (const item of by[s].items) expect(item.reason).toBe(s);
    }
    expect(by.nominated.nextCursor).toBeTruthy();
    expect(by.rising.nextCursor).toBeTruthy();
    // nominations come with the items shown
    expect(by.nominated.items[0].nominations).toEqual([{ name: "Carol", reason: expect.stringMatching(/^Worth copying \d+$/) }]);
  });

  it("paging through a section returns every readable item exactly once, in order (score desc, then id)", async () => {
    for (const s of REVIEW_SECTIONS) {
      const { pages, items } = await pageThrough(curator, s);
      const ids = items.map((i) => i.id);
      expect(ids).toEqual(expected[s]);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.some((id) => hidden.has(id))).toBe(false);
      // every page but the last is full; the last has no cursor
      for (const p of pages.slice(0, -1)) expect(p.items).toHaveLength(REVIEW_PAGE);
      expect(pages[pages.length - 1].nextCursor).toBeNull();
      const scores = items.map((i: QueueItem) => i.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
    }
    // a decided section over several small pages too
    const small = await pageThrough(curator, "stale", 2);
    expect(small.pages).toHaveLength(2);
    expect(small.items.map((i) => i.id)).toEqual(expected.stale);
  });

  it("a reader of the secret space sees its items in the same sections", async () => {
    const bob = await w.viewer(w.users.bob.id);
    const bobCurator: Viewer = { ...bob, roles: new Set([...bob.roles, "curator"]) };
    const [nominated] = await reviewQueue(bobCurator, { section: "nominated" }, w.db);
    expect(nominated.count).toBe(45);
    expect(nominated.items.slice(0, 5).every((i) => hidden.has(i.id))).toBe(true); // score 500, first
    const faq = await pageThrough(bobCurator, "faq");
    expect(faq.items).toHaveLength(3);
  });

  it("a non-curator gets 404 from the domain and the page, whatever the section", async () => {
    const alice = await w.viewer(w.users.alice.id);
    await expect(reviewQueue(alice, {}, w.db)).rejects.toMatchObject({ status: 404 });
    await expect(reviewQueue(alice, { section: "nominated" }, w.db)).rejects.toMatchObject({ status: 404 });
    for (const path of ["/best-practices/review", "/best-practices/review?section=nominated", "/best-practices/review?section=bogus"]) {
      expect((await callRoute(reviewRoute.loader, getRequest(path, { token: tokens.alice }))).status).toBe(404);
    }
  });
});

describe("the review page", () => {
  const get = (qs: string) => callRoute(reviewRoute.loader, getRequest(`/best-practices/review${qs}`, { token: tokens.curator }));

  it("Show more: the next page of that section only, from the cursor in the URL", async () => {
    const whole = await readJson(await get(""));
    const nominated = whole.sections.find((s: { section: string }) => s.section === "nominated");
    expect(nominated.items).toHaveLength(REVIEW_PAGE);
    const res = await get(`?${new URLSearchParams({ section: "nominated", cursor: nominated.nextCursor })}`);
    expect(res.status).toBe(200);
    const more = await readJson(res);
    expect(more.only).toBe("nominated");
    expect(more.sections.map((s: { section: string }) => s.section)).toEqual(["nominated"]);
    expect(more.sections[0].items.map((i: { id: string }) => i.id)).toEqual(expected.nominated.slice(REVIEW_PAGE, 2 * REVIEW_PAGE));
    expect(more.sections[0].count).toBe(40);
    // a section's first page, without a cursor
    const first = await readJson(await get("?section=faq"));
    expect(first.sections[0].items.map((i: { id: string }) => i.id)).toEqual(expected.faq);
  });

  it("an unknown section or a malformed cursor is a clear 400, never a 500", async () => {
    const valid = encodeReviewCursor({ rank: 1, id: expected.nominated[0] });
    const b64 = (s: string) => Buffer.from(s).toString("base64url");
    const cases: [string, "section" | "cursor"][] = [
      ["?section=bogus", "section"],
      ["?section=", "section"],
      [`?section=${encodeURIComponent("nominated' or 1=1 --")}`, "section"],
      ["?section=nominated&cursor=not%20a%20cursor", "cursor"],
      ["?section=nominated&cursor=", "cursor"],
      [`?section=rising&cursor=${b64(`NaN|${expected.rising[0]}`)}`, "cursor"],
      [`?section=rising&cursor=${b64("1|not-an-id")}`, "cursor"],
      [`?section=rising&cursor=${b64(`1|${expected.rising[0]}|x`)}`, "cursor"],
      [`?section=stale&cursor=${"A".repeat(300)}`, "cursor"],
      [`?cursor=${valid}`, "cursor"], // a cursor belongs to a section
    ];
    for (const [qs, field] of cases) {
      const res = await get(qs);
      expect(res.status, qs).toBe(400);
      const body = await readJson(res);
      expect(body.errors[field], qs).toMatch(field === "section" ? /Unknown section/ : /page link is not valid/);
    }
    expect((await get(`?section=nominated&cursor=${valid}`)).status).toBe(200);
  });

  it("a decision from a later page works and the page is served again from the same cursor", async () => {
    const [first] = await reviewQueue(curator, { section: "nominated" }, w.db);
    const qs = `?${new URLSearchParams({ section: "nominated", cursor: first.nextCursor! })}`;
    const target = expected.nominated[REVIEW_PAGE + 3];
    const res = await callRoute(
      reviewRoute.action,
      postRequest(`/best-practices/review${qs}`, { intent: "reject", contentId: target, reason: "Not a practice" }, { token: tokens.curator }),
    );
    expect(res.status).toBe(200);
    expect(await readJson(res)).toMatchObject({ ok: true, contentId: target });
    const again = await readJson(await get(qs));
    const ids = again.sections[0].items.map((i: { id: string }) => i.id);
    expect(ids).not.toContain(target);
    expect(ids).toEqual(expected.nominated.slice(REVIEW_PAGE).filter((id) => id !== target));
    expect(again.sections[0].count).toBe(39);
    const [rec] = await query<{ status: string }>(w.db, sql`select status from best_practices where content_id = ${target}`);
    expect(rec.status).toBe("rejected");
  });
});
