import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { query, queryCursor } from "../../app/db/client.server";
import { content } from "../../app/db/schema";
import { pushDocuments, streamContentInto } from "../../app/knowledge/indexer.server";
import { contentDocumentPages, contentDocuments } from "../../app/knowledge/search-docs.server";
import { approverKey } from "../../app/policy/policy";
import { loadViewer } from "../../app/policy/viewer.server";
import { now } from "../../app/utils/clock.server";
import { addNdjsonDocuments, getSearchService } from "../../search/client";
import { indexDefinitions, indexUid, type ContentDocument } from "../../search/settings";
import { makeOrg, makeSpace, makeUser } from "../../scripts/lib/factories";
import { useSearchEngine } from "../support/search-engine";

// Bulk reindex (NDJSON pages built by PostgreSQL, sent as text) and the live outbox path
// (contentDocuments → pushDocuments) must index the same documents, field for field. A world with
// every fact a document carries: tags and cashtags, topics, threads under a deleted root, hidden
// items and roots, pre-approval holds, Q&A acceptance and health, an approved best practice.

const engine = useSearchEngine();
const ids: Record<string, string> = {};
let all: string[] = [];
let authors: Record<string, string> = {};
let spaceIds: Record<string, string> = {};

beforeAll(async () => {
  const db = engine.db;
  const org = await makeOrg("Bulk docs");
  const alice = await makeUser(org.id, { department: "Sales", name: "Alice Bulk" });
  const bob = await makeUser(org.id, { department: "Research", name: "Bob Bulk" });
  authors = { alice: alice.id, bob: bob.id };
  const av = await loadViewer(db, alice.id);
  const open = await makeSpace(av, { visibility: "open", allowedDepartments: ["Research", "Sales"] });
  const priv = await makeSpace(av, { visibility: "private" });
  spaceIds = { open: open.id, priv: priv.id };
  const at = new Date("2026-03-04T05:06:07.891Z");
  const row = (name: string, o: Partial<typeof content.$inferInsert> = {}) => {
    ids[name] = crypto.randomUUID();
    return { id: ids[name], orgId: org.id, kind: "post", spaceId: open.id, authorId: alice.id, bodyJson: { type: "doc" }, bodyText: `${name} text é "quoted" \\ back\nline`, createdAt: at, updatedAt: at, ...o };
  };
  await db.insert(content).values([
    row("post", { title: "A title" }),
    row("orgWide", { spaceId: null, authorId: bob.id }),
    row("deletedRoot", { spaceId: priv.id, authorId: bob.id, deletedAt: at }),
    row("hiddenRoot", { authorId: bob.id, hiddenAt: at }),
    row("pending", { approval: "pending", approvalTier: 2 }),
    row("rejected", { spaceId: priv.id, approval: "rejected", approvalTier: 1 }),
    row("question", { kind: "question", title: "How?" }),
    row("practice", { kind: "post", version: 3 }),
  ]);
  await db.insert(content).values([
    row("underDeleted", { kind: "comment", parentId: ids.deletedRoot, spaceId: priv.id }),
    row("hiddenUnderHiddenSameAuthor", { kind: "comment", parentId: ids.hiddenRoot, authorId: bob.id, hiddenAt: at }),
    row("hiddenUnderHiddenOtherAuthor", { kind: "comment", parentId: ids.hiddenRoot, hiddenAt: at }),
    row("underHidden", { kind: "comment", parentId: ids.hiddenRoot }),
    row("underPending", { kind: "comment", parentId: ids.pending, authorId: bob.id }),
    row("accepted", { kind: "answer", parentId: ids.question, authorId: bob.id }),
    row("obsolete", { kind: "answer", parentId: ids.question }),
  ]);
  await db.insert(content).values([row("reply", { kind: "comment", parentId: ids.underHidden, authorId: bob.id })]);
  // microseconds: createdAt keeps milliseconds, as JavaScript dates do
  await db.execute(sql`update content set created_at = '2026-03-04T23:59:59.999999Z' where id = ${ids.post}`);
  for (const tag of ["#rates", "$ACME", "#fx", "$EURUSD"]) await db.execute(sql`insert into content_tags (content_id, org_id, tag, created_at) values (${ids.post}, ${org.id}, ${tag}, now())`);
  await db.execute(sql`insert into content_topics (content_id, topic, labelled_by) values (${ids.post}, 'Markets', ${alice.id}), (${ids.question}, 'Onboarding', ${alice.id})`);
  await db.execute(sql`insert into qa_questions (content_id, org_id, accepted_answer_id, target_minutes, route_at, due_at, created_at)
    values (${ids.question}, ${org.id}, ${ids.accepted}, 60, now(), now(), now())`);
  await db.execute(sql`insert into qa_answer_health (answer_id, org_id, status, marked_by, marked_at) values (${ids.accepted}, ${org.id}, 'verified', ${alice.id}, now()), (${ids.obsolete}, ${org.id}, 'obsolete', ${alice.id}, now())`);
  await db.execute(sql`insert into best_practices (content_id, org_id, status, approved_version, reverify_at, created_at)
    values (${ids.practice}, ${org.id}, 'approved', 3, ${new Date(now().getTime() + 30 * 86_400_000).toISOString()}::timestamptz, now())`);
  all = Object.values(ids).sort();
});

