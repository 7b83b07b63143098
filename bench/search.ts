// npm run bench:search — knowledge search over 1,000,000 documents.
// Needs PostgreSQL (BENCH_DATABASE_URL, default DATABASE_URL). Meilisearch: MEILI_URL, else a
// child process with data in ./data/bench-meili-search (kept between runs, so the index is built once).
// Prints, side by side: the raw engine (processingTimeMs and HTTP round trip) and the app's
// signed-in search (policy filter + hydrate + re-check); reindex throughput against raw bulk
// indexing of the same documents; and commit-to-searchable freshness of a new post.
import { sql } from "drizzle-orm";
import { machineInfo } from "../scripts/lib/server-process";
import { bulkSummary, compareBulkIndexing } from "./lib/bulk-index";
import { benchViewer, fmt, pct, resetBenchOrg, startSearchBench, useBenchDatabase } from "./lib/search-bench";

const url = useBenchDatabase();
process.env.MEILI_INDEX_PREFIX ??= "bench";
process.env.OUTBOX_BACKOFF_MS ??= "50";
const DOCS = Number(process.env.BENCH_DOCS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 200);
// BENCH_PARTS=bulk,search,fresh (default all): run only some parts, e.g. to compare index settings
const PARTS = new Set((process.env.BENCH_PARTS ?? "bulk,search,fresh").split(",").map((s) => s.trim()));
const BULK_DOCS = Number(process.env.BENCH_BULK_DOCS ?? 100_000);
const load = () => machineInfo().loadAverage.join(" ");
console.log(`machine: ${JSON.stringify(machineInfo())}`);

const { query } = await import("../app/db/client.server");
const { indexUid } = await import("../search/settings");
const { reindexAll } = await import("../app/knowledge/indexer.server");
const { searchContent } = await import("../app/knowledge/search.server");
const { contentSearchFilter } = await import("../app/policy/search-filter");

const bench = await startSearchBench("data/bench-meili-search");
const { service, db } = bench;
const prefix = `search${DOCS}`;
const org = `${prefix}-org`;

