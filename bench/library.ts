// npm run bench:library — the Best practices library and the review queue at 1,000,000 posts.
// Needs PostgreSQL: BENCH_DATABASE_URL (a database it may fill; default: DATABASE_URL).
// Loads the bench:feed corpus (reused when present), adds 2,000 approved best practices over
// 20 topics, engagement and views, then prints p50/p95 of the library (all, by topic, searched),
// the review queue and, when a build exists, the signed-in page GET /best-practices over HTTP.
import fs from "node:fs";
import { sql } from "drizzle-orm";
import { openDatabase, query } from "../app/db/client.server";
import { loadViewer } from "../app/policy/viewer.server";
import { loadFeedData } from "../scripts/lib/feed-data";
import { rankOf } from "../app/discovery/signals.server";
import { formatRounds, machineLine, measureRounds, medianP95 } from "../scripts/lib/bench";
import { startServer, waitFor } from "../scripts/lib/server-process";

const url = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
if (!url) {
  console.error("Set BENCH_DATABASE_URL (or DATABASE_URL) to a PostgreSQL database the benchmark may fill.");
  process.exit(2);
}
const POSTS = Number(process.env.BENCH_POSTS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const APPROVED = 2000; // at most (deleted posts and comments on the stride are skipped)

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const fmt = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(2)} ms  p95 ${pct(xs, 95).toFixed(2)} ms  (n=${xs.length})`;
async function time(runs: number, fn: () => Promise<unknown>) {
  for (let i = 0; i < 10; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

process.env.DATABASE_URL = url;
const h = await openDatabase({ kind: "postgres", url });
const db = h.db;
const [pg] = await query<{ v: string }>(db, sql`select version() as v`);
console.log(machineLine(pg.v.split(",")[0]));

const prefix = `bench${POSTS}`;
const org = `${prefix}-org`;
const [{ n }] = await query<{ n: number }>(db, sql`select count(*)::int as n from content where org_id = ${org}`);
if (n !== POSTS) {
  console.log(`Loading ${POSTS.toLocaleString()} posts (once; reused on later runs, shared with bench:feed)…`);
  const t = performance.now();
  for (const table of ["content_views", "engagement", "nominations", "best_practices", "saved_items"]) {
    await db.execute(sql`delete from ${sql.raw(table)} where org_id = ${org}`);
  }
  await db.execute(sql`delete from follows where user_id like ${prefix + "-%"}`);
  await db.execute(sql`delete from space_members where space_id like ${prefix + "-%"}`);
  await db.execute(sql`delete from content where org_id = ${org}`);
  await db.execute(sql`delete from spaces where org_id = ${org}`);
  await db.execute(sql`delete from users where org_id = ${org}`);
  await db.execute(sql`delete from orgs where id = ${org}`);
  await loadFeedData(db, { posts: POSTS, spaces: 2000, authors: 10_000, prefix });
  console.log(`  loaded in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}
const [{ bp }] = await query<{ bp: number }>(db, sql`select count(*)::int as bp from best_practices where org_id = ${org} and status = 'approved'`);
if (bp === 0) { // the stride yields ~1,850 live posts: loaded once, reused after
  console.log(`Adding ${APPROVED} approved best practices, engagement and views…`);
  for (const table of ["content_views", "engagement", "nominations", "best_practices"]) await db.execute(sql`delete from ${sql.raw(table)} where org_id = ${org}`);
  // every 487th post (a prime stride, skipping comments and deleted rows) over 20 topics
  await db.execute(sql`insert into best_practices (content_id, org_id, entry_kind, status, topic, owner_id, reverify_at, approved_version, approved_at, reviewer_id, decided_at, version, created_at)
    select c.id, ${org}, 'practice', 'approved', 'topic ' || (g % 20), c.author_id, now() + interval '180 days', c.version, now() - (g || ' minutes')::interval,
      ${prefix + "-u2"}, now(), 1, now()
    from generate_series(1, ${POSTS}::int, 487) g join content c on c.id = md5(${prefix} || g)::uuid::text
    where c.kind = 'post' and c.deleted_at is null limit ${APPROVED}`);
  // pending nominations and rising items for the queue
  await db.execute(sql`insert into best_practices (content_id, org_id, status, created_at, version)
    select c.id, ${org}, 'pending', now(), 1 from generate_series(3, ${POSTS}::int, 4999) g join content c on c.id = md5(${prefix} || g)::uuid::text
    where c.kind = 'post' and c.deleted_at is null on conflict do nothing`);
  await db.execute(sql`insert into engagement (content_id, org_id, kind, score, score_at, viewers, reactions)
    select c.id, ${org}, c.kind, (g % 40)::float8, now() - ((g % 100) || ' hours')::interval, g % 30, g % 12
    from generate_series(1, ${POSTS}::int, 97) g join content c on c.id = md5(${prefix} || g)::uuid::text
    where c.kind = 'post' and c.deleted_at is null on conflict do nothing`);
  await db.execute(sql`insert into engagement (content_id, org_id, kind, score, score_at, viewers)
    select bp.content_id, ${org}, 'post', 12, now(), 40 from best_practices bp where bp.org_id = ${org} on conflict do nothing`);
  await db.execute(sql`insert into content_views (content_id, user_id, org_id, department, viewed_at)
    select bp.content_id, ${prefix} || '-u' || (1 + u), ${org}, (array['Sales','Research','Operations','Wealth'])[1 + u % 4], now()
    from best_practices bp cross join generate_series(0, 19) u where bp.org_id = ${org} on conflict do nothing`);
  // the rank keys the app maintains (app/discovery/signals.server.ts), from each item's engagement,
  // and the approved version's words (app/discovery/review.server.ts, on approval)
  await db.execute(sql`update engagement e set rank = ${rankOf(sql.raw("e"))} where e.org_id = ${org}`);
  await db.execute(sql`update best_practices bp set rank = ${rankOf(sql.raw("e"))} from engagement e where e.content_id = bp.content_id and bp.org_id = ${org}`);
  await db.execute(sql`update best_practices bp set search_text = coalesce(c.title, '') || ' ' || c.body_text || ' ' || bp.topic
    from content c where c.id = bp.content_id and bp.org_id = ${org} and bp.status = 'approved'`);
  await db.execute(sql`analyze best_practices; analyze engagement; analyze content_views`);
}

