import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { recordActivityOn } from "../../app/analytics/activity.server";
import { computeWeek, ENGAGED_MIN_DAYS, EXPERT_WINDOW_DAYS, rollupWeeks, runAnalyticsRollups, TTA_BUCKETS } from "../../app/analytics/rollup.server";
import { addDays, isoDay, parseDay } from "../../app/analytics/weeks";
import { runCommand } from "../../app/compliance/command.server";
import { getDb, query, type Db } from "../../app/db/client.server";
import { drainAll } from "../../app/platform/outbox.server";
import { testClock } from "../../app/utils/clock.server";
import { makeOrg, makeUser } from "../../scripts/lib/factories";
import { rng } from "../../scripts/lib/rng";

// Every weekly rollup cell equals a brute-force computation over random activity:
// random people (departments, regions, a reporting tree), random activity days, random
// posts, comments, questions, answers (some deleted), reactions, accepted answers and
// best-practice events, then each week rolled up and compared cell by cell with a plain
// recount from the generated lists.

const DAY = 86_400_000;
const WEEKS = ["2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23", "2026-03-30"];
const FIRST = parseDay(WEEKS[0]).getTime() - 28 * DAY; // activity starts 4 weeks earlier (28-day windows)
const END = parseDay(WEEKS[WEEKS.length - 1]).getTime() + 7 * DAY;

type U = { id: string; department: string; region: string; managerId: string | null; active: boolean };
type C = { id: string; kind: string; authorId: string; spaceId: string | null; parentId: string | null; at: number; deleted: boolean };
type R = { contentId: string; userId: string; at: number };

let db: Db;
let orgId: string;
const usersL: U[] = [];
const days: { userId: string; day: string }[] = [];
const items: C[] = [];
const reacts: R[] = [];
const accepted: { answerId: string; questionId: string; authorId: string; tags: string[]; at: number }[] = [];
const qTags: { questionId: string; tag: string }[] = [];
const funnel: { contentId: string; stage: string; userId: string; at: number }[] = [];
let spacesL: string[] = [];

