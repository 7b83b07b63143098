import { sql } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { getDb, query, type Db } from "../../app/db/client.server";
import { verifyArchive } from "../../app/compliance/verify.server";
import { createContent, deleteContent, editContent } from "../../app/content/content.server";
import { loadViewer } from "../../app/policy/viewer.server";
import { createSpace } from "../../app/spaces/spaces.server";
import { createHold, listHolds, releaseHold } from "../../app/records/holds.server";
import { RecordsInputError } from "../../app/records/errors.server";
import { planRetention, runRetention, setMinimumRetention, setRetention } from "../../app/records/retention.server";
import { searchArchive } from "../../app/records/search.server";
import { testClock } from "../../app/utils/clock.server";
import { makeOrg, makeUser } from "../../scripts/lib/factories";
import { doc } from "../fixtures/world";
import { asTableOwner } from "../support/tamper";

let db: Db;
beforeAll(async () => {
  db = await getDb();
});
afterEach(() => testClock.reset());

const DAY = 86_400_000;
const T0 = new Date("2019-03-01T10:00:00Z");

async function seed() {
  const org = await makeOrg("Retention Bank");
  const ids = {
    alice: (await makeUser(org.id, { name: "Alice" })).id,
    bob: (await makeUser(org.id, { name: "Bob" })).id,
    carol: (await makeUser(org.id, { name: "Carol" })).id,
    officer: (await makeUser(org.id, { roles: ["compliance", "member"] })).id,
  };
  const emails = Object.fromEntries(
    (await query<{ id: string; email: string }>(db, sql`select id, email from users where org_id = ${org.id}`)).map((u) => [u.id, u.email]),
  );
  testClock.freeze(T0);
  const v = (id: string) => loadViewer(db, id);
  const alice = await v(ids.alice);
  const bob = await v(ids.bob);
  const carol = await v(ids.carol);
  const officer = await v(ids.officer);
  const longSpace = await createSpace(carol, { name: "Long desk", slug: `long-${org.id.slice(0, 8)}`, visibility: "open", joinPolicy: "open" });
  const a = await createContent(alice, { kind: "post", spaceId: null, ...doc("apricot first wording") });
  testClock.freeze(new Date(T0.getTime() + DAY));
  await editContent(alice, a.id, doc("apricot second wording"));
  const b = await createContent(bob, { kind: "post", spaceId: null, ...doc("blueberry secret plan") });
  await deleteContent(bob, b.id);
  const c = await createContent(await v(ids.carol), { kind: "post", spaceId: longSpace.id, ...doc("cherry old wording") });
  await editContent(await v(ids.carol), c.id, doc("cherry new wording"));
  testClock.reset();
  // the org keeps 6 years by default; the long desk 10 years
  await setRetention(officer, { spaceId: longSpace.id, days: 3653 }, db);
  return { org, ids, emails, officer, longSpace, a, b, c };
}

const versionsOf = (subjectId: string) =>
  query<{ version: number; action: string; expired: boolean; text: string | null }>(
    db,
    sql`select version, action, (data ? '$expired') as expired, data->>'text' as text from archive_records where subject_id = ${subjectId} order by version`,
  );

/** The stored words (search_tsv) of each version of an item, as text. */
const wordsOf = async (subjectId: string) =>
  (await query<{ w: string }>(db, sql`select search_tsv::text as w from archive_records where subject_id = ${subjectId} order by version`)).map((r) => r.w);