const me = `${prefix}-u1`;
await db.execute(sql`delete from space_members where user_id = ${me}`);
for (let s = 1; s <= 20; s++) await db.execute(sql`insert into space_members (space_id, user_id) values (${`${prefix}-s${s}`}, ${me})`);
await db.execute(sql`update users set roles = '{member,curator}' where id = ${me}`);

const { library } = await import("../app/discovery/library.server");
const { reviewQueue } = await import("../app/discovery/review.server");
const { getDb, closeDb } = await import("../app/db/client.server");
const d = await getDb();
const viewer = await loadViewer(db, me);

const all = await time(RUNS, () => library(viewer, {}, d));
console.log(`library, all topics:      ${fmt(all)}`);
const byTopic = await time(RUNS, () => library(viewer, { topic: "topic 7" }, d));
console.log(`library, one topic:       ${fmt(byTopic)}`);
const searched = await time(RUNS, () => library(viewer, { q: "post 1" }, d));
console.log(`library, searched:        ${fmt(searched)}`);
const queue = await time(Math.min(RUNS, 50), () => reviewQueue(viewer, {}, d));
console.log(`review queue:             ${fmt(queue)}`);

let pageP95: number | null = null;
if (fs.existsSync("build/index.js") && fs.existsSync("build/server.js")) {
  const { createSession } = await import("../app/identity/session.server");
  const { token } = await createSession(me);
  const server = startServer({ port: 3391, databaseUrl: url, meiliUrl: "http://127.0.0.1:1" });
  try {
    await waitFor(async () => (await fetch(`${server.base}/healthz`)).status === 200, 120_000, () => `the server\n${server.output()}`);
    // A server's first minutes run every periodic job once (analytics rollups at 1M posts take
    // seconds): measure the steady state, after them, as a long-running instance serves.
    const settleStart = performance.now();
    await waitFor(async () => {
      const h = (await (await fetch(`${server.base}/healthz`)).json()) as { jobs?: string[] };
      return (h.jobs ?? []).length === 0;
    }, 600_000, "the start-up jobs to finish", 500);
    console.log(`  (start-up jobs finished after ${((performance.now() - settleStart) / 1000).toFixed(1)} s)`);
    const headers = { Cookie: `atrium_session=${token}` };
    const get = (path: string) => async () => {
      const res = await fetch(`${server.base}${path}`, { headers });
      await res.text();
      if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
    };
    const page = await measureRounds(get("/best-practices"), { runs: RUNS });
    pageP95 = medianP95(page);
    console.log(`signed-in GET /best-practices: ${formatRounds(page)}`);
    const reviewPage = await measureRounds(get("/best-practices/review"), { runs: Math.min(RUNS, 50) });
    console.log(`signed-in GET /best-practices/review: ${formatRounds(reviewPage)}`);
  } finally {
    await server.stop();
  }
} else {
  console.log("signed-in page: skipped (run `npm run build` first)");
}
await closeDb();
await h.close();
const p95 = pageP95 ?? pct(all, 95);
console.log(`target: library page p95 ≤ 50 ms — ${p95 <= 50 ? "met" : "NOT met"} (${p95.toFixed(2)} ms, ${pageP95 === null ? "domain call" : "whole page, median of 3 rounds"})`);
