import { sql } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { getDb, query, type Db } from "../../app/db/client.server";
import { createContent, deleteContent, editContent } from "../../app/content/content.server";
import { loadViewer } from "../../app/policy/viewer.server";
import { ARCHIVE_TEXT, findVersions, searchArchive, searchWhere, type ArchiveSearch } from "../../app/records/search.server";
import { createSpace, joinSpace } from "../../app/spaces/spaces.server";
import { testClock } from "../../app/utils/clock.server";
import { makeOrg, makeUser } from "../../scripts/lib/factories";
import { doc } from "../fixtures/world";

let db: Db;
beforeAll(async () => {
  db = await getDb();
});
afterEach(() => testClock.reset());

async function seed() {
  const org = await makeOrg("Records Search Bank");
  const alice = await loadViewer(db, (await makeUser(org.id, { name: "Alice" })).id);
  const bob = await loadViewer(db, (await makeUser(org.id, { name: "Bob" })).id);
  const officer = await loadViewer(db, (await makeUser(org.id, { roles: ["compliance", "member"] })).id);
  const edited = await createContent(alice, { kind: "post", spaceId: null, ...doc("We guarantee tangerine returns to every client") });
  await editContent(alice, edited.id, doc("We expect modest returns"));
  const gone = await createContent(bob, { kind: "post", spaceId: null, ...doc("Meet me about the walrus allocation <b>tonight</b>") });
  await deleteContent(bob, gone.id);
  return { org, alice, bob, officer, edited, gone };
}

describe("archive search over every version", () => {
  it("finds a phrase only in an edited-out version, and one only in a deleted post, with their version", async () => {
    const w = await seed();
    const edited = await searchArchive(w.officer, { q: '"guarantee tangerine"' }, db);
    expect(edited.map((h) => [h.subjectId, h.version, h.action])).toEqual([[w.edited.id, 1, "create"]]);
    expect(edited[0].excerpt.filter((p) => p.match).map((p) => p.text)).toEqual(["guarantee", "tangerine"]);
    // the live text no longer has it
    const [live] = await query<{ body_text: string }>(db, sql`select body_text from content where id = ${w.edited.id}`);
    expect(live.body_text).not.toContain("tangerine");

    const deleted = await searchArchive(w.officer, { q: "walrus allocation" }, db);
    expect(deleted.map((h) => [h.subjectId, h.version, h.action, h.deleted])).toEqual([
      [w.gone.id, 2, "delete", true],
      [w.gone.id, 1, "create", true],
    ]);
    // markup in the text stays text, exactly as stored
    const parts = deleted[1].excerpt;
    expect(parts.map((p) => p.text).join("")).toContain("<b>tonight</b>");
    expect(parts.filter((p) => p.match).map((p) => p.text)).toEqual(["walrus", "allocation"]);

    // deleted items can be left out
    expect(await searchArchive(w.officer, { q: "walrus allocation", includeDeleted: false }, db)).toEqual([]);
    // custodian filter
    expect((await searchArchive(w.officer, { q: "returns", custodianIds: [w.bob.id!] }, db)).length).toBe(0);
    expect((await searchArchive(w.officer, { q: "returns", custodianIds: [w.alice.id!] }, db)).map((h) => h.version)).toEqual([2, 1]);
  });

  it("is audited, scoped to the officer's org, and 404 for everyone else", async () => {
    const w = await seed();
    const other = await seed();
    const hits = await searchArchive(w.officer, { q: "walrus" }, db);
    expect(new Set(hits.map((h) => h.subjectId))).toEqual(new Set([w.gone.id]));
    const [audit] = await query<{ action: string; data: { q: string } }>(
      db,
      sql`select action, data from audit_log where org_id = ${w.org.id} and action = 'records.search' order by seq desc limit 1`,
    );
    expect(audit.data.q).toBe("walrus");
    await expect(searchArchive(w.alice, { q: "walrus" }, db)).rejects.toMatchObject({ status: 404 });
    expect(other.org.id).not.toBe(w.org.id);
  });

  it("uses the GIN index on the versions' stored words (a phrase rechecked from the column)", async () => {
    await db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      const plan = await query<Record<string, string>>(
        tx,
        sql`explain select r.id from archive_records r where ${ARCHIVE_TEXT} @@ websearch_to_tsquery('simple', '"walrus ledger"')`,
      );
      const text = plan.map((p) => Object.values(p)[0]).join("\n");
      expect(text).toContain("archive_records_tsv_idx");
      // the phrase's recheck reads the stored column, never re-parses the JSON
      expect(text).toContain("search_tsv");
      expect(text).not.toContain("to_tsvector");
    });
  });

  it("gives the same page whichever plan finds it (the newest rows first, or every match from the index)", async () => {
    const org = await makeOrg("Records Plans Bank");
    const aliceId = (await makeUser(org.id, { name: "Alice" })).id;
    const bobId = (await makeUser(org.id, { name: "Bob" })).id;
    const desk = await createSpace(await loadViewer(db, aliceId), { name: "Desk", slug: `desk-${org.id.slice(0, 8)}`, visibility: "open", joinPolicy: "open" });
    await joinSpace(await loadViewer(db, bobId), desk.id);
    // viewers carry their memberships: load them after joining
    const alice = await loadViewer(db, aliceId);
    const bob = await loadViewer(db, bobId);
    const T0 = Date.parse("2024-05-01T09:00:00Z");
    const words = ["lime", "pear", "lime pear", "pear lime", "fig", "lime fig pear"];
    const items = [];
    // 18 posts, an edit for every third, a deletion for every fifth, a minute apart (some at the same instant)
    for (let i = 0; i < 18; i++) {
      testClock.freeze(new Date(T0 + Math.floor(i / 2) * 60_000));
      const who = i % 2 ? bob : alice;
      const item = await createContent(who, { kind: "post", spaceId: i % 3 ? desk.id : null, ...doc(`${words[i % words.length]} note ${i}`) });
      if (i % 3 === 0) await editContent(who, item.id, doc(`${words[(i + 2) % words.length]} revised ${i}`));
      if (i % 5 === 0) await deleteContent(who, item.id);
      items.push(item);
    }
    testClock.reset();
    const searches: ArchiveSearch[] = [
      { q: "lime" },
      { q: '"lime pear"' },
      { q: "pear -fig" },
      { q: "fig", includeDeleted: false },
      { q: "lime", spaceId: desk.id },
      { q: "pear", from: new Date(T0 + 2 * 60_000), to: new Date(T0 + 6 * 60_000) },
      { q: "note", kinds: ["post"] },
      { q: "lime", custodianIds: [bob.id!] },
      { q: "" },
    ];
    for (const s of searches) {
      for (const limit of [1, 3, 7, 100]) {
        const expected = await query<{ id: string }>(
          db,
          sql`select r.id from archive_records r where ${searchWhere(org.id, s)} order by r.at desc, r.id desc limit ${limit}`,
        );
        for (const probe of [1, 4, 10, 10_000]) {
          const got = await findVersions(db, org.id, s, limit, probe);
          expect([s, limit, probe, got.map((h) => h.id)]).toEqual([s, limit, probe, expected.map((e) => Number(e.id))]);
        }
      }
    }
  });
});
