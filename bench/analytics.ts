// npm run bench:analytics — dashboards at 1,000,000 posts and 10,000 people.
// Needs PostgreSQL: BENCH_DATABASE_URL (a database it may fill; default: DATABASE_URL).
// Prints the time to roll up one week of activity (the job's unit: it recomputes the
// current week, i.e. every day of it), and p50/p95 of the HR dashboard, of the audited
// view and of a manager's line, with the machine's facts beside them.
import os from "node:os";
import { sql } from "drizzle-orm";
import { buildDashboard } from "../app/analytics/dashboard.server";
import { viewAnalytics } from "../app/analytics/analytics.server";
import { rollupWeek } from "../app/analytics/rollup.server";
import { addDays, snapRange, weekOf } from "../app/analytics/weeks";
import { openDatabase, query } from "../app/db/client.server";
import { loadViewer } from "../app/policy/viewer.server";
import { loadFeedData } from "../scripts/lib/feed-data";

const url = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
if (!url) {
  console.error("Set BENCH_DATABASE_URL (or DATABASE_URL) to a PostgreSQL database the benchmark may fill.");
  process.exit(2);
}
const POSTS = Number(process.env.BENCH_POSTS ?? 1_000_000);
const USERS = 10_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 100);
const WEEKS = Number(process.env.BENCH_WEEKS ?? 24); // 12-week range + the previous 12 for comparison

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const fmt = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(1)} ms  p95 ${pct(xs, 95).toFixed(1)} ms  (n=${xs.length})`;

process.env.DATABASE_URL = url;
const h = await openDatabase({ kind: "postgres", url });
const db = h.db;
const prefix = `bench${POSTS}`;
const org = `${prefix}-org`;
const [{ version }] = await query<{ version: string }>(db, sql`select version()`);
console.log(`Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, load ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}, Node ${process.version}`);
console.log(`Database: ${version.split(",")[0]}`);

const [{ n }] = await query<{ n: number }>(db, sql`select count(*)::int as n from content where org_id = ${org} and kind in ('post', 'comment')`);
if (Number(n) !== POSTS) {
  console.log(`Loading ${POSTS.toLocaleString()} posts and ${USERS.toLocaleString()} people (once; reused on later runs)…`);
  const t = performance.now();
  for (const table of ["analytics_cells", "analytics_activity", "analytics_dirty"]) await db.execute(sql`delete from ${sql.raw(table)} where org_id = ${org}`);
  await db.execute(sql`delete from reactions where user_id like ${prefix + "-%"}`);
  await db.execute(sql`delete from follows where user_id like ${prefix + "-%"}`);
  await db.execute(sql`delete from space_members where space_id like ${prefix + "-%"}`);
  await db.execute(sql`delete from content where org_id = ${org}`);
  await db.execute(sql`delete from spaces where org_id = ${org}`);
  await db.execute(sql`delete from users where org_id = ${org}`);
  await db.execute(sql`delete from orgs where id = ${org}`);
  await loadFeedData(db, { posts: POSTS, spaces: 2000, authors: USERS, prefix });
  console.log(`  feed data in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}