beforeAll(async () => {
  db = await getDb();
  const r = rng(1313);
  const pick = <T,>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const org = await makeOrg("Rollup Bank");
  orgId = org.id;
  const depts = ["Sales", "Research", "Operations", ""];
  const regions = ["Paris", "London"];
  for (let i = 0; i < 26; i++) {
    const managerId = i === 0 ? null : usersL[Math.floor(r() * Math.min(i, 6))].id;
    const u = await makeUser(orgId, { department: pick(depts), region: pick(regions), managerId, password: null });
    usersL.push({ id: u.id, department: u.department, region: u.region, managerId, active: true });
  }
  // two people left before the last weeks (outside the group sizes from then on)
  await db.execute(sql`update users set created_at = '2020-01-01' where org_id = ${orgId}`);
  for (const u of usersL.slice(-2)) {
    await db.execute(sql`update users set status = 'deactivated', deactivated_at = ${new Date(parseDay(WEEKS[3]).getTime() + 2 * DAY).toISOString()}::timestamptz where id = ${u.id}`);
    u.active = false;
  }
  spacesL = [];
  for (const s of ["a", "b"]) {
    const id = `sp-${s}-${orgId}`;
    await db.execute(sql`insert into spaces (id, org_id, slug, name, created_by) values (${id}, ${orgId}, ${id}, ${s}, ${usersL[0].id})`);
    spacesL.push(id);
  }
  // activity days
  for (const u of usersL) {
    const p = r();
    for (let t = FIRST; t < END; t += DAY) if (r() < p) days.push({ userId: u.id, day: isoDay(new Date(t)) });
  }
  for (const d of days) await recordActivityOn(db, d.userId, orgId, d.day);
  // content: a fifth questions, then answers and comments on earlier items, some deleted
  let n = 0;
  const at = () => FIRST + 21 * DAY + Math.floor(r() * (END - FIRST - 21 * DAY));
  for (let i = 0; i < 260; i++) {
    const kindRoll = r();
    const parent = items.length > 0 && kindRoll > 0.45 ? pick(items) : null;
    const kind = !parent ? (kindRoll < 0.2 ? "question" : "post") : parent.kind === "question" ? "answer" : "comment";
    const created = parent ? Math.min(END - 1, parent.at + Math.floor(r() * r() * r() * 2 * DAY)) : at();
    const c: C = { id: `c${n++}-${orgId}`, kind, authorId: pick(usersL).id, spaceId: parent ? parent.spaceId : pick([...spacesL, null]), parentId: parent?.id ?? null, at: created, deleted: r() < 0.08 };
    items.push(c);
    await db.execute(sql`insert into content (id, org_id, kind, space_id, parent_id, author_id, body_json, body_text, created_at, updated_at, deleted_at)
      values (${c.id}, ${orgId}, ${c.kind}, ${c.spaceId}, ${c.parentId}, ${c.authorId}, '{}'::jsonb, '', ${new Date(c.at).toISOString()}::timestamptz,
        ${new Date(c.at).toISOString()}::timestamptz, ${c.deleted ? new Date(END).toISOString() : null}::timestamptz)`);
    if (kind === "question" && r() < 0.7) {
      const tag = pick(["#rates", "#fraud", "#kyc", "#fx"]);
      qTags.push({ questionId: c.id, tag });
      await db.execute(sql`insert into content_tags (content_id, org_id, tag, created_at) values (${c.id}, ${orgId}, ${tag}, ${new Date(c.at).toISOString()}::timestamptz)`);
    }
  }
  for (let i = 0; i < 300; i++) {
    const c = pick(items);
    const u = pick(usersL);
    if (reacts.some((x) => x.contentId === c.id && x.userId === u.id)) continue;
    const rx = { contentId: c.id, userId: u.id, at: Math.min(END - 1, c.at + Math.floor(r() * 5 * DAY)) };
    reacts.push(rx);
    await db.execute(sql`insert into reactions (content_id, user_id, kind, created_at) values (${rx.contentId}, ${rx.userId}, 'like', ${new Date(rx.at).toISOString()}::timestamptz)`);
  }
  // accepted answers and the best-practice funnel arrive as outbox events (the contracts of Q&A and discovery)
  const emitAt = async (t: number, topic: string, subjectId: string, payload: Record<string, unknown>) => {
    testClock.freeze(new Date(t));
    await runCommand(db, (c) => c.emit({ orgId, topic, subjectId, payload }));
  };
  for (const a of items.filter((x) => x.kind === "answer" && !x.deleted)) {
    if (r() < 0.4) {
      const q = items.find((x) => x.id === a.parentId)!;
      const tags = qTags.filter((t) => t.questionId === q.id).map((t) => t.tag);
      const t = a.at + 3_600_000;
      await emitAt(t, "qa.answer.accepted", q.id, { questionId: q.id, answerId: a.id, answerAuthorId: a.authorId, tags });
      if (r() < 0.2) await emitAt(t + 60_000, "qa.answer.unaccepted", q.id, { questionId: q.id, answerId: a.id, answerAuthorId: a.authorId, tags });
      else accepted.push({ answerId: a.id, questionId: q.id, authorId: a.authorId, tags, at: t });
    }
  }
  for (const p of items.filter((x) => x.kind === "post").slice(0, 30)) {
    const t = p.at + DAY;
    const nominator = pick(usersL).id;
    await emitAt(t, "discovery.nominated", p.id, { contentId: p.id, nominatorId: nominator });
    funnel.push({ contentId: p.id, stage: "nominated", userId: nominator, at: t });
  }
  for (const p of items.filter((x) => x.kind === "post").slice(0, 12)) {
    const author = p.authorId;
    await emitAt(p.at + 2 * DAY, "discovery.approved", p.id, { contentId: p.id, authorId: author, tags: [] });
    funnel.push({ contentId: p.id, stage: "approved", userId: author, at: p.at + 2 * DAY });
    for (const v of usersL.slice(0, 1 + Math.floor(r() * 8))) {
      await emitAt(p.at + 3 * DAY, "discovery.viewed", p.id, { contentId: p.id, viewerId: v.id });
      funnel.push({ contentId: p.id, stage: "viewed", userId: v.id, at: p.at + 3 * DAY });
    }
  }
  const revoked = items.filter((x) => x.kind === "post")[0];
  await emitAt(revoked.at + 4 * DAY, "discovery.revoked", revoked.id, { contentId: revoked.id, authorId: revoked.authorId, tags: [] });
  for (let i = funnel.length - 1; i >= 0; i--) if (funnel[i].contentId === revoked.id && funnel[i].stage === "approved") funnel.splice(i, 1);
  testClock.reset();
  await drainAll(db);
}, 120_000);

