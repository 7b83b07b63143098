// npm run bench:similar — the ask form's "similar questions" endpoint over 1,000,000 indexed documents.
// Needs PostgreSQL (BENCH_DATABASE_URL, default DATABASE_URL). Meilisearch: MEILI_URL, else a child
// process with data in ./data/bench-meili-similar (kept between runs, so the index is built once).
// Prints the machine, then side by side: the raw engine (processingTimeMs, HTTP round trip) and the
// endpoint as a browser calls it (session cookie → viewer → policy filter → engine → re-check → titles).
import os from "node:os";
import { sql } from "drizzle-orm";
import { benchViewer, fmt as fmtMs, resetBenchOrg, startSearchBench, useBenchDatabase } from "./lib/search-bench";

useBenchDatabase();
process.env.MEILI_INDEX_PREFIX ??= "benchsim";
const DOCS = Number(process.env.BENCH_DOCS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 300);

const { query } = await import("../app/db/client.server");
const { indexUid } = await import("../search/settings");
const { contentSearchFilter } = await import("../app/policy/search-filter");
const { createSession } = await import("../app/identity/session.server");
const { SIMILAR_FILTER } = await import("../app/qa/similar.server");
const route = await import("../app/routes/api.questions.similar");

const fmt = (xs: number[]) => fmtMs(xs, { max: true });

