import fs from "node:fs";
import { sql } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import yauzl from "yauzl";
import { simpleParser } from "mailparser";
import { getDb, query, type Db } from "../../app/db/client.server";
import { verifyArchive } from "../../app/compliance/verify.server";
import { createContent, deleteContent, editContent, setReaction } from "../../app/content/content.server";
import { spaceFeed } from "../../app/feed/feeds.server";
import { createSession } from "../../app/identity/session.server";
import { createApiToken, resolveToken } from "../../app/integrations/tokens.server";
import { affectedIds } from "../../app/knowledge/indexer.server";
import { contentDocuments, peopleDocuments } from "../../app/knowledge/search-docs.server";
import { getProfile, searchPeople } from "../../app/people/directory.server";
import { updateProfile } from "../../app/people/profile.server";
import { loadViewer } from "../../app/policy/viewer.server";
import { carryOutErasure, declineErasure, fileErasureRequest, listErasureRequests, planErasure } from "../../app/records/erasure.server";
import { exportFile, requestExport, runExportJobs } from "../../app/records/export.server";
import { verifyExportFile } from "../../app/records/export-verify.server";
import { createHold } from "../../app/records/holds.server";
import { searchArchive } from "../../app/records/search.server";
import { createSpace, joinSpace } from "../../app/spaces/spaces.server";
import { now, testClock } from "../../app/utils/clock.server";
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
const ERASE_AT = new Date(T0.getTime() + 7 * 365 * DAY);

function unzip(file: string): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const out = new Map<string, Buffer>();
      zip.on("end", () => resolve(out));
      zip.on("entry", (e: yauzl.Entry) =>
        zip.openReadStream(e, (er, s) => {
          if (er || !s) return reject(er);
          const chunks: Buffer[] = [];
          s.on("data", (c: Buffer) => chunks.push(c));
          s.on("end", () => {
            out.set(e.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        }),
      );
      zip.readEntry();
    });
  });
}

async function seed() {
  const org = await makeOrg("Erasure Bank");
  const bobU = await makeUser(org.id, { name: "Bob Marchand", title: "Rates trader" });
  const aliceU = await makeUser(org.id, { name: "Alice" });
  const officerU = await makeUser(org.id, { name: "Olive Officer", roles: ["compliance", "member"] });
  const adminU = await makeUser(org.id, { name: "Adam Admin", roles: ["admin", "member"] });
  const v = (id: string) => loadViewer(db, id);
  testClock.freeze(T0);
  const alice = await v(aliceU.id);
  const space = await createSpace(alice, { name: "Rates desk", slug: `rates-${org.id.slice(0, 8)}`, visibility: "open", joinPolicy: "open" });
  await joinSpace(await v(bobU.id), space.id);
  const bob = await v(bobU.id);
  await updateProfile(bob, bob.id!, { bio: "I trade rates and love sailing", languages: ["fr"], managerId: null, skillIds: [] }, db);
  // outside any space (org default, 6 years): an edited post, a deleted one, a reaction
  const old = await createContent(bob, { kind: "post", spaceId: null, ...doc("quince first wording") });
  testClock.freeze(new Date(T0.getTime() + DAY));
  await editContent(bob, old.id, doc("quince second wording"));
  const gone = await createContent(bob, { kind: "post", spaceId: null, ...doc("damson deleted thought") });
  await deleteContent(bob, gone.id);
  const alicePost = await createContent(alice, { kind: "post", spaceId: null, ...doc("Alice on the curve") });
  await setReaction(bob, alicePost.id, "insightful", true);
  // in the held space: two versions
  const held = await createContent(bob, { kind: "post", spaceId: space.id, ...doc("medlar held wording") });
  await editContent(bob, held.id, doc("medlar held wording, revised"));
  // a month before the erasure: still inside its retention
  testClock.freeze(new Date(ERASE_AT.getTime() - 30 * DAY));
  const recent = await createContent(bob, { kind: "post", spaceId: space.id, ...doc("sloe recent wording") });
  testClock.reset();
  const officer = await v(officerU.id);
  const admin = await v(adminU.id);
  const hold = await createHold(officer, { matter: "Rates desk review", description: "", custodianEmails: [], spaceIds: [space.id], from: null, to: new Date(T0.getTime() + 30 * DAY) }, db);
  return { org, bobU, aliceU, officer, admin, alice, bob, space, old, gone, alicePost, held, recent, hold };
}

