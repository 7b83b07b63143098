// npm run bench:feed — home feed at 1,000,000 posts for a user in 20 spaces following 50 people.
// Needs PostgreSQL: BENCH_DATABASE_URL (a database it may fill; default: DATABASE_URL).
// Prints the machine, then p50/p95 (median of 3 rounds after a warm-up, with the p95's min and max)
// of the feed query beside its raw execution inside PostgreSQL, of the domain pipeline (viewer facts
// → sources → skeleton → hydrate) and, when a build exists, of the whole signed-in page over HTTP.
// Targets (issue 19): feed query p95 ≤ 4 ms, signed-in home page p95 ≤ 25 ms.
import fs from "node:fs";
import { sql } from "drizzle-orm";
import { openDatabase, query } from "../app/db/client.server";
import { feedSkeleton, feedSources, skeletonQuery } from "../app/feed/home-feed.server";
import { loadViewer } from "../app/policy/viewer.server";
import { formatRounds, machineLine, measureRounds, medianP95 } from "../scripts/lib/bench";
import { loadFeedData } from "../scripts/lib/feed-data";
import { startServer, waitFor } from "../scripts/lib/server-process";

const url = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
if (!url) {
  console.error("Set BENCH_DATABASE_URL (or DATABASE_URL) to a PostgreSQL database the benchmark may fill.");
  process.exit(2);
}
const POSTS = Number(process.env.BENCH_POSTS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 300);

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const fmt = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(2)} ms  p95 ${pct(xs, 95).toFixed(2)} ms  (n=${xs.length})`;

process.env.DATABASE_URL = url;
const h = await openDatabase({ kind: "postgres", url });
const db = h.db;
const prefix = `bench${POSTS}`;
const [{ n }] = await query<{ n: number }>(db, sql`select count(*)::int as n from content where org_id = ${prefix + "-org"}`);
let data: { org: string; spaces: string[]; authors: string[] };
if (n !== POSTS) {
  console.log(`Loading ${POSTS.toLocaleString()} posts (once; reused on later runs)…`);
  const t = performance.now();
  await db.execute(sql`delete from follows where user_id like ${prefix + "-%"}`);
  await db.execute(sql`delete from space_members where space_id like ${prefix + "-%"}`);
  await db.execute(sql`delete from content where org_id = ${prefix + "-org"}`);
  await db.execute(sql`delete from spaces where org_id = ${prefix + "-org"}`);
  await db.execute(sql`delete from users where org_id = ${prefix + "-org"}`);
  await db.execute(sql`delete from orgs where id = ${prefix + "-org"}`);
  data = await loadFeedData(db, { posts: POSTS, spaces: 2000, authors: 10_000, prefix });
  console.log(`  loaded in ${((performance.now() - t) / 1000).toFixed(1)} s`);
} else {
  data = {
    org: `${prefix}-org`,
    spaces: Array.from({ length: 2000 }, (_, i) => `${prefix}-s${i + 1}`),
    authors: Array.from({ length: 10_000 }, (_, i) => `${prefix}-u${i + 1}`),
  };
}
const me = data.authors[0];
await db.execute(sql`delete from space_members where user_id = ${me}`);
await db.execute(sql`delete from follows where user_id = ${me}`);
for (const s of data.spaces.slice(0, 20)) await db.execute(sql`insert into space_members (space_id, user_id) values (${s}, ${me})`);
for (const a of data.authors.slice(5000, 5050)) await db.execute(sql`insert into follows (user_id, target_kind, target_id) values (${me}, 'user', ${a})`);
await db.execute(sql`update users set password_hash = null where id = ${me}`);

const viewer = await loadViewer(db, me);
const sources = await feedSources(db, viewer);
console.log(machineLine(`${POSTS.toLocaleString()} posts`));
console.log(`Viewer: ${sources.spaceIds.length} spaces, ${sources.authorIds.length} followed people`);

// 1. the feed query alone (first page and a deep page), beside the same statement's raw
//    execution time inside PostgreSQL (EXPLAIN ANALYZE: no driver, no network)
const rounds = { runs: RUNS, rounds: 3, warmup: 30 };
let deep = { at: "", id: "" };
{
  const rows = await query<{ id: string; created_at: string }>(db, skeletonQuery(viewer, sources, { limit: 21 }));
  let c = { at: new Date(rows[19].created_at).toISOString(), id: rows[19].id };
  for (let p = 0; p < 50; p++) {
    const next = await feedSkeleton(db, viewer, sources, { cursor: c, limit: 21 });
    c = { at: next[19].createdAt.toISOString(), id: next[19].id };
  }
  deep = c;
}
const q1 = await measureRounds(() => query(db, skeletonQuery(viewer, sources, { limit: 21 })), rounds);
console.log(`feed query, first page:   ${formatRounds(q1)}`);
const qDeep = await measureRounds(() => query(db, skeletonQuery(viewer, sources, { limit: 21, cursor: deep })), rounds);
console.log(`feed query, page 51:      ${formatRounds(qDeep)}`);
const raw: number[] = [];
for (let i = 0; i < 100; i++) {
  const plan = await query<{ "QUERY PLAN": string }>(db, sql`explain (analyze, timing off, summary on) ${skeletonQuery(viewer, sources, { limit: 21 })}`);
  const line = plan.map((r) => r["QUERY PLAN"]).find((l) => l.startsWith("Execution Time"));
  raw.push(Number(/([\d.]+) ms/.exec(line ?? "")?.[1] ?? NaN));
}
console.log(`  raw, inside PostgreSQL: ${fmt(raw)}`);

// 2. natural query for comparison (few runs: it is slow)
const nat: number[] = [];
const spaceList = sql.join(sources.spaceIds.map((s) => sql`${s}`), sql`, `);
const authorList = sql.join(sources.authorIds.map((s) => sql`${s}`), sql`, `);
for (let i = 0; i < 10; i++) {
  const t = performance.now();
  await query(db, sql`select id from content where kind = 'post' and deleted_at is null and (space_id in (${spaceList}) or author_id in (${authorList})) order by created_at desc, id desc limit 21`);
  nat.push(performance.now() - t);
}
console.log(`natural OR query (ref.):  ${fmt(nat)}`);

// 3. the domain pipeline: viewer facts → sources → skeleton → hydrate
const { homeFeed } = await import("../app/feed/feeds.server");
const { getDb } = await import("../app/db/client.server");
const d = await getDb();
const pipe = await measureRounds(async () => homeFeed(await loadViewer(d, me), {}, d), { runs: RUNS, rounds: 3, warmup: 20 });
console.log(`home feed pipeline:       ${formatRounds(pipe)}`);

// 4. the whole signed-in page over HTTP against the built app, once its start-up jobs are done
let pageP95: number | null = null;
if (fs.existsSync("build/index.js") && fs.existsSync("build/server.js")) {
  const { createSession } = await import("../app/identity/session.server");
  const { token } = await createSession(me);
  const server = startServer({ port: 3390, databaseUrl: url, meiliUrl: "http://127.0.0.1:1" });
  try {
    await waitFor(async () => (await fetch(`${server.base}/healthz`)).status === 200, 120_000, () => `the server\n${server.output()}`);
    await waitFor(async () => ((await (await fetch(`${server.base}/healthz`)).json()) as { jobs?: string[] }).jobs?.length === 0, 600_000, "the start-up jobs to finish", 500);
    const headers = { Cookie: `atrium_session=${token}` };
    const page = await measureRounds(async () => {
      const res = await fetch(`${server.base}/`, { headers });
      await res.text();
      if (res.status !== 200) throw new Error(`page answered ${res.status}`);
    }, { runs: Math.min(RUNS, 200), rounds: 3, warmup: 20 });
    pageP95 = medianP95(page);
    console.log(`signed-in page GET /:     ${formatRounds(page)}`);
  } finally {
    await server.stop();
  }
} else {
  console.log("signed-in page: skipped (run `npm run build` first)");
}
const { closeDb } = await import("../app/db/client.server");
await closeDb();
await h.close();
const feedP95 = medianP95(q1);
console.log(`target: feed query p95 ≤ 4 ms — ${feedP95 <= 4 ? "met" : "NOT met"} (${feedP95.toFixed(2)} ms; raw p95 ${pct(raw, 95).toFixed(2)} ms)`);
console.log(`target: signed-in home page p95 ≤ 25 ms — ${pageP95 === null ? "not measured" : pageP95 <= 25 ? "met" : "NOT met"}${pageP95 === null ? "" : ` (${pageP95.toFixed(2)} ms, median of 3 rounds)`}`);