const bench = await startSearchBench("data/bench-meili-similar");
const { service, db } = bench;
const version = await service.client.getVersion().then((v) => v.pkgVersion).catch(() => "?");
console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, load ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}; node ${process.version}; Meilisearch ${version}`);
const prefix = `similar${DOCS}`;
const org = `${prefix}-org`;

// --- data: a third questions (with titles), a third answers (half of them accepted), a third posts
const [{ n }] = await query<{ n: number }>(db, sql`select count(*)::int as n from content where org_id = ${org}`);
if (n !== DOCS) {
  console.log(`Loading ${DOCS.toLocaleString()} documents into PostgreSQL (once)…`);
  await resetBenchOrg(db, prefix, "Similar bench", [sql`delete from qa_questions where org_id = ${org}`, sql`delete from sessions where user_id like ${prefix + "-%"}`]);
  // Rows are generated inside PostgreSQL (a client-side COPY stream stalled on this machine).
  // Titles come from banking vocabulary (what people really ask); bodies from a Zipf-like vocabulary.
  const TOPICS = ["kyc", "aml", "onboarding", "mortgage", "liquidity", "sanctions", "treasury", "custody", "payroll", "fx", "fraud", "complaints", "suitability", "mifid", "gdpr", "pension", "card", "loan", "deposit", "audit"];
  const VERBS = ["verify", "renew", "escalate", "document", "approve", "report", "close", "open", "refund", "check", "update", "archive"];
  const OBJECTS = ["source of funds", "a dormant account", "a joint account", "a corporate client", "a wire transfer", "the risk rating", "a power of attorney", "a beneficial owner", "an expired passport", "a chargeback", "a standing order", "a credit limit"];
  const STARTS = ["How do we", "Who can", "When should we", "What is the process to", "Comment faut-il", "Qui peut", "Quand doit-on"];
  const SYL = ["ba", "co", "di", "fe", "ga", "hi", "jo", "ka", "lu", "me", "no", "pa", "ro", "sa", "te", "vo", "an", "el", "is", "or", "tra", "pre", "con", "ver"];
  const { textArray } = await import("../app/db/sql.server");
  const t0 = Date.now();
  // word k of row g: a log-uniform (Zipf-like) rank r < 5000 from a hash of (g, k), spelled from
  // 2–3 syllables picked by r. (Indexing a 5,000-element text[] per word walked the variable-length
  // array each time: 100k rows took ~5 min. A 24-element array keeps it to seconds.)
  const syl = textArray(SYL);
  const word = (k: number) => {
    const r = sql`floor(power(5000, ((g::bigint * ${2654435761 + k * 40503}) % 100003) / 100003.0::float8))::int`;
    return sql`((${syl})[1 + ${r} % 24] || (${syl})[1 + (${r} / 24) % 24] || case when ${r} % 3 > 0 then (${syl})[1 + (${r} / 576) % 24] else '' end)`;
  };
  const body = sql.join(Array.from({ length: 24 }, (_, k) => word(k)), sql` || ' ' || `);
  // The full-text GIN index made each 100k-row insert take minutes: build it once after the load.
  await db.execute(sql`drop index if exists content_fts_idx`);
  for (let from = 1; from <= DOCS; from += 100_000) {
    const to = Math.min(DOCS, from + 99_999);
    await db.execute(sql`insert into content (id, org_id, kind, space_id, parent_id, author_id, title, body_json, body_text, created_at, updated_at)
      select ${prefix} || '-c' || g, ${org}, k.kind,
        case when k.q % 7 = 0 then null else ${prefix} || '-s' || (1 + (k.q * 7919) % 400) end,
        case when k.kind = 'answer' then ${prefix} || '-c' || (g - 1) end,
        ${prefix} || '-u' || (1 + (g * 104729) % 2000),
        case when k.kind = 'question' then (${textArray(STARTS)})[1 + g % 7] || ' ' || (${textArray(VERBS)})[1 + (g / 7) % 12] || ' '
          || (${textArray(OBJECTS)})[1 + (g / 84) % 12] || ' for ' || (${textArray(TOPICS)})[1 + (g / 1008) % 20] || ' ' || ${word(99)} || '?' else '' end,
        '{"type":"doc"}'::jsonb,
        case when k.kind = 'answer' then 'To ' || (${textArray(VERBS)})[1 + (g / 3) % 12] || ' ' || (${textArray(OBJECTS)})[1 + (g / 36) % 12] || ' see the '
          || (${textArray(TOPICS)})[1 + (g / 432) % 20] || ' procedure. ' else '' end || ${body},
        now() - g * interval '1 second', now() - g * interval '1 second'
      from generate_series(${from}::bigint, ${to}::bigint) g
      cross join lateral (select case g % 3 when 1 then 'question' when 2 then 'answer' else 'post' end as kind, case when g % 3 = 2 then g - 1 else g end as q) k`);
    process.stderr.write(`  ${to}/${DOCS} (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`);
  }
  // the Q&A rows: every other question has its answer accepted
  await db.execute(sql`insert into qa_questions (content_id, org_id, target_minutes, route_at, due_at, first_answer_at, accepted_answer_id, created_at)
    select q.id, q.org_id, 120, q.created_at + interval '30 minutes', q.created_at + interval '2 hours', a.created_at,
      case when (row_number() over (order by q.id)) % 2 = 0 then a.id end, q.created_at
    from content q left join content a on a.parent_id = q.id and a.kind = 'answer'
    where q.org_id = ${org} and q.kind = 'question'`);
  console.log(`  generated ${DOCS} rows in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const t1 = Date.now();
  // as in drizzle/0001_search.sql
  await db.execute(sql`create index if not exists content_fts_idx on content using gin (to_tsvector('simple', title || ' ' || body_text))`);
  console.log(`  rebuilt content_fts_idx in ${((Date.now() - t1) / 1000).toFixed(1)} s`);
  await db.execute(sql`analyze content`);
}
const { id: me, viewer } = await benchViewer(db, prefix);

