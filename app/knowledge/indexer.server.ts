import { sql } from "drizzle-orm";
import type { Meilisearch } from "meilisearch";
import { LockBusyError, query, withSessionLock, type Db, type DbOrTx } from "~/db/client.server";
import { registerConsumer, type OutboxEvent } from "~/platform/outbox.server";
import { addNdjsonDocuments, clientWithSignal, getSearchService } from "../../search/client";
import { indexDefinitions, indexUid, type ContentDocument } from "../../search/settings";
import { allContentDocuments, contentDocumentPages, joinNdjson, contentDocuments, contentIdsByAuthor, contentIdsInSpace, countContent, peopleDocuments, threadIds } from "./search-docs.server";

// The search index is derived from Postgres through the outbox. Documents are
// rebuilt from the current rows (never from event payloads), so replays and
// out-of-order deliveries converge on the same state.

export async function requireSearch(): Promise<Meilisearch> {
  const service = await getSearchService();
  if (!service) throw new Error("Meilisearch is unavailable");
  return service.client;
}

/** Which documents an event touches. */
export async function affectedIds(db: DbOrTx, events: OutboxEvent[]) {
  const content = new Set<string>();
  const people = new Set<string>();
  for (const e of events) {
    if (e.topic.startsWith("content.") || e.topic === "topics.changed" || e.topic.startsWith("qa.answer.") || e.topic === "discovery.approved" || e.topic === "discovery.revoked") {
      content.add(e.subjectId);
      // a thread's documents carry its root's `deleted` fact
      if (e.topic === "content.deleted" || e.topic === "content.restored" || e.topic === "content.hidden" || e.topic === "content.unhidden") for (const id of await threadIds(db, e.subjectId)) content.add(id);
    } else if (e.topic === "space.permissions") {
      // the space's posts and every comment, answer and reply in their threads
      for (const id of await contentIdsInSpace(db, e.subjectId)) content.add(id);
    } else if (e.topic.startsWith("user.")) {
      people.add(e.subjectId);
      // a department change moves the author's items and the threads they started.
      // Barriers, memberships and deactivation change no document: the filter resolves them per viewer.
      if (e.topic === "user.updated") for (const id of await contentIdsByAuthor(db, e.subjectId)) content.add(id);
    }
  }
  return { content: [...content], people: [...people] };
}

/**
 * Pushes the current documents and waits until Meilisearch has applied them, so a
 * delivery is marked done only once its effect is durable in the index: a crash
 * between "accepted" and "indexed" makes the delivery run again.
 */
export async function pushDocuments(client: Meilisearch, db: DbOrTx, ids: { content: string[]; people: string[] }) {
  const tasks: number[] = [];
  for (let i = 0; i < ids.content.length; i += 5000) {
    const chunk = ids.content.slice(i, i + 5000);
    const docs = await contentDocuments(db, chunk);
    if (docs.length) tasks.push((await client.index(indexUid("content")).addDocuments(docs)).taskUid);
    const found = new Set(docs.map((d) => d.id));
    const gone = chunk.filter((id) => !found.has(id)); // removed by retention
    if (gone.length) tasks.push((await client.index(indexUid("content")).deleteDocuments(gone)).taskUid);
  }
  if (ids.people.length) tasks.push((await client.index(indexUid("people")).addDocuments(await peopleDocuments(db, ids.people))).taskUid);
  // poll often: the delivery is done only once the index has it (the outbox deadline bounds the wait)
  await Promise.all(tasks.map((uid) => waitTask(client, uid, SEARCH_DELIVERY_TIMEOUT_MS, 10)));
}

/** Deadline of one search delivery (read rows, push, wait until Meilisearch has applied them). */
export const SEARCH_DELIVERY_TIMEOUT_MS = 60_000;

