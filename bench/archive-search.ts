// npm run bench:archive-search [-- --posts N] — the compliance archive search over every version.
// Needs PostgreSQL: BENCH_DATABASE_URL (a database it may fill; default: DATABASE_URL).
// Loads N posts (default 1,000,000) with three archived versions each (3 N archive records) into
// its own org, generated inside PostgreSQL with the archive's GIN text index dropped during the
// load and rebuilt after, then prints p50/p95 of findVersions (the page's query, highlight
// included) for rare words, common words, phrases and a custodian filter. Target: p95 ≤ 500 ms.
// Every row is made by INSERT … SELECT generate_series inside PostgreSQL (never row by row); each
// phase of the build is timed, with the rate and a linear estimate for 1,000,000 posts, so a small
// run (--posts 20000) tells how long the full build would take on the same machine.
import os from "node:os";
import { sql } from "drizzle-orm";
import { openDatabase, query } from "../app/db/client.server";
import { findVersions } from "../app/records/search.server";

const url = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
if (!url) {
  console.error("Set BENCH_DATABASE_URL (or DATABASE_URL) to a PostgreSQL database the benchmark may fill.");
  process.exit(2);
}
const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const POSTS = Number(arg("--posts") ?? process.env.BENCH_POSTS ?? 1_000_000);
const RUNS = Number(arg("--runs") ?? process.env.BENCH_RUNS ?? 100);
const VOCAB = 20_000;
// the GIN index of drizzle/0019 (on the stored search_tsv column, which PostgreSQL fills on insert)
const TSV_INDEX = `create index if not exists archive_records_tsv_idx on archive_records using gin (search_tsv)`;
const AUTHORS = 10_000;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const fmt = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(1)} ms  p95 ${pct(xs, 95).toFixed(1)} ms  (n=${xs.length})`;

process.env.DATABASE_URL = url;
const h = await openDatabase({ kind: "postgres", url, migrate: true });
const db = h.db;
const [pg] = await query<{ v: string }>(db, sql`select version() as v`);
const load = () => os.loadavg().map((l) => l.toFixed(1)).join(" ");
console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, load ${load()}; Node ${process.version}; ${pg.v.split(",")[0]}`);