const byId = (docs: ContentDocument[]) => Object.fromEntries(docs.map((d) => [d.id, d]));

describe("bulk reindex and the live path index the same documents", () => {
  it("NDJSON pages carry, line for line, the documents the live path builds", async () => {
    const db = engine.db;
    const live = byId(await contentDocuments(db, all));
    expect(Object.keys(live).sort()).toEqual(all);
    const [{ n }] = await query<{ n: number }>(db, sql`select count(*)::int as n from content`);
    const lines = new Map<string, string>();
    let counted = 0;
    // the keyset crosses a dozen pages or more (the worker's database holds other files' rows too)
    for await (const page of contentDocumentPages(db, Math.max(3, Math.ceil(n / 12)))) {
      const split = page.ndjson.toString().split("\n");
      expect(split.length).toBe(page.count);
      counted += page.count;
      for (const line of split) {
        const d = JSON.parse(line) as ContentDocument;
        expect(lines.has(d.id)).toBe(false);
        lines.set(d.id, line);
      }
    }
    expect(counted).toBe(n);
    // same fields, same order, same values
    for (const id of all) expect(JSON.stringify(JSON.parse(lines.get(id)!))).toBe(JSON.stringify(live[id]));
  }, 120_000);

  it("pages up to a bound carry each document at or below it once, across page boundaries", async () => {
    const db = engine.db;
    // a bound inside our org's ids: every document at or below it, whichever way the pages are read
    const until = all[Math.floor(all.length / 2)];
    const [{ n }] = await query<{ n: number }>(db, sql`select count(*)::int as n from content where id <= ${until}`);
    const live = byId(await contentDocuments(db, all));
    for (const batch of [2, 3, Math.max(3, Math.ceil(n / 7))]) {
      const seen = new Set<string>();
      let pages = 0;
      for await (const page of contentDocumentPages(db, batch, { until })) {
        pages++;
        expect(page.count).toBeLessThanOrEqual(batch);
        for (const line of page.ndjson.toString().split("\n")) {
          const d = JSON.parse(line) as ContentDocument;
          expect(seen.has(d.id)).toBe(false);
          expect(d.id <= until).toBe(true);
          seen.add(d.id);
          // deleted, hidden and held rows are documents too, with the same facts as the live path's
          if (live[d.id]) expect(d).toEqual(live[d.id]);
        }
      }
      expect(seen.size).toBe(n);
      expect(pages).toBeGreaterThanOrEqual(Math.ceil(n / batch));
      for (const id of all) expect(seen.has(id)).toBe(all.indexOf(id) <= all.indexOf(until));
    }
  }, 120_000);

  it("full pages, every document once as UTF-8 NDJSON bytes (keyset pages, then on PostgreSQL the cursor's)", async () => {
    const db = engine.db;
    const [{ n }] = await query<{ n: number }>(db, sql`select count(*)::int as n from content`);
    const live = byId(await contentDocuments(db, all));
    const sizes: number[] = [];
    const seen = new Set<string>();
    for await (const page of contentDocumentPages(db, 3)) {
      expect(Buffer.isBuffer(page.ndjson)).toBe(true);
      sizes.push(page.count);
      const lines = page.ndjson.toString("utf8").split("\n");
      expect(lines.length).toBe(page.count);
      for (const line of lines) {
        const d = JSON.parse(line) as ContentDocument;
        expect(seen.has(d.id)).toBe(false);
        seen.add(d.id);
        if (live[d.id]) expect(d).toEqual(live[d.id]);
      }
    }
    expect(sizes[0]).toBe(3);
    // full pages (the last keyset page before the cursor's, and the last, may be short)
    expect(sizes.every((c) => c >= 1 && c <= 3)).toBe(true);
    expect(sizes.filter((c) => c < 3).length).toBeLessThanOrEqual(2);
    expect(seen.size).toBe(n);
    // the bytes are the text PostgreSQL built: é and escapes arrive intact
    const post = live[ids.post];
    expect(post.text).toBe('post text é "quoted" \\ back\nline');
  }, 120_000);

  it("a reader that stops early closes its cursor and gives the connection back (PostgreSQL)", async () => {
    const db = engine.db;
    const cursor = queryCursor<{ pid: number }>(db, sql`select pg_backend_pid() as pid from content`, 2);
    if (!cursor) return; // PGlite reads keyset pages: no cursor, no connection of its own
    const first = await cursor.next();
    const pid = (first.value as { pid: number }[])[0].pid;
    const [during] = await query<{ state: string }>(db, sql`select state from pg_stat_activity where pid = ${pid}`);
    expect(during.state).not.toBe("idle");
    await cursor.return(undefined);
    const [after] = await query<{ state: string }>(db, sql`select state from pg_stat_activity where pid = ${pid}`);
    expect(after.state).toBe("idle");
    // and a page reader stopped after its first page (the cursor already asked for more)
    for await (const page of contentDocumentPages(db, 2)) {
      expect(page.count).toBe(2);
      break;
    }
    const [{ open }] = await query<{ open: number }>(db, sql`select count(*)::int as open from pg_stat_activity where datname = current_database() and state like 'idle in transaction%' and pid <> pg_backend_pid()`);
    expect(open).toBe(0);
  }, 120_000);

  it("the documents carry the facts of their rows", async () => {
    const d = byId(await contentDocuments(engine.db, all));
    const { alice, bob } = authors;
    expect(d[ids.post]).toEqual({
      id: ids.post, orgId: d[ids.post].orgId, kind: "post", spaceId: spaceIds.open, visibility: "open", spaceDepartments: ["Research", "Sales"],
      authorId: alice, authorName: "Alice Bulk", authorDepartment: "Sales", rootAuthorDepartment: "Sales", rootId: null, deleted: false,
      hidden: false, hiddenVisibleTo: [], title: "A title", text: 'post text é "quoted" \\ back\nline',
      tags: expect.arrayContaining(["rates", "fx"]), cashtags: expect.arrayContaining(["ACME", "EURUSD"]), topics: ["Markets"],
      createdAt: Date.parse("2026-03-04T23:59:59.999Z"), createdDay: Math.floor(Date.parse("2026-03-04T23:59:59.999Z") / 86_400_000),
      questionId: null, accepted: false, health: 1, boost: 0, held: false, heldFor: [],
    });
    expect(d[ids.post].tags).toHaveLength(2);
    expect(d[ids.post].cashtags).toHaveLength(2);
    expect(d[ids.orgWide]).toMatchObject({ spaceId: null, visibility: "org", spaceDepartments: [], authorDepartment: "Research", createdAt: Date.parse("2026-03-04T05:06:07.891Z") });
    expect(d[ids.deletedRoot]).toMatchObject({ deleted: true, visibility: "private" });
    expect(d[ids.underDeleted]).toMatchObject({ deleted: true, rootId: ids.deletedRoot, rootAuthorDepartment: "Research", spaceId: spaceIds.priv });
    expect(d[ids.hiddenRoot]).toMatchObject({ hidden: true, hiddenVisibleTo: [bob] });
    expect(d[ids.hiddenUnderHiddenSameAuthor]).toMatchObject({ hidden: true, hiddenVisibleTo: [bob] });
    expect(d[ids.hiddenUnderHiddenOtherAuthor]).toMatchObject({ hidden: true, hiddenVisibleTo: [] });
    expect(d[ids.underHidden]).toMatchObject({ hidden: true, hiddenVisibleTo: [bob] });
    expect(d[ids.reply]).toMatchObject({ rootId: ids.hiddenRoot, hidden: true, hiddenVisibleTo: [bob] });
    expect(d[ids.pending]).toMatchObject({ held: true, heldFor: [`user:${alice}`, `tier:${approverKey(spaceIds.open, 2)}`] });
    expect(d[ids.underPending]).toMatchObject({ held: true, heldFor: [`user:${alice}`, `tier:${approverKey(spaceIds.open, 2)}`] });
    expect(d[ids.rejected]).toMatchObject({ held: true, heldFor: [`user:${alice}`] });
    expect(d[ids.question]).toMatchObject({ kind: "question", questionId: ids.question, topics: ["Onboarding"], health: 1, accepted: false });
    expect(d[ids.accepted]).toMatchObject({ kind: "answer", questionId: ids.question, accepted: true, health: 2 });
    expect(d[ids.obsolete]).toMatchObject({ kind: "answer", questionId: ids.question, accepted: false, health: 0 });
    expect(d[ids.practice]).toMatchObject({ boost: 1 });
  });

  it("Meilisearch holds the same documents after a bulk stream and after live pushes", async () => {
    const db = engine.db;
    const client = (await getSearchService())!.client;
    const bulk = `${indexUid("content")}_bulkcheck`;
    await client.deleteIndex(bulk).waitTask().catch(() => undefined);
    await client.createIndex(bulk, { primaryKey: "id" }).waitTask();
    await client.index(bulk).updateSettings(indexDefinitions.content.settings).waitTask();
    // several pages and several uploads
    const [{ n }] = await query<{ n: number }>(db, sql`select count(*)::int as n from content`);
    const page = Math.max(3, Math.ceil(n / 8));
    const r = await streamContentInto(client, bulk, db, { page, payload: 2 * page });
    await client.tasks.waitForTask(r.lastTask, { timeout: 60_000 });
    await pushDocuments(client, db, { content: all, people: [] });
    const read = async (uid: string) =>
      byId((await client.index(uid).getDocuments<ContentDocument>({ ids: all, limit: all.length })).results as ContentDocument[]);
    const fromBulk = await read(bulk);
    const fromLive = await read(indexUid("content"));
    expect(Object.keys(fromBulk).sort()).toEqual(all);
    for (const id of all) expect(fromBulk[id]).toEqual(fromLive[id]);
    expect(r.sent).toBe(n);
    expect((await client.index(bulk).getStats()).numberOfDocuments).toBe(n);
    // a payload the engine refuses fails the upload (and the reindex), with the engine's reason
    await expect(addNdjsonDocuments(client, "not a valid uid!", Buffer.from('{"id":"x"}'))).rejects.toThrow(/refused documents.*400/);
    await client.deleteIndex(bulk).waitTask();
  }, 120_000);
});