const versionsOf = (subjectId: string) =>
  query<{ version: number; expired: boolean; text: string | null }>(
    db,
    sql`select version, (data ? '$expired') as expired, data->>'text' as text from archive_records where subject_id = ${subjectId} and subject_kind <> 'reaction' order by version`,
  );

describe("erasure requests", () => {
  it("pseudonymises the person everywhere, keeps what a hold or retention keeps, and the chain still verifies", async () => {
    const w = await seed();
    const session = await createSession(w.bobU.id, {}, db);
    const token = await createApiToken(w.admin, { kind: "personal", name: "bob's laptop", ownerId: w.bobU.id, scopes: ["read"], expiresInDays: null }, db);
    testClock.freeze(ERASE_AT);

    const { id } = await fileErasureRequest(w.officer, { email: w.bobU.email.toUpperCase(), reason: "Request of the person, ticket DPO-7" }, db);
    // the plan, before anything changes: what would go and what is kept and why
    const plan = await planErasure(db, w.org.id, w.bobU.id, now());
    expect(plan.kept.holds).toEqual([{ id: w.hold.id, matter: "Rates desk review", versions: 2 }]);
    expect(plan.kept.retention).toEqual([
      { spaceId: null, spaceName: null, days: 2192, versions: 1, until: new Date(ERASE_AT.getTime() - 30 * DAY + 2192 * DAY).toISOString() },
    ]);
    expect(plan.kept.inUse).toBe(1); // the quince post's current version, shown under the pseudonym
    // profile v1, quince v1, the deleted damson post's two versions, the reaction
    expect(plan.erasable).toBe(5);
    expect((await listErasureRequests(w.officer, db))[0]).toMatchObject({ id, status: "open", person: "Bob Marchand", plan });

    const outcome = await carryOutErasure(w.officer, id, db);
    expect(outcome.pseudonym).toMatch(/^Former employee [0-9a-f]{4}$/);
    expect(outcome.erased).toBe(5);
    const pseudonym = outcome.pseudonym;

    // archive: held and in-retention versions intact, the rest removed (content gone, hashes vouched)
    expect(await versionsOf(w.held.id)).toEqual([
      { version: 1, expired: false, text: "medlar held wording" },
      { version: 2, expired: false, text: "medlar held wording, revised" },
    ]);
    expect(await versionsOf(w.recent.id)).toEqual([{ version: 1, expired: false, text: "sloe recent wording" }]);
    expect(await versionsOf(w.old.id)).toEqual([
      { version: 1, expired: true, text: null },
      { version: 2, expired: false, text: "quince second wording" },
    ]);
    expect((await versionsOf(w.gone.id)).map((r) => r.expired)).toEqual([true, true]);
    // the removed versions' stored words went with their data: the archive search no longer finds them; kept ones are found
    const words = await query<{ version: number; w: string }>(
      db,
      sql`select version, search_tsv::text as w from archive_records where subject_id in (${w.old.id}, ${w.gone.id}) and subject_kind <> 'reaction' order by subject_id = ${w.gone.id}, version`,
    );
    expect(words).toEqual([
      { version: 1, w: "" },
      { version: 2, w: "'quince':1 'second':2 'wording':3" },
      { version: 1, w: "" },
      { version: 2, w: "" },
    ]);
    expect(await searchArchive(w.officer, { q: "damson" }, db)).toEqual([]);
    expect(await searchArchive(w.officer, { q: '"quince first"' }, db)).toEqual([]);
    expect((await searchArchive(w.officer, { q: '"medlar held"' }, db)).map((h) => h.version)).toEqual([2, 1]);
    const [goneRow] = await query<{ body_text: string }>(db, sql`select body_text from content where id = ${w.gone.id}`);
    expect(goneRow.body_text).toBe("");
    const [profileV1] = await query<{ data: unknown }>(db, sql`select data from archive_records where subject_kind = 'profile' and subject_id = ${w.bobU.id} and version = 1`);
    expect(JSON.stringify(profileV1.data)).not.toContain("sailing");

    // the request, its decision and outcome are in the archive chain and the audit log
    const records = await query<{ action: string; data: { pseudonym?: string; items?: unknown[] } }>(
      db,
      sql`select action, data from archive_records where org_id = ${w.org.id} and subject_kind = 'erasure' and subject_id = ${id} order by version`,
    );
    expect(records.map((r) => r.action)).toEqual(["request", "erase"]);
    expect(records[1].data.pseudonym).toBe(pseudonym);
    expect(records[1].data.items).toHaveLength(5);
    expect(JSON.stringify(records)).not.toContain("Marchand");
    const audits = await query<{ action: string }>(db, sql`select action from audit_log where org_id = ${w.org.id} and action like 'records.erasure.%' and action <> 'records.erasure.list' order by seq`);
    expect(audits.map((a) => a.action)).toEqual(["records.erasure.request", "records.erasure.carry_out"]);

    // archive:verify still says OK, and a changed byte in a kept version or in the erase record is caught
    expect((await verifyArchive(db, { orgId: w.org.id })).ok).toBe(true);
    await asTableOwner(db, (tx) => tx.execute(sql`update archive_records set data = jsonb_set(data, '{text}', '"medlar held wordinG"') where subject_id = ${w.held.id} and version = 1`));
    expect((await verifyArchive(db, { orgId: w.org.id })).ok).toBe(false);
    await asTableOwner(db, (tx) => tx.execute(sql`update archive_records set data = jsonb_set(data, '{text}', '"medlar held wording"') where subject_id = ${w.held.id} and version = 1`));
    expect((await verifyArchive(db, { orgId: w.org.id })).ok).toBe(true);
    const [erase] = await query<{ id: string; data: unknown }>(db, sql`select id, data from archive_records where subject_id = ${id} and action = 'erase'`);
    await asTableOwner(db, (tx) =>
      tx.execute(sql`update archive_records set data = jsonb_set(data, '{items,0,sha256}', to_jsonb(overlay(data#>>'{items,0,sha256}' placing (case when left(data#>>'{items,0,sha256}', 1) = '0' then '1' else '0' end) from 1 for 1))) where id = ${erase.id}`),
    );
    expect((await verifyArchive(db, { orgId: w.org.id })).ok).toBe(false);
    await asTableOwner(db, (tx) => tx.execute(sql`update archive_records set data = ${JSON.stringify(erase.data)}::jsonb where id = ${erase.id}`));
    expect((await verifyArchive(db, { orgId: w.org.id })).ok).toBe(true);

    // the live person: pseudonymised, signed out, tokens revoked
    const [u] = await query<{ name: string; email: string; title: string; bio: string; languages: string[]; status: string; password_hash: string | null }>(
      db,
      sql`select name, email, title, bio, languages, status, password_hash from users where id = ${w.bobU.id}`,
    );
    expect(u).toMatchObject({ name: pseudonym, title: "", bio: "", languages: [], status: "deactivated", password_hash: null });
    expect(u.email).toBe(`erased-${w.bobU.id}@erased.invalid`);
    const [s] = await query<{ revoked: boolean }>(db, sql`select revoked_at is not null as revoked from sessions where id = ${session.id}`);
    expect(s.revoked).toBe(true);
    expect(await resolveToken(token.token, db)).toBeNull();

    // feed, profile, directory: the pseudonym, never the name
    const feed = await spaceFeed(w.alice, w.space.id, null, db);
    const text = JSON.stringify(feed);
    expect(text).toContain(pseudonym);
    expect(text).toContain("medlar held wording, revised"); // held content intact
    expect(text).not.toContain("Marchand");
    const profile = await getProfile(w.officer, w.bobU.id, db);
    expect(profile.person).toMatchObject({ name: pseudonym, title: "", bio: "" });
    await expect(getProfile(w.alice, w.bobU.id, db)).rejects.toMatchObject({ status: 404 });
    expect(JSON.stringify(await searchPeople(w.officer, "", 50, db))).not.toContain("Marchand");
    expect(await searchPeople(w.alice, "Marchand", 50, db)).toEqual([]);

    // search documents: rebuilt through the outbox (a user.updated event) from the pseudonymised rows
    const events = await query<{ id: string; topic: string; subject_id: string; org_id: string; payload: unknown }>(
      db,
      sql`select id, topic, subject_id, org_id, payload from outbox_events where org_id = ${w.org.id} and subject_id = ${w.bobU.id} and topic = 'user.updated'`,
    );
    expect(events).toHaveLength(1);
    const affected = await affectedIds(db, events.map((e) => ({ id: Number(e.id), topic: e.topic, subjectId: e.subject_id, orgId: e.org_id, payload: e.payload })) as never);
    expect(affected.people).toEqual([w.bobU.id]);
    expect(affected.content).toEqual(expect.arrayContaining([w.old.id, w.held.id, w.recent.id]));
    const docs = await contentDocuments(db, affected.content);
    expect(docs.filter((d) => d.authorId === w.bobU.id).every((d) => d.authorName === pseudonym)).toBe(true);
    expect(JSON.stringify(docs)).not.toContain("Marchand");
    const [person] = await peopleDocuments(db, [w.bobU.id]);
    expect(person).toMatchObject({ name: pseudonym, title: "", bio: "", skills: [], active: false });

    // an export made after the erasure shows the pseudonym, carries the held content, and verifies
    const exp = await requestExport(w.officer, { q: "", custodianIds: [w.bobU.id], includeDeleted: true }, db);
    await runExportJobs(db, now());
    const file = await exportFile(w.officer, exp.id, db);
    const entries = await unzip(file.path);
    const all = [...entries.values()].map((b) => b.toString("utf8")).join("\n");
    expect(all).not.toContain("Marchand");
    expect(all).not.toContain(w.bobU.email);
    expect(all).toContain("medlar held wording, revised");
    const eml = await simpleParser(entries.get(`messages/${w.held.id}.eml`)!);
    expect(eml.from?.value[0]).toMatchObject({ name: pseudonym, address: `erased-${w.bobU.id}@erased.invalid` });
    expect((await verifyExportFile(file.path)).ok).toBe(true);
    fs.rmSync(file.path, { force: true });

    // the page: what was kept and why; the real identity kept for those records, to compliance only
    const [row] = await listErasureRequests(w.officer, db);
    expect(row).toMatchObject({ status: "done", person: pseudonym, outcome: { erased: 5, kept: plan.kept }, keptIdentity: { name: "Bob Marchand" } });
    expect((await listErasureRequests(w.admin, db))[0].keptIdentity).toBeNull();
    await expect(listErasureRequests(w.alice, db)).rejects.toMatchObject({ status: 404 });
  }, 60_000);

  it("refuses bad requests with a 4xx and stores nothing", async () => {
    const org = await makeOrg("Erasure Refusals");
    const bobU = await makeUser(org.id, { name: "Bob Refused" });
    const aliceU = await makeUser(org.id, { name: "Alice" });
    const admin = await loadViewer(db, (await makeUser(org.id, { roles: ["admin", "member"] })).id);
    const alice = await loadViewer(db, aliceU.id);
    const count = async () => (await query<{ n: number }>(db, sql`select count(*)::int as n from erasure_requests where org_id = ${org.id}`))[0].n;
    const archived = async () => (await query<{ n: number }>(db, sql`select count(*)::int as n from archive_records where org_id = ${org.id} and subject_kind = 'erasure'`))[0].n;

    await expect(fileErasureRequest(alice, { email: bobU.email, reason: "" }, db)).rejects.toMatchObject({ status: 404 });
    await expect(fileErasureRequest(admin, { email: "nobody@nowhere.test", reason: "" }, db)).rejects.toMatchObject({ code: "unknownPerson", status: 400 });
    expect(await count()).toBe(0);
    const { id } = await fileErasureRequest(admin, { email: bobU.email, reason: "asked" }, db);
    await expect(fileErasureRequest(admin, { email: bobU.email, reason: "again" }, db)).rejects.toMatchObject({ code: "erasureOpen", status: 409 });
    // declined: a new request may be filed; carried out: the person cannot be erased twice
    await declineErasure(admin, id, "Not our data subject", db);
    await expect(carryOutErasure(admin, id, db)).rejects.toMatchObject({ code: "erasureDecided", status: 409 });
    const second = await fileErasureRequest(admin, { email: bobU.email, reason: "asked again" }, db);
    await carryOutErasure(admin, second.id, db);
    const [u] = await query<{ email: string }>(db, sql`select email from users where id = ${bobU.id}`);
    await expect(fileErasureRequest(admin, { email: u.email, reason: "" }, db)).rejects.toMatchObject({ code: "alreadyErased", status: 409 });
    await expect(carryOutErasure(admin, "00000000-0000-4000-8000-000000000000", db)).rejects.toMatchObject({ status: 404 });
    expect(await count()).toBe(2);
    expect(await archived()).toBe(4); // request, decline, request, erase
    // nothing kept for a person with no records: no identity kept either
    const [done] = await query<{ kept_identity: unknown; outcome: { erased: number } }>(db, sql`select kept_identity, outcome from erasure_requests where id = ${second.id}`);
    expect(done.kept_identity).toBeNull();
    expect((await verifyArchive(db, { orgId: org.id })).ok).toBe(true);
  });
});
