// Demo backfill for analytics: a few dozen colleagues around the personas, five weeks of
// activity days, posts, comments, questions, answers and reactions through the real write
// path (clock moved back), a reporting line under Carol, then every week rolled up. Enough
// people per department that the demo dashboards show figures above K = 5.
import { sql } from "drizzle-orm";
import { rollupWeeks } from "../app/analytics/rollup.server";
import { addDays, isoDay, weekOf } from "../app/analytics/weeks";
import { createContent, REACTIONS, setReaction } from "../app/content/content.server";
import { createComment, createPost } from "../app/content/posts.server";
import type { Db } from "../app/db/client.server";
import { createUser } from "../app/identity/accounts.server";
import type { Viewer } from "../app/policy/policy";
import { loadViewer } from "../app/policy/viewer.server";
import { joinSpace } from "../app/spaces/spaces.server";
import { testClock } from "../app/utils/clock.server";
import { paragraphDoc } from "./lib/factories";
import { rng } from "./lib/rng";

const DAY = 86_400_000;
const TEAMS: { department: string; region: string; size: number }[] = [
  { department: "Wealth Management", region: "Paris", size: 9 },
  { department: "Operations", region: "Singapore", size: 9 },
  { department: "Research", region: "New York", size: 8 },
  { department: "Investment Banking", region: "London", size: 7 },
  { department: "IT", region: "Paris", size: 5 },
];
const FIRST = ["Léa", "Tom", "Inès", "Sam", "Nora", "Hugo", "Maya", "Yann", "Zoé", "Raj", "Emma", "Luc", "Aya", "Ben", "Jade", "Omar", "Lina", "Paul", "Mila", "Noah"];
const LAST = ["Roux", "Khan", "Silva", "Weber", "Rossi", "Dupont", "Lee", "Garcia", "Morel", "Fontaine", "Okafor", "Novak"];
const TOPICS = ["client onboarding", "rate questions", "the new app release", "KYC reviews", "fraud alerts", "month-end close", "ESG reporting", "complaint handling"];

export async function seedAnalyticsBackfill(
  db: Db,
  orgId: string,
  personas: Record<string, string>,
  spaces: { open: string[]; research: string },
  opts: { weeks?: number; password?: string | null } = {},
) {
  const r = rng(2026);
  const pick = <T,>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const weeks = opts.weeks ?? 5;
  const start = Date.parse(`${addDays(weekOf(new Date()), -7 * weeks)}T00:00:00Z`);
  const colleagues: { id: string; department: string }[] = [];
  let n = 0;
  for (const team of TEAMS) {
    for (let i = 0; i < team.size; i++, n++) {
      // Carol (Operations) manages the Operations colleagues: the demo's manager persona
      const managerId = team.department === "Operations" ? personas.carol : null;
      const u = await createUser({
        orgId,
        email: `colleague${n + 1}@demo.test`,
        name: `${FIRST[n % FIRST.length]} ${LAST[(n * 7) % LAST.length]}`,
        password: opts.password ?? null,
        department: team.department,
        region: team.region,
        title: "Colleague",
        managerId,
      });
      colleagues.push({ id: u.id, department: team.department });
    }
  }
  // everyone has been here since before the backfill
  await db.execute(sql`update users set created_at = ${new Date(start - 30 * DAY).toISOString()}::timestamptz where org_id = ${orgId}`);
  const viewers = new Map<string, Viewer>();
  for (const c of colleagues) {
    const mine = c.department === "Research" ? [spaces.research, ...spaces.open.slice(0, 2)] : spaces.open.filter(() => r() < 0.6).concat(spaces.open[0]);
    for (const s of [...new Set(mine)]) await joinSpace(await loadViewer(db, c.id), s).catch(() => undefined);
    viewers.set(c.id, await loadViewer(db, c.id));
  }
  const people = [...colleagues.map((c) => c.id), ...Object.values(personas)];
  for (const id of Object.values(personas)) viewers.set(id, await loadViewer(db, id));
  // activity days: each person has their own habit (one multi-row insert: the seed must stay quick)
  const habit = new Map(people.map((id) => [id, 0.35 + 0.6 * r()]));
  const activeDays: { id: string; day: string }[] = [];
  for (let t = start; t < Date.now() - DAY; t += DAY) {
    const weekend = [0, 6].includes(new Date(t).getUTCDay());
    for (const id of people) if (r() < habit.get(id)! * (weekend ? 0.15 : 1)) activeDays.push({ id, day: isoDay(new Date(t)) });
  }
  for (let i = 0; i < activeDays.length; i += 500) {
    const chunk = activeDays.slice(i, i + 500);
    await db.execute(sql`insert into analytics_activity (user_id, org_id, day) values ${sql.join(
      chunk.map((d) => sql`(${d.id}, ${orgId}, ${d.day}::date)`),
      sql`, `,
    )} on conflict do nothing`);
  }
  const spaceOf = (v: Viewer) => pick([...v.memberSpaceIds]);
  const hidden = (e: unknown) => {
    if (e instanceof Response) return null;
    throw e;
  };
  try {
    // content only in the last weeks (each write goes through the archive and the outbox)
    for (let w = Math.max(0, weeks - 3); w < weeks; w++) {
      const items: { id: string; kind: string; authorId: string }[] = [];
      for (const c of colleagues) {
        if (r() > 0.75) continue;
        const v = viewers.get(c.id)!;
        testClock.freeze(new Date(start + w * 7 * DAY + (1 + Math.floor(r() * 4)) * DAY + Math.floor(r() * 8) * 3_600_000));
        const topic = pick(TOPICS);
        if (r() < 0.25) {
          const text = `How do other teams handle ${topic}? Looking for a checklist that works. #${topic.split(" ")[0].toLowerCase()}`;
          const q = await createContent(v, { kind: "question", spaceId: spaceOf(v), title: `Question about ${topic}`, bodyJson: paragraphDoc(text), bodyText: text }).catch(hidden);
          if (q) items.push({ id: q.id, kind: "question", authorId: c.id });
        } else {
          const p = await createPost(v, { spaceId: spaceOf(v), body: paragraphDoc(`Notes from this week on ${topic}: what worked and what we would change. #${topic.split(" ")[0].toLowerCase()}`) }).catch(hidden);
          if (p) items.push({ id: p.id, kind: "post", authorId: c.id });
        }
      }
      // replies within hours, reactions within days, from anyone who can see the item
      for (const it of items) {
        for (let k = 0; k < (it.kind === "question" ? 2 : 1); k++) {
          const who = pick(people);
          if (who === it.authorId) continue;
          const v = viewers.get(who)!;
          testClock.advance(Math.floor(r() * 3 * 3_600_000));
          if (it.kind === "question" && k < 2) {
            const text = `We use a two-step review for this; happy to walk you through it.`;
            await createContent(v, { kind: "answer", parentId: it.id, bodyJson: paragraphDoc(text), bodyText: text }).catch(hidden);
          } else if (r() < 0.4) {
            await createComment(v, { parentId: it.id, body: paragraphDoc("Thanks, very useful for our team too.") }).catch(hidden);
          } else {
            await setReaction(v, it.id, pick([...REACTIONS]), true).catch(hidden);
          }
        }
      }
    }
  } finally {
    testClock.reset();
  }
  await rollupWeeks(db, orgId, isoDay(new Date(start)), weekOf(new Date()));
  return { colleagues: colleagues.length };
}