const [{ a }] = await query<{ a: number }>(db, sql`select count(*)::int as a from analytics_activity where org_id = ${org}`);
if (Number(a) === 0) {
  const t = performance.now();
  // regions, a reporting tree (10 per manager, 4 levels), an HR analyst; everyone here for a year
  await db.execute(sql`update users set region = (array['Paris','London','New York','Singapore','Frankfurt'])[1 + (split_part(id, '-u', 2)::int % 5)],
    manager_id = case when split_part(id, '-u', 2)::int > 1 then ${prefix} || '-u' || (split_part(id, '-u', 2)::int / 10 + 1)::text end,
    created_at = now() - interval '400 days' where org_id = ${org}`);
  await db.execute(sql`update users set manager_id = null where org_id = ${org} and manager_id = id`);
  await db.execute(sql`update users set roles = '{hr,member}' where id = ${prefix + "-u2"}`);
  // a half-finished earlier load leaves nothing behind
  await db.execute(sql`delete from reactions where user_id like ${prefix + "-%"}`);
  await db.execute(sql`delete from content where org_id = ${org} and kind in ('question', 'answer')`);
  // questions and answers: 50,000 questions, 80,000 answers across the year
  await db.execute(sql`insert into content (id, org_id, kind, space_id, author_id, body_json, body_text, created_at, updated_at)
    select ${prefix} || '-q' || g, ${org}, 'question', ${prefix} || '-s' || (1 + g % 2000), ${prefix} || '-u' || (1 + (g::bigint * 7907) % ${USERS}),
      '{}'::jsonb, 'question ' || g, now() - (g * 600 || ' seconds')::interval, now() - (g * 600 || ' seconds')::interval
    from generate_series(1, 50000) g`);
  await db.execute(sql`insert into content (id, org_id, kind, space_id, parent_id, author_id, body_json, body_text, created_at, updated_at)
    select ${prefix} || '-a' || g, ${org}, 'answer', ${prefix} || '-s' || (1 + (g % 50000 + 1) % 2000), ${prefix} || '-q' || (g % 50000 + 1),
      ${prefix} || '-u' || (1 + (g::bigint * 104723) % ${USERS}), '{}'::jsonb, 'answer', now() - ((g % 50000 + 1) * 600 - 60 * (1 + g % 300) || ' seconds')::interval,
      now() - ((g % 50000 + 1) * 600 || ' seconds')::interval
    from generate_series(1, 80000) g`);
  // 300,000 reactions and a year of activity days (each person ~45% of days)
  await db.execute(sql`insert into reactions (content_id, user_id, kind, created_at)
    select c.id, ${prefix} || '-u' || (1 + (row_number() over () * 7919) % ${USERS}), 'like', c.created_at + interval '2 hours'
    from (select id, created_at from content where org_id = ${org} and kind = 'post' order by id limit 300000) c on conflict do nothing`);
  await db.execute(sql`insert into analytics_activity (user_id, org_id, day)
    select ${prefix} || '-u' || u, ${org}, (current_date - d)
    from generate_series(1, ${USERS}) u, generate_series(0, 200) d
    where ((u * 31 + d * 17) % 100) < 45 on conflict do nothing`);
  await db.execute(sql`analyze`);
  console.log(`  analytics data in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

// 1. the rollup: one week, from the source tables
const thisWeek = weekOf(new Date());
const rollTimes: number[] = [];
const [{ c: cellsBefore }] = await query<{ c: number }>(db, sql`select count(distinct week)::int as c from analytics_space_weeks where org_id = ${org}`);
for (let w = 0; w < WEEKS + 1; w++) {
  const week = addDays(thisWeek, -7 * w);
  if (Number(cellsBefore) >= WEEKS + 1 && w > 1) break; // already rolled up on an earlier run
  const t = performance.now();
  const cells = await rollupWeek(db, org, week);
  rollTimes.push(performance.now() - t);
  if (w === 0) console.log(`rollup of the current week (${week}): ${(rollTimes[0] / 1000).toFixed(2)} s, ${cells} cells`);
}
console.log(`rollup per week (${rollTimes.length} weeks): ${fmt(rollTimes)}; target: a day's rollup ≤ 60 s (the job recomputes whole weeks)`);

// 2. dashboards
const hr = await loadViewer(db, `${prefix}-u2`);
const manager = await loadViewer(db, `${prefix}-u3`);
const range = snapRange(new Date(), { weeks: 12 });
for (let i = 0; i < 5; i++) await buildDashboard(db, hr, org, { kind: "org" }, range);
const dash: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const t = performance.now();
  await buildDashboard(db, hr, org, { kind: "org" }, range);
  dash.push(performance.now() - t);
}
console.log(`HR dashboard, 12 weeks + previous (build):  ${fmt(dash)}`);
const viewed: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const t = performance.now();
  await viewAnalytics(hr, "auto", { weeks: 12 }, db);
  viewed.push(performance.now() - t);
}
console.log(`HR dashboard, audited view (policy+build+audit): ${fmt(viewed)}`);
const line: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const t = performance.now();
  await viewAnalytics(manager, "auto", { weeks: 12 }, db);
  line.push(performance.now() - t);
}
console.log(`manager's line (~1,100 people), audited view:   ${fmt(line)}`);
console.log("target: dashboard p95 ≤ 200 ms");
await h.close();