const org = `archbench${POSTS}`;
const [{ n }] = await query<{ n: number }>(db, sql`select count(*)::int as n from archive_records where org_id = ${org}`);
if (n !== POSTS * 3) {
  console.log(`Loading ${POSTS.toLocaleString()} posts with ${(POSTS * 3).toLocaleString()} archived versions (once; reused on later runs)…`);
  const t = performance.now();
  let mark = performance.now();
  const phase = (name: string, rows: number) => {
    const s = (performance.now() - mark) / 1000;
    mark = performance.now();
    console.log(`  ${name.padEnd(24)} ${s.toFixed(1).padStart(7)} s${rows ? `  ${Math.round(rows / Math.max(s, 0.001)).toLocaleString()} rows/s` : ""}  (load ${load()})`);
  };
  await db.transaction(async (tx) => {
    // the bench's own rows only, through the retention purge path (the archive is append-only)
    await tx.execute(sql`select set_config('atrium.retention_purge', 'on', true)`);
    await tx.execute(sql`delete from archive_records where org_id = ${org}`);
    await tx.execute(sql`delete from chain_heads where org_id = ${org}`);
  });
  await db.execute(sql`delete from content where org_id = ${org}`);
  await db.execute(sql`delete from users where org_id = ${org}`);
  await db.execute(sql`delete from orgs where id = ${org}`);
  await db.execute(sql`insert into orgs (id, name) values (${org}, 'Archive bench')`);
  await db.execute(sql`insert into users (id, org_id, email, name) select ${org} || '-u' || g, ${org}, ${org} || '-u' || g || '@bench.test', 'Author ' || g from generate_series(1, ${AUTHORS}::int) g`);
  await db.execute(sql`drop index if exists archive_records_tsv_idx`);
  phase("cleanup, org, authors", AUTHORS);
  // words: a skewed draw from VOCAB pseudo-words (w0 common … w19999 rare), 14 a version; one in 50 versions says "needle"
  const text = (salt: string) =>
    sql.raw(`(select string_agg('w' || floor(power(random(), 3) * ${VOCAB})::int, ' ') from generate_series(1, 14 + (g % 3) - (g % 3)) k) || case when (g + ${salt}) % 50 = 0 then ' needle haystack' else '' end`);
  await db.execute(sql`insert into content (id, org_id, kind, author_id, body_json, body_text, version, created_at, updated_at, deleted_at)
    select md5(${org} || g)::uuid::text, ${org}, 'post', ${org} || '-u' || (1 + g % ${AUTHORS}::int), '{}'::jsonb, 'current', 3,
      now() - (g || ' minutes')::interval, now() - (g || ' minutes')::interval, case when g % 20 = 0 then now() else null end
    from generate_series(1, ${POSTS}::int) g`);
  phase("content rows", POSTS);
  for (const v of [1, 2, 3]) {
    await db.execute(sql`insert into archive_records (org_id, seq, subject_kind, subject_id, version, action, actor_id, at, data, prev_hash, hash)
      select ${org}, (g - 1) * 3 + ${v}, 'post', md5(${org} || g)::uuid::text, ${v}, ${v === 1 ? "create" : "edit"}, ${org} || '-u' || (1 + g % ${AUTHORS}::int),
        now() - (g || ' minutes')::interval + (${v} || ' seconds')::interval,
        jsonb_build_object('kind', 'post', 'authorId', ${org} || '-u' || (1 + g % ${AUTHORS}::int), 'spaceId', null, 'title', '', 'text', ${text(String(v))}),
        repeat('0', 64), repeat('0', 64)
      from generate_series(1, ${POSTS}::int) g`);
    phase(`archive version ${v}`, POSTS);
  }
  // the GIN build over every org's versions: give it memory (the default 64 MB spills to disk)
  await db.transaction(async (tx) => {
    await tx.execute(sql`set local maintenance_work_mem = '256MB'`);
    await tx.execute(sql.raw(TSV_INDEX));
  });
  phase("GIN text index", 0);
  // what autovacuum does to a table in use: hint bits and the visibility map set (else the first
  // searches would write every page they read), statistics for the planner
  await db.execute(sql`vacuum (analyze) archive_records`);
  await db.execute(sql`vacuum (analyze) content`);
  phase("vacuum, analyze", 0);
  const total = (performance.now() - t) / 1000;
  console.log(`  loaded in ${total.toFixed(1)} s`);
  const [{ all }] = await query<{ all: number }>(db, sql`select count(*)::int as "all" from archive_records`);
  if (all > POSTS * 3 * 1.1)
    console.log(`  (the GIN build covered all ${all.toLocaleString()} archive rows of this database, other orgs included: no estimate from it)`);
  else if (POSTS < 1_000_000) {
    // inserts scale linearly; the GIN build a little worse (it also covers other orgs' rows): a floor, not a promise
    const scale = 1_000_000 / POSTS;
    console.log(`  linear estimate for 1,000,000 posts / 3,000,000 versions on this machine at this load: ~${((total * scale) / 60).toFixed(0)} min`);
  }
}
await db.execute(sql.raw(TSV_INDEX));

const cases: Array<[string, () => Parameters<typeof findVersions>[2]]> = [
  ["rare word", () => ({ q: `w${15_000 + Math.floor(Math.random() * 4_999)}` })],
  ["mid word", () => ({ q: `w${2_000 + Math.floor(Math.random() * 1_000)}` })],
  ["common word", () => ({ q: `w${Math.floor(Math.random() * 5)}` })],
  ["phrase", () => ({ q: '"needle haystack"' })],
  ["two words", () => ({ q: `needle w${Math.floor(Math.random() * 50)}` })],
  ["custodian + word", () => ({ q: "needle", custodianIds: [`${org}-u${1 + Math.floor(Math.random() * AUTHORS)}`] })],
  ["custodian, no words", () => ({ q: "", custodianIds: [`${org}-u${1 + Math.floor(Math.random() * AUTHORS)}`] })],
];
const all: number[] = [];
for (const [name, make] of cases) {
  for (let i = 0; i < 3; i++) await findVersions(db, org, make());
  const xs: number[] = [];
  let hits = 0;
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    hits += (await findVersions(db, org, make())).length;
    xs.push(performance.now() - t);
  }
  all.push(...xs);
  console.log(`${name.padEnd(20)} ${fmt(xs)}  avg hits ${(hits / RUNS).toFixed(0)}`);
}
const p95 = pct(all, 95);
console.log(`${"all".padEnd(20)} ${fmt(all)}  target p95 ≤ 500 ms: ${p95 <= 500 ? "met" : "MISSED"}  (${POSTS.toLocaleString()} posts, ${(POSTS * 3).toLocaleString()} versions; load ${load()})`);
await h.close();