// --- index: this corpus only (the database may also hold other benches' orgs, e.g. bench:library's
// 1M posts), streamed from PostgreSQL in keyset pages when the index is not complete
const index = service.client.index(indexUid("content"));
const stats = await index.getStats().catch(() => ({ numberOfDocuments: 0 }));
const [{ total }] = await query<{ total: number }>(db, sql`select count(*)::int as total from content where org_id = ${org}`);
console.log(`documents: ${total.toLocaleString()} in PostgreSQL (this corpus), ${stats.numberOfDocuments.toLocaleString()} indexed`);
if (Math.abs(stats.numberOfDocuments - total) > 1000) {
  console.log("Indexing the corpus from PostgreSQL (once)…");
  const { contentDocuments } = await import("../app/knowledge/search-docs.server");
  const t0 = performance.now();
  await index.deleteAllDocuments().waitTask({ timeout: 600_000 });
  let after = "";
  let sent = 0;
  let upload: Promise<unknown> = Promise.resolve();
  let buffer: Awaited<ReturnType<typeof contentDocuments>> = [];
  let lastTask = -1;
  const flush = async () => {
    const docs = buffer;
    buffer = [];
    await upload; // one upload at a time, while the next page is read
    upload = index.addDocuments(docs).then((t) => {
      lastTask = t.taskUid;
      sent += docs.length;
      if (sent % 100_000 < 25_000) process.stderr.write(`  sent ${sent}/${total}\n`);
    });
  };
  for (;;) {
    const ids = await query<{ id: string }>(db, sql`select id from content where org_id = ${org} and id > ${after} order by id limit 5000`);
    if (!ids.length) break;
    after = ids[ids.length - 1].id;
    buffer.push(...(await contentDocuments(db, ids.map((r) => r.id))));
    if (buffer.length >= 25_000) await flush();
  }
  if (buffer.length) await flush();
  await upload;
  if (lastTask >= 0) await service.client.tasks.waitForTask(lastTask, { timeout: 3_600_000, interval: 1000 });
  const s = (performance.now() - t0) / 1000;
  console.log(`indexing: ${sent} docs in ${s.toFixed(1)} s = ${Math.round(sent / s)} docs/s`);
}
const indexed = (await index.getStats()).numberOfDocuments;

// --- the endpoint, as the browser calls it while a title is typed (prefixes of real titles)
const { token } = await createSession(me, { ip: "127.0.0.1", userAgent: "bench" });
const typed = ["how do we ver", "how do we verify source", "who can approve a pow", "renew an expired passp", "kyc dormant", "comment faut-il rembour", "wire transfer sanc", "beneficial owner aml", "credit limit loan", "chargeback card"];
const call = async (q: string) => {
  const req = new Request(`http://localhost/api/questions/similar?q=${encodeURIComponent(q)}`, { headers: { Cookie: `atrium_session=${encodeURIComponent(token)}` } });
  const res = (await route.loader({ request: req, params: {}, context: { clientIp: "127.0.0.1" } })) as Response;
  if (res.status !== 200) throw new Error(`endpoint answered ${res.status}`);
  return (await res.json()) as { items: unknown[]; degraded: boolean };
};
const filter = [contentSearchFilter(viewer), SIMILAR_FILTER];
for (let i = 0; i < 30; i++) {
  await call(typed[i % typed.length]);
  await index.search(typed[i % typed.length], { filter, limit: 12 });
}
const engine: number[] = [];
const rtt: number[] = [];
const endpoint: number[] = [];
let found = 0;
for (let i = 0; i < RUNS; i++) {
  const q = typed[i % typed.length];
  let t = performance.now();
  const r = await index.search(q, { filter, limit: 12, attributesToRetrieve: ["id", "questionId"] });
  rtt.push(performance.now() - t);
  engine.push(r.processingTimeMs);
  t = performance.now();
  const res = await call(q);
  endpoint.push(performance.now() - t);
  if (res.degraded) throw new Error("similar questions degraded during the benchmark");
  found += res.items.length;
}
console.log(`indexed documents:            ${indexed.toLocaleString()}`);
console.log(`engine processingTimeMs:      ${fmt(engine)}`);
console.log(`engine HTTP round trip:       ${fmt(rtt)}`);
console.log(`similar-questions endpoint:   ${fmt(endpoint)}   (target p95 ≤ 50 ms; ${(found / RUNS).toFixed(1)} suggestions a call)`);

await bench.stop();