// --- data: realistic-ish text from a 2,000-word vocabulary, 20 spaces × visibility mix
const [{ n }] = await query<{ n: number }>(db, sql`select count(*)::int as n from content where org_id = ${org}`);
// the freshness probes add posts to the organisation: only fewer rows than asked means a reload
if (n < DOCS) {
  console.log(`Loading ${DOCS.toLocaleString()} documents into PostgreSQL (once)…`);
  await resetBenchOrg(db, prefix, "Search bench");
  // Text is generated here and streamed with COPY (~100k rows/s), not built row by row in SQL.
  const postgres = (await import("postgres")).default;
  const { pipeline } = await import("node:stream/promises");
  const { Readable } = await import("node:stream");
  // A 20,000-word vocabulary of pronounceable words with a Zipf-like (log-uniform)
  // frequency, like real prose: a few words are everywhere, most are rare.
  const SYL = ["ba", "co", "di", "fe", "ga", "hi", "jo", "ka", "lu", "me", "no", "pa", "qui", "ro", "sa", "te", "vo", "xa", "yu", "zo", "an", "el", "is", "or", "un", "tra", "pre", "con", "ver", "mar", "sto", "bri", "gle", "plo", "dru", "fin", "ent", "ast", "ium", "ol"];
  const VOCAB = 20_000;
  const vocab = Array.from({ length: VOCAB }, (_, i) => {
    let h = (i + 1) * 2654435761;
    let w = "";
    for (let k = 0; k < 2 + (i % 3); k++) {
      w += SYL[h % SYL.length];
      h = Math.floor(h / SYL.length) + 7919 * (k + 1);
    }
    return w;
  });
  // as in real prose, the commonest words are stop words (settings.ts leaves them out of the index)
  const { STOP_WORDS } = await import("../search/settings");
  for (let i = 0; i < 30; i++) vocab[i] = STOP_WORDS[i];
  // the words the benchmark searches for sit at realistic ranks
  vocab[40] = "compliance";
  vocab[120] = "mortgage";
  vocab[300] = "liquidity";
  vocab[900] = "sanctions";
  vocab[2000] = "onboarding";
  vocab[5000] = "treasury";
  let seed = 42;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const zipf = () => Math.min(VOCAB - 1, Math.floor(Math.pow(VOCAB, rand())) - 1);
  const pg = postgres(url, { max: 1, onnotice: () => {} });
  const t0 = Date.now();
  function* rows() {
    for (let g = 1; g <= DOCS; g++) {
      const words: string[] = [];
      for (let k = 1; k <= 60; k++) words.push(vocab[zipf()]);
      const space = g % 7 === 0 ? "\\N" : `${prefix}-s${1 + ((g * 7919) % 400)}`;
      const at = new Date(t0 - g * 1000).toISOString();
      const id = `${g.toString(16).padStart(8, "0")}-0000-4000-8000-${(g * 2654435761 % 0xffffffffffff).toString(16).padStart(12, "0")}`;
      yield `${id}\t${org}\tpost\t${space}\t${prefix}-u${1 + ((g * 104729) % 2000)}\t{"type":"doc"}\t${words.join(" ")}\t${at}\t${at}\n`;
    }
  }
  const writable = await pg`copy content (id, org_id, kind, space_id, author_id, body_json, body_text, created_at, updated_at) from stdin`.writable();
  await pipeline(Readable.from(rows()), writable);
  await pg.end();
  console.log(`  copied ${DOCS} rows in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  await db.execute(sql`analyze content`);
}
const { id: me, viewer } = await benchViewer(db, prefix);

// --- index: reindex from Postgres when the index is not complete
const index = service.client.index(indexUid("content"));
const stats = await index.getStats().catch(() => ({ numberOfDocuments: 0 }));
const [{ total }] = await query<{ total: number }>(db, sql`select count(*)::int as total from content`);
if (Math.abs(stats.numberOfDocuments - total) > 1000) {
  console.log("Reindexing from PostgreSQL (once)…");
  const r = await reindexAll(db, (d, t) => d % 100_000 < 5000 && process.stderr.write(`  ${d}/${t}\n`));
  console.log(`reindex (app):       ${r.documents} docs in ${r.seconds.toFixed(1)} s = ${Math.round(r.docsPerSecond)} docs/s`);
}

// --- throughput: the app's reindex pipeline vs raw Meilisearch bulk on the same documents
// (bench/lib/bulk-index.ts), three rounds alternating which goes first
if (PARTS.has("bulk")) {
  const rates = await compareBulkIndexing(service.client, db, { docs: BULK_DOCS, log: (s) => console.log(s), load });
  for (const line of bulkSummary(rates)) console.log(line);
}

// --- search latency
if (PARTS.has("search")) {
  const terms = ["compliance", "mortgage liquidity", "sanctions", "onboarding treasury", "complaince", "liquidty"];
  const engine: number[] = [];
  const rtt: number[] = [];
  const app: number[] = [];
  const filter = contentSearchFilter(viewer);
  for (let i = 0; i < 20; i++) await index.search(terms[i % terms.length], { filter, limit: 20 });
  for (let i = 0; i < RUNS; i++) {
    const q = terms[i % terms.length];
    let t = performance.now();
    const r = await index.search(q, { filter, limit: 20, attributesToRetrieve: ["id"] });
    rtt.push(performance.now() - t);
    engine.push(r.processingTimeMs);
    t = performance.now();
    const s = await searchContent(viewer, { q });
    app.push(performance.now() - t);
    if (s.degraded) throw new Error("search degraded during the benchmark");
  }
  console.log(`engine processingTimeMs:      ${fmt(engine)}`);
  console.log(`engine HTTP round trip:       ${fmt(rtt)}`);
  console.log(`app signed-in search:         ${fmt(app)}   (target p95 ≤ 30 ms)  load ${load()}`);
}

// --- freshness: commit → searchable, with the outbox worker running
if (PARTS.has("fresh")) {
  const filter = contentSearchFilter(viewer);
  const { startBackground, shutdownBackground: stopWorkers } = await import("../app/boot.server");
  const { createContent } = await import("../app/content/content.server");
  startBackground();
  const lat: number[] = [];
  const space = [...viewer.memberSpaceIds][0];
  for (let i = 0; i < 60; i++) {
    const word = `fresh${Date.now().toString(36)}${i}`;
    const t = performance.now();
    await createContent(viewer, { kind: "post", spaceId: space, bodyJson: { type: "doc" }, bodyText: `${word} freshness probe` });
    for (;;) {
      const r = await index.search(word, { filter, limit: 1 });
      if (r.hits.length) break;
      await new Promise((res) => setTimeout(res, 10));
    }
    lat.push(performance.now() - t);
  }
  await stopWorkers();
  // the engine's own floor: one document added straight to Meilisearch, polled the same way
  const raw: number[] = [];
  for (let i = 0; i < 60; i++) {
    const word = `rawfresh${Date.now().toString(36)}${i}`;
    const t = performance.now();
    await index.addDocuments([{ id: `rawprobe-${Date.now()}-${i}`, orgId: viewer.orgId, kind: "post", spaceId: space, visibility: "open", spaceDepartments: [], authorId: me, authorName: "Probe", authorDepartment: "", topics: [], deleted: false, title: "", text: `${word} freshness probe`, tags: [], cashtags: [], createdAt: Date.now(), createdDay: Math.floor(Date.now() / 86_400_000) }]);
    for (;;) {
      const r = await index.search(word, { filter, limit: 1 });
      if (r.hits.length) break;
      await new Promise((res) => setTimeout(res, 10));
    }
    raw.push(performance.now() - t);
  }
  const docs = (await index.getStats()).numberOfDocuments;
  console.log(`freshness on an index of ${docs.toLocaleString()} documents, load ${load()}:`);
  console.log(`engine add → searchable:      ${fmt(raw)}   (Meilisearch alone, same index; target p50 ≤ 300 ms)`);
  console.log(`commit → searchable (app):    ${fmt(lat)}   (target p50 ≤ 350 ms, p95 ≤ 1.5 s; ${(pct(lat, 50) / pct(raw, 50)).toFixed(2)}× the engine's p50)`);
}

await bench.stop();
