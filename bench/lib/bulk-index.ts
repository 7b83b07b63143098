// Reindex throughput against the engine's own (issue 18): the same documents pushed raw into
// Meilisearch and through the app's pipeline (read from PostgreSQL, build documents, push, wait),
// each into a fresh scratch index with the live settings, in rounds alternating which goes first.
// Shared by bench/search.ts (its own corpus) and bench/pages.ts (the seeded organisation).
// App modules are imported when called: the database module reads the environment on import.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Meilisearch } from "meilisearch";
import type { Db } from "../../app/db/client.server";

export type BulkRates = { count: number; raw: number[]; app: number[] };

const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The sample's pages spooled to a file: raw Meilisearch reads them back one request body at a time. */
export type BulkSample = {
  until: string | undefined;
  count: number;
  pages: number;
  /** the page's NDJSON, byte for byte what the app's pipeline sent for it */
  page(i: number): Buffer;
  dispose(): void;
};

/**
 * The bulk comparison's sample: the first `docs` documents by id (ids ≤ `until`; fewer when the table
 * has fewer), as the app's pipeline builds and batches them (its pages of 5,000, in its order), spooled
 * to a temporary file: at 2,000,000 documents, documents held in the benchmark's heap cost it hundreds of
 * CPU-seconds of garbage collection on the engine's cores during the app's run. The order is the app's:
 * raw fed in id order measured the same (bulk-profile at the scale seed: 76 / 78 % against 77 / 79 %).
 */
export async function bulkSample(db: Db, docs: number): Promise<BulkSample> {
  const { contentDocumentPages } = await import("../../app/knowledge/search-docs.server");
  const { query } = await import("../../app/db/client.server");
  const { sql } = await import("drizzle-orm");
  const [bound] = await query<{ id: string }>(db, sql`select id from content order by id offset ${docs - 1} limit 1`);
  const until = bound?.id; // fewer documents than asked: all of them
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "atrium-bulk-"));
  const file = path.join(dir, "sample.ndjson");
  const fd = fs.openSync(file, "w+");
  const spans: { offset: number; length: number }[] = [];
  let offset = 0;
  let count = 0;
  const dispose = () => {
    fs.closeSync(fd);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    for await (const p of contentDocumentPages(db, 5000, { until })) {
      fs.writeSync(fd, p.ndjson, 0, p.ndjson.length, offset);
      spans.push({ offset, length: p.ndjson.length });
      offset += p.ndjson.length;
      count += p.count;
    }
  } catch (err) {
    dispose(); // no spool left behind (at full size, ~2 GB)
    throw err;
  }
  return {
    until,
    count,
    pages: spans.length,
    page(i) {
      const b = Buffer.allocUnsafe(spans[i].length);
      fs.readSync(fd, b, 0, b.length, spans[i].offset);
      return b;
    },
    dispose,
  };
}

/** Raw Meilisearch: the sample's pages sent as they are, one request each; the last task's uid. */
export async function sendRaw(client: Meilisearch, uid: string, sample: BulkSample): Promise<number> {
  const { addNdjsonDocuments } = await import("../../search/client");
  let last = 0;
  for (let i = 0; i < sample.pages; i++) last = (await addNdjsonDocuments(client, uid, sample.page(i))).taskUid;
  return last;
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
  const sample = await bulkSample(db, o.docs);
  const { until, count } = sample;
  const freshIndex = (uid: string) => freshScratchIndex(client, uid);
  const runRaw = async () => {
    const uid = `${indexUid("content")}_rawbench`;
    await freshIndex(uid);
    const t = performance.now();
    const last = await sendRaw(client, uid, sample);
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
  try {
    for (let round = 0; round < (o.rounds ?? 3); round++) {
      // raw first in rounds 1 and 3, the app first in round 2 (or the other way round): neither gains from going second
      const order = (round % 2 === 0) === (process.env.BENCH_BULK_FIRST !== "app") ? (["raw", "app"] as const) : (["app", "raw"] as const);
      for (const which of order) rates[which].push(which === "raw" ? await runRaw() : await runApp());
      const i = rates.raw.length - 1;
      o.log(`  round ${round + 1}: raw ${Math.round(rates.raw[i])} docs/s, app ${Math.round(rates.app[i])} docs/s (${((rates.app[i] / rates.raw[i]) * 100).toFixed(0)}%)  load ${o.load()}`);
    }
  } finally {
    sample.dispose();
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