/** The brute force: each figure recounted straight from the generated lists. */
function expected(week: string) {
  const ws = parseDay(week).getTime();
  const we = ws + 7 * DAY;
  const out = new Map<string, { value: number; people: Set<string> }>();
  const cell = (dim: string, grp: string, metric: string) => {
    const k = `${dim}|${grp}|${metric}`;
    if (!out.has(k)) out.set(k, { value: 0, people: new Set() });
    return out.get(k)!;
  };
  const byId = new Map(usersL.map((u) => [u.id, u]));
  const g = (s: string) => s || "—";
  const groups = (id: string): [string, string][] => {
    const u = byId.get(id)!;
    const lines: [string, string][] = [];
    for (let m = u.managerId; m; m = byId.get(m)!.managerId) lines.push(["line", m]);
    return [["org", "all"], ["department", g(u.department)], ["region", g(u.region)], ...lines];
  };
  const deactivatedAt = parseDay(WEEKS[3]).getTime() + 2 * DAY;
  for (const u of usersL) {
    if (!u.active && deactivatedAt < we) continue;
    for (const [d, k] of groups(u.id)) cell(d, k, "population").people.add(u.id);
  }
  for (const u of usersL) {
    const mine = days.filter((d) => d.userId === u.id).map((d) => parseDay(d.day).getTime());
    const inWeek = mine.filter((t) => t >= ws && t < we).length;
    const in28 = mine.filter((t) => t >= we - 28 * DAY && t < we).length;
    for (const [d, k] of groups(u.id)) {
      if (in28 > 0) cell(d, k, "mau").people.add(u.id);
      if (in28 >= ENGAGED_MIN_DAYS) cell(d, k, "engaged").people.add(u.id);
      if (inWeek > 0) {
        cell(d, k, "wau").people.add(u.id);
        const c = cell(d, k, "active_days");
        c.value += inWeek;
        c.people.add(u.id);
      }
    }
  }
  const live = items.filter((c) => !c.deleted);
  const parentOf = (c: C) => items.find((x) => x.id === c.parentId);
  const matrix = new Map<string, { n: number; actors: Set<string>; targets: Set<string> }>();
  const interact = (actor: string, target: string | undefined) => {
    if (!target || target === actor) return;
    const k = `${g(byId.get(actor)!.department)}\u0001${g(byId.get(target)!.department)}`;
    const m = matrix.get(k) ?? { n: 0, actors: new Set(), targets: new Set() };
    m.n++;
    m.actors.add(actor);
    m.targets.add(target);
    matrix.set(k, m);
  };
  const name: Record<string, string> = { post: "posts", comment: "comments", question: "questions", answer: "answers" };
  for (const c of live.filter((x) => x.at >= ws && x.at < we)) {
    const gs = [...groups(c.authorId), ...(c.spaceId ? [["space", c.spaceId] as [string, string]] : [])];
    for (const [d, k] of gs) {
      for (const m of [name[c.kind], "contributions"]) {
        const x = cell(d, k, m);
        x.value++;
        x.people.add(c.authorId);
      }
      cell(d, k, "contributors").people.add(c.authorId);
    }
    if (c.parentId) interact(c.authorId, parentOf(c)?.authorId);
  }
  for (const rx of reacts.filter((x) => x.at >= ws && x.at < we)) {
    const c = items.find((x) => x.id === rx.contentId)!;
    if (c.deleted) continue;
    for (const [d, k] of [...groups(rx.userId), ...(c.spaceId ? [["space", c.spaceId] as [string, string]] : [])]) {
      const x = cell(d, k, "reactions");
      x.value++;
      x.people.add(rx.userId);
    }
    interact(rx.userId, c.authorId);
  }
  for (const [k, m] of matrix) {
    const x = cell("matrix", k, "interactions");
    x.value = m.n;
    x.people = m.actors.size <= m.targets.size ? m.actors : m.targets;
  }
  for (const c of live.filter((x) => x.at >= we - 28 * DAY && x.at < we)) for (const [d, k] of groups(c.authorId)) cell(d, k, "contributors28").people.add(c.authorId);
  for (const q of live.filter((x) => x.kind === "question" && x.at >= ws && x.at < we)) {
    const answers = live.filter((a) => a.parentId === q.id && a.kind === "answer").map((a) => a.at);
    const first = answers.length ? Math.min(...answers) : null;
    const isAccepted = accepted.some((a) => a.questionId === q.id);
    for (const [d, k] of [...groups(q.authorId), ...(q.spaceId ? [["space", q.spaceId] as [string, string]] : [])]) {
      const bump = (m: string) => {
        const x = cell(d, k, m);
        x.value++;
        x.people.add(q.authorId);
      };
      if (first !== null) {
        const minutes = (first - q.at) / 60_000;
        bump("q_answered");
        if (minutes <= 120) bump("q_in_target");
        bump(`tta_${TTA_BUCKETS.findIndex((e) => minutes <= e)}`);
      }
      if (isAccepted) bump("q_accepted");
    }
  }
  for (const t of qTags) {
    const q = items.find((x) => x.id === t.questionId)!;
    if (!q.deleted && q.at >= we - EXPERT_WINDOW_DAYS * DAY && q.at < we) cell("tag", t.tag, "experts");
  }
  for (const a of accepted.filter((x) => x.at >= we - EXPERT_WINDOW_DAYS * DAY && x.at < we)) for (const t of a.tags) cell("tag", t, "experts").people.add(a.authorId);
  const stageMetric: Record<string, string> = { nominated: "bp_nominated", approved: "bp_approved", viewed: "bp_views" };
  for (const f of funnel.filter((x) => x.at >= ws && x.at < we)) {
    const x = cell("org", "all", stageMetric[f.stage]);
    x.value++;
    x.people.add(f.userId);
    if (f.stage === "viewed") cell("org", "all", "bp_viewers").people.add(f.userId);
  }
  const distinct = new Set(["population", "mau", "engaged", "wau", "contributors", "contributors28", "experts", "bp_viewers"]);
  return new Map([...out].map(([k, v]) => [k, { value: distinct.has(k.split("|")[2]) ? v.people.size : v.value, people: v.people.size }]));
}

