// Reindex throughput against the engine's own (issue 18): the same documents pushed raw into
// Meilisearch and through the app's pipeline (read from PostgreSQL, build documents, push, wait),
// each into a fresh scratch index with the live settings, in rounds alternating which goes first.
// Shared by bench/search.ts (its own corpus) and bench/pages.ts (the seeded organisation).
// App modules are imported when called: the database module reads the environment on import.
import type { Meilisearch } from "meilisearch";
import type { Db } from "../../app/db/client.server";

export type BulkRates = { count: number; raw: number[]; app: number[] };

const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * The bulk comparison's sample: the first `docs` documents by id (ids ≤ `until`; fewer when the table
 * has fewer), as the app builds them, in id order and in requests of 5,000 — what raw Meilisearch gets.
 */
export async function bulkSample(db: Db, docs: number) {
  const { contentDocumentPages } = await import("../../app/knowledge/search-docs.server");
  const { query } = await import("../../app/db/client.server");
  const { sql } = await import("drizzle-orm");
  const [bound] = await query<{ id: string }>(db, sql`select id from content order by id offset ${docs - 1} limit 1`);
  const until = bound?.id; // fewer documents than asked: all of them
  const all: Record<string, unknown>[] = [];
  for await (const p of contentDocumentPages(db, 5000, { until })) for (const line of p.ndjson.toString().split("\n")) all.push(JSON.parse(line) as Record<string, unknown>);
  all.sort((a, b) => (String(a.id) < String(b.id) ? -1 : 1));
  const sample: Record<string, unknown>[][] = [];
  for (let i = 0; i < all.length; i += 5000) sample.push(all.slice(i, i + 5000));
  return { until, sample, count: all.length };
}

/** An empty scratch index with the live content settings. */
export async function freshScratchIndex(client: Meilisearch, uid: string) {
  const { indexDefinitions } = await import("../../search/settings");
  await client.deleteIndex(uid).waitTask().catch(() => undefined);
  await client.createIndex(uid, { primaryKey: "id" }).waitTask();
  await client.index(uid).updateSettings(indexDefinitions.content.settings).waitTask();
}

/**
 * Raw Meilisearch and the app's pipeline on the same documents, in `rounds` (default 3) alternating which
 * goes first; raw opens round 1 unless BENCH_BULK_FIRST=app (to run both orders).
 */
export async function compareBulkIndexing(client: Meilisearch, db: Db, o: { docs: number; rounds?: number; log: (s: string) => void; load: () => string }): Promise<BulkRates> {
  const { indexUid } = await import("../../search/settings");
  const { streamContentInto } = await import("../../app/knowledge/indexer.server");
  const { until, sample, count } = await bulkSample(db, o.docs);
  const freshIndex = (uid: string) => freshScratchIndex(client, uid);
  const runRaw = async () => {
    const uid = `${indexUid("content")}_rawbench`;
    await freshIndex(uid);
    const t = performance.now();
    let last = 0;
    for (const batch of sample) last = (await client.index(uid).addDocuments(batch)).taskUid;
    await client.tasks.waitForTask(last, { timeout: 1_800_000, interval: 50 });
    const rate = count / ((performance.now() - t) / 1000);
    await client.deleteIndex(uid).waitTask();
    return rate;
  };
  const runApp = async () => {
    const uid = `${indexUid("content")}_appbench`;
    await freshIndex(uid);
    const t = performance.now();
    const r = await streamContentInto(client, uid, db, { until });
    await client.tasks.waitForTask(r.lastTask, { timeout: 1_800_000, interval: 50 });
    const rate = r.sent / ((performance.now() - t) / 1000);
    await client.deleteIndex(uid).waitTask();
    return rate;
  };
  const rates: BulkRates = { count, raw: [], app: [] };
  for (let round = 0; round < (o.rounds ?? 3); round++) {
    // raw first in rounds 1 and 3, the app first in round 2 (or the other way round): neither gains from going second
    const order = (round % 2 === 0) === (process.env.BENCH_BULK_FIRST !== "app") ? (["raw", "app"] as const) : (["app", "raw"] as const);
    for (const which of order) rates[which].push(which === "raw" ? await runRaw() : await runApp());
    const i = rates.raw.length - 1;
    o.log(`  round ${round + 1}: raw ${Math.round(rates.raw[i])} docs/s, app ${Math.round(rates.app[i])} docs/s (${((rates.app[i] / rates.raw[i]) * 100).toFixed(0)}%)  load ${o.load()}`);
  }
  return rates;
}

/** The two summary lines every bulk comparison prints (target: the app ≥ 90 % of raw in every round). */
export function bulkSummary(r: BulkRates): string[] {
  const mm = (xs: number[]) => `median ${Math.round(med(xs))}, min ${Math.round(Math.min(...xs))}, max ${Math.round(Math.max(...xs))} docs/s`;
  const ratios = r.app.map((a, i) => (a / r.raw[i]) * 100);
  const worst = Math.min(...ratios);
  return [
    `bulk indexing, ${r.count} docs, ${r.raw.length} alternating rounds: raw Meilisearch ${mm(r.raw)}; app pipeline ${mm(r.app)}`,
    `  app / raw: ${((med(r.app) / med(r.raw)) * 100).toFixed(0)}% of the medians; per round min ${worst.toFixed(0)}%, max ${Math.max(...ratios).toFixed(0)}%   (target ≥ 90% in every run: ${worst >= 90 ? "met" : "NOT met"})`,
  ];
}
