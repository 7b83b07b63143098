// npm run bench:similar — the ask form's "similar questions" endpoint over 1,000,000 indexed documents.
// Needs PostgreSQL (BENCH_DATABASE_URL, default DATABASE_URL). Meilisearch: MEILI_URL, else a child
// process with data in ./data/bench-meili-similar (kept between runs, so the index is built once).
// Prints the machine, then side by side: the raw engine (processingTimeMs, HTTP round trip) and the
// endpoint as a browser calls it (session cookie → viewer → policy filter → engine → re-check → titles).
import fs from "node:fs";
import os from "node:os";
import { sql } from "drizzle-orm";

const url = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
if (!url) {
  console.error("Set BENCH_DATABASE_URL (or DATABASE_URL) to a PostgreSQL database the benchmark may fill.");
  process.exit(2);
}
process.env.DATABASE_URL = url;
process.env.MEILI_INDEX_PREFIX ??= "benchsim";
const DOCS = Number(process.env.BENCH_DOCS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 300);

const { getDb, query, closeDb } = await import("../app/db/client.server");
const { startMeilisearch } = await import("../search/process");
const { getSearchService, stopSearchService } = await import("../search/client");
const { indexUid } = await import("../search/settings");
const { reindexAll } = await import("../app/knowledge/indexer.server");
const { contentSearchFilter } = await import("../app/policy/search-filter");
const { loadViewer } = await import("../app/policy/viewer.server");
const { createSession } = await import("../app/identity/session.server");
const { SIMILAR_FILTER } = await import("../app/qa/similar.server");
const route = await import("../app/routes/api.questions.similar");

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const fmt = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(2)} ms  p95 ${pct(xs, 95).toFixed(2)} ms  max ${Math.max(...xs).toFixed(2)} ms`;

let child: Awaited<ReturnType<typeof startMeilisearch>> | null = null;
if (!process.env.MEILI_URL) {
  fs.mkdirSync("data/bench-meili-similar", { recursive: true });
  child = await startMeilisearch({ dataDir: "data/bench-meili-similar" });
  process.env.MEILI_URL = child.url;
  process.env.MEILI_MASTER_KEY = child.masterKey;
}
const service = (await getSearchService())!;
const version = await service.client.getVersion().then((v) => v.pkgVersion).catch(() => "?");
console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, load ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}; node ${process.version}; Meilisearch ${version}`);
const db = await getDb();
const prefix = `similar${DOCS}`;
const org = `${prefix}-org`;