describe("retention and legal holds", () => {
  it("expires exactly what is past retention and not held; the chain still verifies and a changed byte is caught", async () => {
    const w = await seed();
    const sevenYears = new Date(T0.getTime() + 7 * 365 * DAY);
    // a hold on bob placed before the job
    const hold = await createHold(w.officer, { matter: "Walker v. Bank", description: "", custodianEmails: [w.emails[w.ids.bob]], spaceIds: [], from: null, to: null }, db);

    // a year from now nothing is due
    expect((await planRetention(db, w.org.id, new Date(T0.getTime() + 365 * DAY))).versions).toBe(0);
    // dry run at seven years: alice's superseded version only; bob's two versions kept by the hold; carol's space keeps 10 years
    const plan = await planRetention(db, w.org.id, sevenYears);
    expect(plan).toMatchObject({ versions: 1, items: 1, held: 2 });
    expect(plan.bytes).toBeGreaterThan(0);
    // the dry run changed nothing
    expect((await versionsOf(w.a.id)).map((r) => r.expired)).toEqual([false, false]);
    // every new version's words are stored beside it (search_tsv, generated from its data), positions included
    expect(await wordsOf(w.a.id)).toEqual(["'apricot':1 'first':2 'wording':3", "'apricot':1 'second':2 'wording':3"]);
    expect((await searchArchive(w.officer, { q: '"apricot first"' }, db)).map((h) => h.version)).toEqual([1]);

    // the supervision queue flagged alice's first wording and her second: only the expired one's copy goes
    const flag = (version: number, text: string) =>
      db.execute(sql`insert into supervision_flags (id, org_id, content_id, content_version, author_id, source, severity, detail, text, created_at)
        values (${`f-${w.a.id}-${version}`}, ${w.org.id}, ${w.a.id}, ${version}, ${w.ids.alice}, 'sample', 'low', '{}'::jsonb, ${text}, now())`);
    await flag(1, "apricot first wording");
    await flag(2, "apricot second wording");

    expect(await runRetention(db, sevenYears, { orgId: w.org.id })).toEqual({ expired: 1 });
    const flags = await query<{ content_version: number; text: string }>(db, sql`select content_version, text from supervision_flags where content_id = ${w.a.id} order by content_version`);
    expect(flags).toEqual([
      { content_version: 1, text: "" },
      { content_version: 2, text: "apricot second wording" },
    ]);
    expect(await versionsOf(w.a.id)).toEqual([
      { version: 1, action: "create", expired: true, text: null },
      { version: 2, action: "edit", expired: false, text: "apricot second wording" },
    ]);
    expect((await versionsOf(w.b.id)).map((r) => r.expired)).toEqual([false, false]);
    expect((await versionsOf(w.c.id)).map((r) => r.expired)).toEqual([false, false]);
    // the expired words are gone from the archive search (their stored words emptied with the data); the live ones are found
    expect(await wordsOf(w.a.id)).toEqual(["", "'apricot':1 'second':2 'wording':3"]);
    expect(await searchArchive(w.officer, { q: "first" }, db)).toEqual([]);
    expect(await searchArchive(w.officer, { q: '"apricot first"' }, db)).toEqual([]);
    expect((await searchArchive(w.officer, { q: "apricot" }, db)).map((h) => h.version)).toEqual([2]);

    // the expire record vouches for what was removed: the chain verifies
    const ok = await verifyArchive(db, { orgId: w.org.id });
    expect(ok.ok).toBe(true);
    const [exp] = await query<{ id: number; data: { items: Array<{ id: number; sha256: string; hash: string }> } }>(
      db,
      sql`select id, data from archive_records where org_id = ${w.org.id} and action = 'expire'`,
    );
    expect(exp.data.items).toHaveLength(1);
    const [victim] = await query<{ id: number }>(db, sql`select id from archive_records where subject_id = ${w.a.id} and version = 1`);
    expect(Number(exp.data.items[0].id)).toBe(Number(victim.id));

    // a changed byte in the removed row's remaining columns is caught
    await asTableOwner(db, (tx) => tx.execute(sql`update archive_records set actor_id = actor_id || 'x' where id = ${victim.id}`));
    expect((await verifyArchive(db, { orgId: w.org.id })).problem).toMatchObject({ id: Number(victim.id), reason: "expire mismatch" });
    await asTableOwner(db, (tx) => tx.execute(sql`update archive_records set actor_id = left(actor_id, -1) where id = ${victim.id}`));
    expect((await verifyArchive(db, { orgId: w.org.id })).ok).toBe(true);
    // ... and in the expire record itself (a different first digit: placing the same one would change nothing)
    await asTableOwner(db, (tx) =>
      tx.execute(sql`update archive_records set data = jsonb_set(data, '{items,0,sha256}', to_jsonb(overlay(data#>>'{items,0,sha256}' placing (case when left(data#>>'{items,0,sha256}', 1) = '0' then '1' else '0' end) from 1 for 1))) where id = ${exp.id}`),
    );
    const bad = await verifyArchive(db, { orgId: w.org.id });
    expect(bad.ok).toBe(false);
    expect(["expire mismatch", "hash mismatch"]).toContain(bad.problem?.reason);
    await asTableOwner(db, (tx) => tx.execute(sql`update archive_records set data = ${JSON.stringify(exp.data)}::jsonb where id = ${exp.id}`));
    expect((await verifyArchive(db, { orgId: w.org.id })).ok).toBe(true);

    // releasing the hold lets the next run expire bob's deleted post (both versions) and empties its live row
    const [listed] = await listHolds(w.officer, {}, db);
    expect(listed).toMatchObject({ id: hold.id, versions: 2, items: 1, releasedAt: null });
    await releaseHold(w.officer, hold.id, "matter settled", db);
    expect(await runRetention(db, sevenYears, { orgId: w.org.id })).toEqual({ expired: 2 });
    expect((await versionsOf(w.b.id)).map((r) => r.expired)).toEqual([true, true]);
    const [row] = await query<{ body_text: string }>(db, sql`select body_text from content where id = ${w.b.id}`);
    expect(row.body_text).toBe("");
    expect(await wordsOf(w.b.id)).toEqual(["", ""]);
    expect(await searchArchive(w.officer, { q: "blueberry" }, db)).toEqual([]);
    expect((await verifyArchive(db, { orgId: w.org.id })).ok).toBe(true);
    const [released] = await query<{ action: string; data: { reason: string } }>(
      db,
      sql`select action, data from audit_log where org_id = ${w.org.id} and target_id = ${hold.id} order by seq desc limit 1`,
    );
    expect(released).toEqual({ action: "records.hold.release", data: { reason: "matter settled" } });
    // nothing left to do: a second run is a no-op
    expect(await runRetention(db, sevenYears, { orgId: w.org.id })).toEqual({ expired: 0 });
  });

  it("refuses bad input with a clear 4xx and stores nothing", async () => {
    const w = await seed();
    const bobEmail = w.emails[w.ids.bob];
    const refuse = async (p: Promise<unknown>) => {
      const e = await p.then(() => null, (x: unknown) => x);
      expect(e).toBeInstanceOf(RecordsInputError);
      return e as RecordsInputError;
    };
    expect((await refuse(createHold(w.officer, { matter: "M", description: "", custodianEmails: [], spaceIds: [], from: null, to: null }, db))).code).toBe("holdEmpty");
    expect((await refuse(createHold(w.officer, { matter: "M", description: "", custodianEmails: ["nobody@x.test"], spaceIds: [], from: null, to: null }, db))).code).toBe("unknownCustodian");
    const from = new Date("2020-01-01T00:00:00Z");
    const to = new Date("2021-01-01T00:00:00Z");
    expect((await refuse(createHold(w.officer, { matter: "M", description: "", custodianEmails: [bobEmail], spaceIds: [], from: to, to: from }, db))).code).toBe("holdRange");
    await createHold(w.officer, { matter: "M", description: "", custodianEmails: [bobEmail], spaceIds: [], from, to }, db);
    const overlap = await refuse(createHold(w.officer, { matter: "m", description: "", custodianEmails: [bobEmail], spaceIds: [], from: new Date("2020-06-01T00:00:00Z"), to: null }, db));
    expect([overlap.code, overlap.status]).toEqual(["holdOverlap", 409]);
    // the same person in another matter, or the same matter after the range, is a different hold
    await createHold(w.officer, { matter: "Other", description: "", custodianEmails: [bobEmail], spaceIds: [], from, to }, db);
    await createHold(w.officer, { matter: "M", description: "", custodianEmails: [bobEmail], spaceIds: [], from: to, to: null }, db);
    expect(await listHolds(w.officer, { custodianId: w.ids.bob }, db)).toHaveLength(3);

    // retention below the org's legal minimum
    const below = await refuse(setRetention(w.officer, { spaceId: null, days: 365 }, db));
    expect([below.code, below.status, below.params]).toEqual(["retentionBelowMinimum", 400, { min: 2192 }]);
    await setMinimumRetention(w.officer, 1096, db);
    await setRetention(w.officer, { spaceId: null, days: 1096 }, db);
    expect((await refuse(setRetention(w.officer, { spaceId: null, days: 1095 }, db))).code).toBe("retentionBelowMinimum");

    // and none of it for a non-compliance persona
    const alice = await loadViewer(db, w.ids.alice);
    await expect(createHold(alice, { matter: "X", description: "", custodianEmails: [bobEmail], spaceIds: [], from: null, to: null }, db)).rejects.toMatchObject({ status: 404 });
    await expect(setRetention(alice, { spaceId: null, days: 5000 }, db)).rejects.toMatchObject({ status: 404 });
  });

  it("two instances running the job at once expire each version once", async () => {
    const w = await seed();
    const at = new Date(T0.getTime() + 7 * 365 * DAY);
    const [x, y] = await Promise.all([runRetention(db, at, { orgId: w.org.id }), runRetention(db, at, { orgId: w.org.id })]);
    // alice's superseded version and bob's two deleted versions, once in all
    expect(x.expired + y.expired).toBe(3);
    const [n] = await query<{ n: string }>(db, sql`select count(*) as n from archive_records where org_id = ${w.org.id} and action = 'expire'`);
    expect(Number(n.n)).toBe(1);
    expect((await verifyArchive(db, { orgId: w.org.id })).ok).toBe(true);
  });
});