export function registerSearchConsumer() {
  registerConsumer({
    name: "search",
    // commit → searchable is what people wait for (issue 19): its lane goes first
    first: true,
    // qa.answer.*: acceptance and health are document fields (filter and ranking);
    // discovery.approved / discovery.revoked change a document's best-practice boost
    topics: ["content.", "space.permissions", "user.", "topics.changed", "qa.answer.", "discovery.approved", "discovery.revoked"],
    batchSize: 500,
    // derived data must converge: retry forever, quickly, one batch at a time
    maxAttempts: Infinity,
    maxBackoffMs: 5_000,
    exclusive: true,
    timeoutMs: SEARCH_DELIVERY_TIMEOUT_MS,
    // No transaction here: short reads, then the push and the wait, bound to the deadline.
    async deliver(events, { db, signal }) {
      const service = await getSearchService();
      if (!service) throw new Error("Meilisearch is unavailable");
      const client = clientWithSignal(service, signal);
      // A server that does not answer its health check gets no documents: a request queued
      // in a frozen server's socket could otherwise be applied after a newer retry.
      await client.health();
      await pushDocuments(client, db, await affectedIds(db, events));
    },
  });
}

async function waitTask(client: Meilisearch, taskUid: number, timeout = 600_000, interval = 50) {
  const task = await client.tasks.waitForTask(taskUid, { timeout, interval });
  if (task.status !== "succeeded") throw new Error(`Meilisearch task ${taskUid} ${task.status}: ${task.error?.message ?? ""}`);
  return task;
}

/**
 * Streams every content document (or those whose id is ≤ `until`: benchmarks) from Postgres into
 * `uid`. PostgreSQL builds the documents' JSON (search-docs.server.ts) and its bytes go up as NDJSON
 * untouched: Node neither decodes, parses nor re-serialises a document. Reads run one page ahead, and each page
 * goes up as soon as it is read (one upload at a time), as a raw bulk load does: Meilisearch starts on
 * the first page and takes whatever has queued meanwhile as its next batch. Larger payloads left it
 * idle while they filled (measured: a ~1 s gap after the first batch of a 100,000-document load).
 */
export async function streamContentInto(
  client: Meilisearch,
  uid: string,
  db: DbOrTx,
  opts: { until?: string; payload?: number; page?: number; onBatch?: (sent: number) => void } = {},
): Promise<{ sent: number; lastTask: number }> {
  const payload = opts.payload ?? 5_000;
  let sent = 0;
  let lastTask = -1;
  let buffer: Buffer[] = [];
  let buffered = 0;
  let upload: Promise<unknown> = Promise.resolve();
  let started = false;
  const flush = async () => {
    if (!buffered) return;
    started = true;
    const body = joinNdjson(buffer);
    const count = buffered;
    buffer = [];
    buffered = 0;
    await upload; // one upload at a time, while the next page is read
    upload = addNdjsonDocuments(client, uid, body)
      .then((t) => {
        lastTask = t.taskUid;
        sent += count;
        opts.onBatch?.(sent);
      });
  };
  for await (const { ndjson, count } of contentDocumentPages(db, opts.page ?? 5000, { until: opts.until })) {
    buffer.push(ndjson);
    buffered += count;
    if (buffered >= payload || !started) await flush();
  }
  await flush();
  await upload;
  return { sent, lastTask };
}

/** A reindex refused because another one (another instance, another operator) is building the same indexes. */
export class ReindexBusyError extends Error {}

/** The lock a reindex holds: one at a time per set of indexes (their prefix), on any number of instances. */
export const reindexLockKey = () => `atrium.reindex:${indexUid("content")}`;

/**
 * Rebuilds the content and people indexes from Postgres into `_next` copies and swaps them in atomically;
 * searches keep answering from the old index meanwhile. Two at once would delete and refill each
 * other's `_next`: a second one is refused (ReindexBusyError) while the first holds the lock.
 */
export async function reindexAll(db: Db, onProgress?: (done: number, total: number) => void) {
  try {
    return await withSessionLock(db, reindexLockKey(), () => rebuildAndSwap(db, onProgress));
  } catch (e) {
    if (e instanceof LockBusyError) throw new ReindexBusyError("Another reindex of these indexes is running; run it again once that one has finished.");
    throw e;
  }
}