// --- data: a third questions (with titles), a third answers (half of them accepted), a third posts
const [{ n }] = await query<{ n: number }>(db, sql`select count(*)::int as n from content where org_id = ${org}`);
if (n !== DOCS) {
  console.log(`Loading ${DOCS.toLocaleString()} documents into PostgreSQL (once)…`);
  await db.execute(sql`delete from qa_questions where org_id = ${org}`);
  await db.execute(sql`delete from space_members where space_id like ${prefix + "-%"}`);
  await db.execute(sql`delete from sessions where user_id like ${prefix + "-%"}`);
  await db.execute(sql`delete from content where org_id = ${org}`);
  await db.execute(sql`delete from spaces where org_id = ${org}`);
  await db.execute(sql`delete from users where org_id = ${org}`);
  await db.execute(sql`delete from orgs where id = ${org}`);
  await db.execute(sql`insert into orgs (id, name) values (${org}, 'Similar bench')`);
  await db.execute(sql`insert into users (id, org_id, email, name, department)
    select ${prefix} || '-u' || g, ${org}, ${prefix} || g || '@bench.test', 'Person ' || g, (array['Sales','Research','Operations','Wealth','Compliance'])[1 + g % 5]
    from generate_series(1, 2000) g`);
  await db.execute(sql`insert into spaces (id, org_id, slug, name, visibility, created_by)
    select ${prefix} || '-s' || g, ${org}, 's' || g, 'Space ' || g, (array['open','open','private','secret'])[1 + g % 4], ${prefix} || '-u1'
    from generate_series(1, 400) g`);
  const postgres = (await import("postgres")).default;
  const { pipeline } = await import("node:stream/promises");
  const { Readable } = await import("node:stream");
  // Banking vocabulary for titles (what people really ask), Zipf-like filler for bodies.
  const TOPICS = ["kyc", "aml", "onboarding", "mortgage", "liquidity", "sanctions", "treasury", "custody", "payroll", "fx", "fraud", "complaints", "suitability", "mifid", "gdpr", "pension", "card", "loan", "deposit", "audit"];
  const VERBS = ["verify", "renew", "escalate", "document", "approve", "report", "close", "open", "refund", "check", "update", "archive"];
  const OBJECTS = ["source of funds", "a dormant account", "a joint account", "a corporate client", "a wire transfer", "the risk rating", "a power of attorney", "a beneficial owner", "an expired passport", "a chargeback", "a standing order", "a credit limit"];
  const STARTS = ["How do we", "Who can", "When should we", "What is the process to", "Comment faut-il", "Qui peut", "Quand doit-on"];
  let seed = 7;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const SYL = ["ba", "co", "di", "fe", "ga", "hi", "jo", "ka", "lu", "me", "no", "pa", "ro", "sa", "te", "vo", "an", "el", "is", "or", "tra", "pre", "con", "ver"];
  const vocab = Array.from({ length: 20_000 }, (_, i) => {
    let h = (i + 1) * 2654435761;
    let w = "";
    for (let k = 0; k < 2 + (i % 3); k++) {
      w += SYL[h % SYL.length];
      h = Math.floor(h / SYL.length) + 7919 * (k + 1);
    }
    return w;
  });
  const zipf = () => vocab[Math.min(vocab.length - 1, Math.floor(Math.pow(vocab.length, rand())) - 1)];
  const pg = postgres(url, { max: 1, onnotice: () => {} });
  const t0 = Date.now();
  const idOf = (g: number) => `${g.toString(16).padStart(8, "0")}-0000-4000-8000-${((g * 2654435761) % 0xffffffffffff).toString(16).padStart(12, "0")}`;
  function* rows() {
    for (let g = 1; g <= DOCS; g++) {
      const words: string[] = [];
      for (let k = 0; k < 30; k++) words.push(zipf());
      const at = new Date(t0 - g * 1000).toISOString();
      const kind = g % 3 === 1 ? "question" : g % 3 === 2 ? "answer" : "post";
      // an answer belongs to the question just before it, in its space
      const q = kind === "answer" ? g - 1 : g;
      const space = q % 7 === 0 ? "\\N" : `${prefix}-s${1 + ((q * 7919) % 400)}`;
      const title = kind === "question" ? `${pick(STARTS)} ${pick(VERBS)} ${pick(OBJECTS)} for ${pick(TOPICS)} ${words[0]}?` : "";
      const parent = kind === "answer" ? idOf(q) : "\\N";
      const text = kind === "answer" ? `To ${pick(VERBS)} ${pick(OBJECTS)} see the ${pick(TOPICS)} procedure. ${words.join(" ")}` : words.join(" ");
      yield `${idOf(g)}\t${org}\t${kind}\t${space}\t${parent}\t${prefix}-u${1 + ((g * 104729) % 2000)}\t${title}\t{"type":"doc"}\t${text}\t${at}\t${at}\n`;
    }
  }
  const writable = await pg`copy content (id, org_id, kind, space_id, parent_id, author_id, title, body_json, body_text, created_at, updated_at) from stdin`.writable();
  await pipeline(Readable.from(rows()), writable);
  await pg.end();
  // the Q&A rows: every other question has its answer accepted
  await db.execute(sql`insert into qa_questions (content_id, org_id, target_minutes, route_at, due_at, first_answer_at, accepted_answer_id, created_at)
    select q.id, q.org_id, 120, q.created_at + interval '30 minutes', q.created_at + interval '2 hours', a.created_at,
      case when (row_number() over (order by q.id)) % 2 = 0 then a.id end, q.created_at
    from content q left join content a on a.parent_id = q.id and a.kind = 'answer'
    where q.org_id = ${org} and q.kind = 'question'`);
  console.log(`  copied ${DOCS} rows in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  await db.execute(sql`analyze content`);
}
const me = `${prefix}-u1`;
await db.execute(sql`delete from space_members where user_id = ${me}`);
await db.execute(sql`insert into space_members (space_id, user_id) select ${prefix} || '-s' || g, ${me} from generate_series(1, 200) g`);
const viewer = await loadViewer(db, me);
console.log(`Viewer in ${viewer.memberSpaceIds.size} spaces; filter ${contentSearchFilter(viewer).length} characters`);

// --- index: reindex from Postgres when the index is not complete
const index = service.client.index(indexUid("content"));
const stats = await index.getStats().catch(() => ({ numberOfDocuments: 0 }));
const [{ total }] = await query<{ total: number }>(db, sql`select count(*)::int as total from content`);
console.log(`documents: ${total.toLocaleString()} in PostgreSQL, ${stats.numberOfDocuments.toLocaleString()} indexed`);
if (Math.abs(stats.numberOfDocuments - total) > 1000) {
  console.log("Reindexing from PostgreSQL (once)…");
  const r = await reindexAll(db, (d, t) => d % 100_000 < 25_000 && process.stderr.write(`  ${d}/${t}\n`));
  console.log(`reindex: ${r.documents} docs in ${r.seconds.toFixed(1)} s = ${Math.round(r.docsPerSecond)} docs/s`);
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

await stopSearchService();
await child?.stop();
await closeDb();