describe("analytics rollup", () => {
  it.each(WEEKS)("week %s: every stored cell equals the brute-force recount", async (week) => {
    await rollupWeeks(db, orgId, week, week);
    const rows = await query<{ dim: string; grp: string; metric: string; value: number; people: number }>(
      db,
      sql`select dim, grp, metric, value, people from analytics_cells where org_id = ${orgId} and week = ${week}::date`,
    );
    const got = new Map(rows.map((r) => [`${r.dim}|${r.grp}|${r.metric}`, { value: Number(r.value), people: Number(r.people) }]));
    const want = expected(week);
    expect(got.size).toBeGreaterThan(50);
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [k, v] of want) expect(got.get(k), k).toEqual(v);
  });

  it("rolling a week up twice gives the same cells (idempotent), and the job rolls up dirty weeks", async () => {
    const week = WEEKS[2];
    const before = await computeWeek(db, orgId, week);
    await rollupWeeks(db, orgId, week, week);
    await rollupWeeks(db, orgId, week, week);
    const [{ n }] = await query<{ n: number }>(db, sql`select count(*)::int as n from analytics_cells where org_id = ${orgId} and week = ${week}::date`);
    expect(Number(n)).toBe(before.length);
    // a deletion marks the item's week dirty through the outbox; the job recomputes it
    const victim = items.find((c) => c.kind === "post" && !c.deleted && c.at >= parseDay(week).getTime() && c.at < parseDay(addDays(week, 7)).getTime())!;
    await db.execute(sql`update content set deleted_at = now() where id = ${victim.id}`);
    await runCommand(db, (c) => c.emit({ orgId, topic: "content.deleted", subjectId: victim.id, payload: { kind: "post" } }));
    await drainAll(db);
    const [dirty] = await query<{ n: number }>(db, sql`select count(*)::int as n from analytics_dirty where org_id = ${orgId} and week = ${week}::date`);
    expect(Number(dirty.n)).toBe(1);
    await runAnalyticsRollups(db, new Date(END + 30 * DAY));
    victim.deleted = true;
    const rows = await query<{ dim: string; grp: string; metric: string; value: number; people: number }>(
      db,
      sql`select dim, grp, metric, value, people from analytics_cells where org_id = ${orgId} and week = ${week}::date and dim = 'org'`,
    );
    const want = expected(week);
    for (const r of rows) expect({ value: Number(r.value), people: Number(r.people) }, r.metric).toEqual(want.get(`org|all|${r.metric}`));
  });
});