async function rebuildAndSwap(db: Db, onProgress?: (done: number, total: number) => void) {
  const client = await requireSearch();
  const started = performance.now();
  const total = await countContent(db);
  const report = { documents: 0, seconds: 0, docsPerSecond: 0 };
  for (const name of ["content", "people"] as const) {
    const live = indexUid(name);
    const next = `${live}_next`;
    await client.deleteIndex(next).waitTask().catch(() => undefined);
    await waitTask(client, (await client.createIndex(next, { primaryKey: "id" })).taskUid);
    await waitTask(client, (await client.index(next).updateSettings(indexDefinitions[name].settings)).taskUid);
    const synonyms = await client.index(live).getSynonyms().catch(() => ({}));
    if (Object.keys(synonyms).length) await waitTask(client, (await client.index(next).updateSynonyms(synonyms)).taskUid);
    let lastTask = -1;
    if (name === "content") {
      const r = await streamContentInto(client, next, db, { onBatch: (sent) => onProgress?.(sent, total) });
      lastTask = r.lastTask;
      report.documents = r.sent;
    } else {
      const people = await peopleDocuments(db);
      if (people.length) lastTask = (await client.index(next).addDocuments(people)).taskUid;
    }
    if (lastTask >= 0) await waitTask(client, lastTask);
    if (!(await client.getIndexes({ limit: 1000 })).results.some((i) => i.uid === live)) {
      await waitTask(client, (await client.createIndex(live, { primaryKey: "id" })).taskUid);
    }
    await waitTask(client, (await client.swapIndexes([{ indexes: [live, next], rename: false }])).taskUid);
    await waitTask(client, (await client.deleteIndex(next)).taskUid);
  }
  report.seconds = (performance.now() - started) / 1000;
  report.docsPerSecond = report.documents / Math.max(report.seconds, 0.001);
  return report;
}

export type ReconcileReport = { checked: number; missing: number; stale: number; extra: number; fixed: number };

const FACTS: (keyof ContentDocument)[] = ["orgId", "spaceId", "visibility", "spaceDepartments", "authorDepartment", "rootAuthorDepartment", "rootId", "deleted", "held", "heldFor", "hidden", "hiddenVisibleTo", "text", "title", "tags", "cashtags", "topics", "kind", "accepted", "health"];
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Compares every content row with its document and repairs what differs. */
export async function reconcile(db: Db, opts: { fix?: boolean; onProgress?: (done: number, total: number) => void } = {}): Promise<ReconcileReport> {
  const client = await requireSearch();
  const index = client.index<ContentDocument>(indexUid("content"));
  const total = await countContent(db);
  const report: ReconcileReport = { checked: 0, missing: 0, stale: 0, extra: 0, fixed: 0 };
  const toFix: ContentDocument[] = [];
  const expected = new Set<string>();
  for await (const docs of allContentDocuments(db, 1000)) {
    const got = await index.getDocuments({ ids: docs.map((d) => d.id), limit: docs.length });
    const byId = new Map(got.results.map((d) => [d.id, d]));
    for (const d of docs) {
      expected.add(d.id);
      const have = byId.get(d.id);
      if (!have) {
        report.missing++;
        toFix.push(d);
      } else if (FACTS.some((k) => !same(have[k], d[k]))) {
        report.stale++;
        toFix.push(d);
      }
    }
    report.checked += docs.length;
    opts.onProgress?.(report.checked, total);
  }
  // documents for rows that no longer exist
  const extra: string[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await index.getDocuments({ fields: ["id"], offset, limit: 1000 });
    for (const d of page.results) if (!expected.has(d.id)) extra.push(d.id);
    if (page.results.length < 1000) break;
  }
  report.extra = extra.length;
  if (opts.fix !== false && (toFix.length || extra.length)) {
    let task = -1;
    for (let i = 0; i < toFix.length; i += 5000) task = (await index.addDocuments(toFix.slice(i, i + 5000))).taskUid;
    if (extra.length) task = (await index.deleteDocuments(extra)).taskUid;
    if (task >= 0) await waitTask(client, task);
    report.fixed = toFix.length + extra.length;
  }
  return report;
}

export async function pendingSearchDeliveries(db: Db) {
  const [r] = await query<{ n: number }>(db, sql`select count(*)::int as n from outbox_deliveries where consumer = 'search' and status = 'pending'`);
  return Number(r.n);
}