describe("space breakdown stored by the rollup", () => {
  it.each(WEEKS)("week %s: analytics_space_weeks equals the brute-force suppression of the recounted cells", async (week) => {
    await rollupWeeks(db, orgId, week, week);
    const K = 5;
    const want = expected(week);
    const atom = (space: string, metric: string) => want.get(`space|${space}|${metric}`) ?? { value: 0, people: 0 };
    const withheld = new Map<string, boolean>();
    for (const metric of ["contributions", "posts", "questions", "q_answered"]) {
      const cells = spacesL.map((s) => ({ s, ...atom(s, metric), hide: false }));
      for (const c of cells) c.hide = c.people > 0 && c.people < K;
      const nonEmpty = (c: (typeof cells)[number]) => c.people > 0 || c.value !== 0;
      const hidden = cells.filter((c) => c.hide && nonEmpty(c));
      if (hidden.length && Math.max(...hidden.map((c) => c.people)) < K) {
        const next = cells.filter((c) => !c.hide && nonEmpty(c)).sort((a, b) => a.people - b.people || a.value - b.value || a.s.localeCompare(b.s))[0];
        if (next) next.hide = true;
      }
      for (const c of cells) withheld.set(`${c.s}|${metric}`, c.hide);
    }
    const rows = await query<Record<string, unknown>>(db, sql`select * from analytics_space_weeks where org_id = ${orgId} and week = ${week}::date order by space_id`);
    const present = spacesL.filter((s) => ["contributions", "posts", "questions", "q_answered"].some((m) => want.has(`space|${s}|${m}`))).sort();
    expect(rows.map((r) => r.space_id)).toEqual(present);
    for (const r of rows) {
      const s = String(r.space_id);
      for (const [metric, column] of [["contributions", "contributions"], ["posts", "posts"], ["questions", "questions"], ["q_answered", "answered"]]) {
        const hide = withheld.get(`${s}|${metric}`)! || (metric === "q_answered" && withheld.get(`${s}|questions`)!);
        const a = atom(s, metric);
        expect(r[column] === null ? null : Number(r[column]), `${s} ${metric}`).toBe(hide ? null : a.value);
        expect(r[`${column}_partial`], `${s} ${metric} partial`).toBe(hide && (a.value !== 0 || a.people > 0));
        // never a published figure from 1..K-1 people
        if (r[column] !== null) expect(a.people === 0 || a.people >= K).toBe(true);
      }
    }
  });
});

it("the space fixture exercises both outcomes: published and withheld space figures", async () => {
  const [r] = await query<{ published: number; withheld: number }>(
    db,
    sql`select count(*) filter (where contributions is not null)::int as published, count(*) filter (where contributions is null)::int + count(*) filter (where posts is null)::int as withheld
        from analytics_space_weeks where org_id = ${orgId}`,
  );
  expect(Number(r.published)).toBeGreaterThan(0);
  expect(Number(r.withheld)).toBeGreaterThan(0);
});
