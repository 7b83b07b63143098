import { generateKeyPairSync } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { archiveRecord } from "../../app/compliance/archive.server";
import { chainHash, GENESIS } from "../../app/compliance/chain.server";
import {
  CHECKPOINT_TOPIC,
  checkpointKey,
  checkpointLogFile,
  checkSignature,
  createDailyCheckpoints,
  exportCheckpoints,
  keyFile,
  rotateFileKey,
  parseCheckpointFile,
  signCheckpoint,
  type SignedCheckpoint,
} from "../../app/compliance/checkpoints.server";
import { withRetentionPurge } from "../../app/compliance/command.server";
import { exportItem, reviewItem } from "../../app/compliance/review.server";
import { recomputeHash, verifyArchive } from "../../app/compliance/verify.server";
import { contentHistory, createContent, editContent } from "../../app/content/content.server";
import { postHistory } from "../../app/content/history.server";
import { getDb, query, type Db } from "../../app/db/client.server";
import { loadViewer } from "../../app/policy/viewer.server";
import { testClock } from "../../app/utils/clock.server";
import { makeOrg, makeUser } from "../../scripts/lib/factories";
import { doc } from "../fixtures/world";
import { asTableOwner, restoreOrg, snapshotOrg } from "../support/tamper";

// Tamper tests: each plays an insider who owns the tables (so can switch the append-only
// triggers off) and shows that verification still names what changed; then the org is put
// back exactly, so the worker's archive verifies again for later tests.

let db: Db;
beforeAll(async () => {
  db = await getDb();
});

type Row = Record<string, unknown> & { id: number; seq: number; org_id: string; at_text: string; prev_hash: string; hash: string };

async function seedOrg() {
  const org = await makeOrg("Tamper Bank");
  const alice = await makeUser(org.id, { department: "Sales" });
  const officer = await makeUser(org.id, { roles: ["compliance", "member"], department: "Compliance" });
  const av = await loadViewer(db, alice.id);
  const cv = await loadViewer(db, officer.id);
  const post = await createContent(av, { kind: "post", spaceId: null, ...doc("Original statement") });
  await editContent(av, post.id, doc("Second statement"));
  await editContent(av, post.id, doc("Third statement"));
  return { org, av, cv, post };
}

const rowsOf = (orgId: string, table = "archive_records") =>
  query<Row>(
    db,
    sql`select *, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at_text from ${sql.raw(table)} where org_id = ${orgId} order by seq`,
  );

describe("archive tampering by a table owner", () => {
  it.each([0, -1])("a forged row at sequence %i fails verification and is never shown as a version", async (forgedSeq) => {
    const { org, av, cv, post } = await seedOrg();
    const snap = await snapshotOrg(db, org.id);
    const [first] = await rowsOf(org.id);
    // A self-consistent forged "version 1" placed before the real chain: plain INSERT, no trigger needed.
    const [{ id }] = await query<{ id: number }>(db, sql`select nextval(pg_get_serial_sequence('archive_records', 'id'))::int as id`);
    const at = new Date(Date.parse(String(first.at_text)) - 60_000);
    const data = { ...(first.data as object), text: "Forged statement" };
    const hash = chainHash(GENESIS, archiveRecord({ id, orgId: org.id, seq: forgedSeq, subjectKind: "post", subjectId: post.id, version: 1, action: "create", actorId: av.id!, at, data }));
    await db.execute(
      sql`insert into archive_records (id, org_id, seq, subject_kind, subject_id, version, action, actor_id, at, data, prev_hash, hash)
          values (${id}, ${org.id}, ${forgedSeq}, 'post', ${post.id}, 1, 'create', ${av.id!}, ${at.toISOString()}::timestamptz, ${JSON.stringify(data)}::jsonb, ${GENESIS}, ${hash})`,
    );

    const res = await verifyArchive(db, { orgId: org.id });
    expect(res.problem).toMatchObject({ chain: "archive", orgId: org.id, id, seq: forgedSeq, reason: "sequence out of range" });

    // The visible history, the compliance view and its export never pass it off as a version.
    const history = await contentHistory(av, post.id);
    expect(history.map((h) => h.data.text)).toEqual(["Original statement", "Second statement", "Third statement"]);
    expect((await postHistory(av, post.id)).versions.map((v) => v.text)).not.toContain("Forged statement");
    const review = await reviewItem(cv, post.id);
    const forged = review.versions.find((v) => v.id === id)!;
    expect(forged.intact).toBe(false);
    expect(review.versions.filter((v) => v.id !== id).every((v) => v.intact)).toBe(true);
    const exported = await exportItem(cv, post.id);
    expect(exported.item.versions.find((v) => v.id === id)?.intact).toBe(false);

    await restoreOrg(db, snap);
    expect((await verifyArchive(db, { orgId: org.id })).ok).toBe(true);
  });

  it("a forged row beyond the head fails as out of range", async () => {
    const { org } = await seedOrg();
    const snap = await snapshotOrg(db, org.id);
    const rows = await rowsOf(org.id);
    const last = rows[rows.length - 1];
    const [{ id }] = await query<{ id: number }>(db, sql`select nextval(pg_get_serial_sequence('archive_records', 'id'))::int as id`);
    const forged = { ...last, id, seq: Number(last.seq) + 1, prev_hash: last.hash, data: { text: "appended later" } };
    const hash = recomputeHash("archive", last.hash, forged);
    await db.execute(
      sql`insert into archive_records (id, org_id, seq, subject_kind, subject_id, version, action, actor_id, at, data, prev_hash, hash)
          values (${id}, ${org.id}, ${forged.seq}, ${String(last.subject_kind)}, ${String(last.subject_id)}, ${Number(last.version)}, ${String(last.action)}, ${String(last.actor_id)}, ${last.at_text}::timestamptz, ${JSON.stringify(forged.data)}::jsonb, ${last.hash}, ${hash})`,
    );
    expect((await verifyArchive(db, { orgId: org.id })).problem).toMatchObject({ id, seq: forged.seq, reason: "sequence out of range" });
    await restoreOrg(db, snap);
  });

  it("a missing sequence number is reported by the number that is missing, also at the end of a chain", async () => {
    const { org } = await seedOrg();
    const snap = await snapshotOrg(db, org.id);
    const rows = await rowsOf(org.id);
    await asTableOwner(db, (tx) => tx.execute(sql`delete from archive_records where id = ${rows[1].id}`));
    expect((await verifyArchive(db, { orgId: org.id })).problem).toMatchObject({ reason: "sequence gap", seq: 2, id: Number(rows[2].id) });
    await restoreOrg(db, snap);

    const last = rows[rows.length - 1];
    await asTableOwner(db, (tx) => tx.execute(sql`delete from archive_records where id = ${last.id}`));
    expect((await verifyArchive(db, { orgId: org.id })).problem).toMatchObject({ reason: "sequence gap", seq: Number(last.seq), id: null });
    await restoreOrg(db, snap);
  });

  it("a deleted head row (with its stored checkpoints) is detected; a whole deleted chain is caught by a signed checkpoint", async () => {
    const { org } = await seedOrg();
    testClock.freeze(new Date("2026-03-02T09:00:00Z"));
    await createDailyCheckpoints(db);
    const external = await exportCheckpoints(db, org.id);
    expect(external.some((c) => c.chain === "archive")).toBe(true);
    const snap = await snapshotOrg(db, org.id);

    await asTableOwner(db, async (tx) => {
      await tx.execute(sql`delete from chain_heads where org_id = ${org.id} and chain = 'archive'`);
      await tx.execute(sql`delete from checkpoints where org_id = ${org.id}`);
    });
    const rows = await rowsOf(org.id);
    // scoped to this org: the worker database holds other files' orgs, some signed with keys those tests set
    const headless = await verifyArchive(db, { orgId: org.id });
    expect(headless.ok).toBe(false);
    expect(headless.problem).toMatchObject({ chain: "archive", orgId: org.id, reason: "head missing", seq: rows.length, id: Number(rows[rows.length - 1].id) });

    // Everything of the chain gone, records too: only the checkpoint kept outside shows it existed.
    await asTableOwner(db, (tx) => tx.execute(sql`delete from archive_records where org_id = ${org.id}`));
    expect((await verifyArchive(db, { orgId: org.id })).ok).toBe(true);
    const res = await verifyArchive(db, { orgId: org.id, checkpoints: external });
    expect(res.problem).toMatchObject({ chain: "archive", orgId: org.id, reason: "checkpoint mismatch", seq: rows.length });
    await restoreOrg(db, snap);
    expect((await verifyArchive(db, { orgId: org.id })).ok).toBe(true);
  });

  it("a shortened chain with its head rolled back is caught by a signed checkpoint of the longer chain", async () => {
    const { org } = await seedOrg();
    testClock.freeze(new Date("2026-03-03T09:00:00Z"));
    const signed = (await createDailyCheckpoints(db)).filter((c) => c.orgId === org.id);
    const snap = await snapshotOrg(db, org.id);
    const rows = await rowsOf(org.id);
    const keep = rows[rows.length - 2];
    await asTableOwner(db, async (tx) => {
      await tx.execute(sql`delete from archive_records where org_id = ${org.id} and seq > ${keep.seq}`);
      await tx.execute(sql`update chain_heads set seq = ${keep.seq}, hash = ${keep.hash} where org_id = ${org.id} and chain = 'archive'`);
      await tx.execute(sql`delete from checkpoints where org_id = ${org.id}`);
    });
    expect((await verifyArchive(db, { orgId: org.id })).ok).toBe(true);
    expect((await verifyArchive(db, { orgId: org.id, checkpoints: signed })).problem).toMatchObject({ reason: "checkpoint mismatch", seq: rows.length });
    await restoreOrg(db, snap);
  });

  it("a timestamp moved by 400 microseconds is detected", async () => {
    const { org } = await seedOrg();
    const snap = await snapshotOrg(db, org.id);
    const [, victim] = await rowsOf(org.id);
    await asTableOwner(db, (tx) => tx.execute(sql`update archive_records set at = at + interval '400 microseconds' where id = ${victim.id}`));
    const [moved] = await query<{ t: string }>(db, sql`select to_char(at, 'US') as t from archive_records where id = ${victim.id}`);
    expect(moved.t.endsWith("400")).toBe(true);
    expect((await verifyArchive(db, { orgId: org.id })).problem).toMatchObject({ id: Number(victim.id), reason: "hash mismatch" });
    await restoreOrg(db, snap);

    // the audit chain too
    const [audit] = await rowsOf(org.id, "audit_log");
    if (audit) {
      await asTableOwner(db, (tx) => tx.execute(sql`update audit_log set at = at - interval '1 microsecond' where id = ${audit.id}`));
      expect((await verifyArchive(db, { orgId: org.id })).problem).toMatchObject({ chain: "audit", id: Number(audit.id), reason: "hash mismatch" });
      await restoreOrg(db, snap);
    }
  });

  it("a changed or swapped record id is detected", async () => {
    const { org } = await seedOrg();
    const snap = await snapshotOrg(db, org.id);
    const rows = await rowsOf(org.id);
    const newId = Number(rows[1].id) + 1_000_000;
    await asTableOwner(db, (tx) => tx.execute(sql`update archive_records set id = ${newId} where id = ${rows[1].id}`));
    expect((await verifyArchive(db, { orgId: org.id })).problem).toMatchObject({ id: newId, seq: 2, reason: "hash mismatch" });
    await restoreOrg(db, snap);

    // swap the ids of two records (every other column kept)
    await asTableOwner(db, async (tx) => {
      await tx.execute(sql`update archive_records set id = -id where id in (${rows[0].id}, ${rows[1].id})`);
      await tx.execute(sql`update archive_records set id = ${rows[1].id} where id = ${-rows[0].id}`);
      await tx.execute(sql`update archive_records set id = ${rows[0].id} where id = ${-rows[1].id}`);
    });
    expect((await verifyArchive(db, { orgId: org.id })).problem).toMatchObject({ id: Number(rows[1].id), seq: 1, reason: "hash mismatch" });
    await restoreOrg(db, snap);
    expect((await verifyArchive(db, { orgId: org.id })).ok).toBe(true);
  });

  it("a rewrite with every later hash recomputed is caught by a signed checkpoint; forged signatures are refused", async () => {
    const { org } = await seedOrg();
    testClock.freeze(new Date("2026-03-04T09:00:00Z"));
    const signed = (await createDailyCheckpoints(db)).filter((c) => c.orgId === org.id && c.chain === "archive");
    expect(signed).toHaveLength(1);
    expect(checkSignature(signed[0], checkpointKey().publicKey)).toBe(true);
    const snap = await snapshotOrg(db, org.id);

    let newHead = "";
    await asTableOwner(db, async (tx) => {
      const rows = await query<Row>(
        tx,
        sql`select *, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at_text from archive_records where org_id = ${org.id} order by seq`,
      );
      let prev = GENESIS;
      for (const r of rows) {
        const data = Number(r.seq) === 2 ? { ...(r.data as object), text: "What I never said" } : r.data;
        const hash = recomputeHash("archive", prev, { ...r, data, prev_hash: prev });
        await tx.execute(sql`update archive_records set data = ${JSON.stringify(data)}::jsonb, prev_hash = ${prev}, hash = ${hash} where id = ${r.id}`);
        prev = hash;
      }
      newHead = prev;
      await tx.execute(sql`update chain_heads set hash = ${prev} where org_id = ${org.id} and chain = 'archive'`);
      await tx.execute(sql`delete from checkpoints where org_id = ${org.id}`);
    });
    expect((await verifyArchive(db, { orgId: org.id })).ok).toBe(true); // consistent inside the database
    const caught = await verifyArchive(db, { orgId: org.id, checkpoints: signed });
    expect(caught.problem).toMatchObject({ chain: "archive", orgId: org.id, seq: signed[0].seq, reason: "checkpoint mismatch" });

    // The insider edits the outside checkpoint to the new head: its signature no longer holds.
    const edited: SignedCheckpoint = { ...signed[0], hash: newHead };
    expect((await verifyArchive(db, { orgId: org.id, checkpoints: [edited] })).problem).toMatchObject({ reason: "bad signature" });
    // ...or signs it with a key of their own: not the published key.
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    const ownKey = { privateKey, publicKey, keyId: signed[0].keyId, publicKeyPem: "", source: "attacker" };
    const resigned = signCheckpoint({ orgId: org.id, chain: "archive", seq: signed[0].seq, hash: newHead, day: signed[0].day, at: signed[0].at }, ownKey);
    expect((await verifyArchive(db, { orgId: org.id, checkpoints: [resigned] })).problem).toMatchObject({ reason: "bad signature" });
    expect(checkSignature(resigned, publicKey)).toBe(false); // the claimed key id is not this key's either
    // ...or writes a checkpoint row with a forged signature into the database.
    await asTableOwner(db, (tx) =>
      tx.execute(sql`insert into checkpoints (org_id, chain, seq, hash, day, at, key_id, signature)
                     values (${org.id}, 'archive', ${signed[0].seq}, ${newHead}, '2026-03-05', now(), ${signed[0].keyId}, ${signed[0].signature})`),
    );
    expect((await verifyArchive(db, { orgId: org.id })).problem).toMatchObject({ reason: "bad signature", orgId: org.id });

    await restoreOrg(db, snap);
    expect((await verifyArchive(db, { orgId: org.id, checkpoints: signed })).ok).toBe(true);
  });
});

describe("signed checkpoints leave the database", () => {
  it("are written to the JSON-lines log and emitted as archive.checkpoint; the key file is private", async () => {
    const { org } = await seedOrg();
    testClock.freeze(new Date("2026-03-06T09:00:00Z"));
    const created = (await createDailyCheckpoints(db)).filter((c) => c.orgId === org.id);
    expect(created.map((c) => c.chain).sort()).toEqual(["archive"]);
    expect((fs.statSync(keyFile()).mode & 0o777).toString(8)).toBe("600");
    const log = parseCheckpointFile(fs.readFileSync(checkpointLogFile(), "utf8"));
    expect(log).toContainEqual(created[0]);
    const events = await query<{ payload: unknown }>(db, sql`select payload from outbox_events where topic = ${CHECKPOINT_TOPIC} and org_id = ${org.id}`);
    expect(events.map((e) => (typeof e.payload === "string" ? JSON.parse(e.payload) : e.payload))).toEqual([created[0]]);
    // once per org, chain and day
    expect((await createDailyCheckpoints(db)).filter((c) => c.orgId === org.id)).toEqual([]);
    // the file's lines verify the chain, signatures included
    expect((await verifyArchive(db, { orgId: org.id, checkpoints: log })).ok).toBe(true);
  });
});

describe("the signing key", () => {
  it("ATRIUM_CHECKPOINT_KEY (PEM with \\n, or base64 DER) replaces the key file; other key types are refused", async () => {
    const fileKeyId = checkpointKey().keyId;
    const { privateKey } = generateKeyPairSync("ed25519");
    const pem = String(privateKey.export({ type: "pkcs8", format: "pem" }));
    const der = privateKey.export({ type: "pkcs8", format: "der" }).toString("base64");
    try {
      process.env.ATRIUM_CHECKPOINT_KEY = pem.trim().replace(/\n/g, "\\n");
      const fromPem = checkpointKey();
      expect(fromPem.source).toBe("ATRIUM_CHECKPOINT_KEY");
      expect(fromPem.keyId).not.toBe(fileKeyId);
      const cp = signCheckpoint({ orgId: "o", chain: "archive", seq: 1, hash: "h", day: "2026-01-01", at: "x" });
      expect(checkSignature(cp, fromPem.publicKey)).toBe(true);
      process.env.ATRIUM_CHECKPOINT_KEY = der;
      expect(checkpointKey().keyId).toBe(fromPem.keyId);
      process.env.ATRIUM_CHECKPOINT_KEY = String(generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "der" }).toString("base64"));
      expect(() => checkpointKey()).toThrow(/Ed25519/);
    } finally {
      delete process.env.ATRIUM_CHECKPOINT_KEY;
    }
    expect(checkpointKey().keyId).toBe(fileKeyId);
  });
});

describe("rotating the signing key", () => {
  it("checkpoints signed before a rotation keep verifying by the retired public half; the old private key is gone; an untrusted key is named", async () => {
    const saved = process.env.ATRIUM_DATA_DIR;
    process.env.ATRIUM_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "atrium-keys-"));
    try {
      const { org } = await seedOrg();
      testClock.freeze(new Date("2026-04-01T09:00:00Z"));
      const before = (await createDailyCheckpoints(db)).filter((c) => c.orgId === org.id);
      const oldKey = checkpointKey();
      expect(before[0].keyId).toBe(oldKey.keyId);

      const { retired, current } = rotateFileKey();
      expect(retired).toBe(oldKey.keyId);
      expect(current).not.toBe(retired);
      expect(checkpointKey().keyId).toBe(current); // picked up without a restart
      expect(fs.readFileSync(keyFile(), "utf8")).not.toContain(String(oldKey.privateKey.export({ type: "pkcs8", format: "pem" })).split("\n")[1]);
      expect(fs.readdirSync(path.join(process.env.ATRIUM_DATA_DIR, "keys", "retired"))).toEqual([`${retired}.pem`]);

      // a later day, signed by the new key: both days verify, from the database and from the log
      await createContent(await loadViewer(db, (await query<{ id: string }>(db, sql`select id from users where org_id = ${org.id} limit 1`))[0].id), { kind: "post", spaceId: null, ...doc("after the rotation") });
      testClock.freeze(new Date("2026-04-02T09:00:00Z"));
      const after = (await createDailyCheckpoints(db)).filter((c) => c.orgId === org.id);
      expect(after[0].keyId).toBe(current);
      expect((await verifyArchive(db, { orgId: org.id })).ok).toBe(true);
      expect((await verifyArchive(db, { orgId: org.id, checkpoints: [...before, ...after] })).ok).toBe(true);

      // an examiner given only the new public key cannot vouch for the old checkpoints, and says why
      const onlyNew = await verifyArchive(db, { orgId: org.id, publicKeys: [checkpointKey().publicKey] });
      expect(onlyNew.problem).toMatchObject({ reason: "unknown signing key", orgId: org.id });
      // the retired key verifies only what it signed: a forged new checkpoint under its id fails
      const forged: SignedCheckpoint = { ...before[0], hash: after[0].hash };
      expect((await verifyArchive(db, { orgId: org.id, checkpoints: [forged] })).problem).toMatchObject({ reason: "bad signature" });
    } finally {
      process.env.ATRIUM_DATA_DIR = saved;
      if (saved === undefined) delete process.env.ATRIUM_DATA_DIR;
    }
  });
});

describe("append-only in the database", () => {
  const refused = /append-only|refused|only moves forward/;
  /** The database's own message (drizzle wraps it in "Failed query: …"). */
  const refusal = async (q: ReturnType<typeof sql>) => {
    try {
      await db.execute(q);
      return "accepted";
    } catch (e) {
      return String((e as { cause?: Error }).cause?.message ?? (e as Error).message);
    }
  };

  it.each(["archive_records", "audit_log", "checkpoints"])("UPDATE, DELETE and TRUNCATE on %s are refused", async (table) => {
    const { org, cv, post } = await seedOrg();
    await reviewItem(cv, post.id); // an audit entry
    testClock.freeze(new Date("2026-03-07T09:00:00Z"));
    await createDailyCheckpoints(db);
    const t = sql.raw(table);
    const [row] = await query<{ id: number }>(db, sql`select id from ${t} where org_id = ${org.id} limit 1`);
    expect(row).toBeDefined();
    expect(await refusal(sql`update ${t} set hash = hash where id = ${row.id}`)).toMatch(refused);
    expect(await refusal(sql`delete from ${t} where id = ${row.id}`)).toMatch(refused);
    expect(await refusal(sql`truncate ${t} cascade`)).toMatch(refused);
    const [still] = await query<{ n: number }>(db, sql`select count(*)::int as n from ${t} where id = ${row.id}`);
    expect(still.n).toBe(1);
  });

  it("a chain head only moves forward by one and is never deleted", async () => {
    const { org } = await seedOrg();
    const [head] = await query<{ seq: number }>(db, sql`select seq from chain_heads where org_id = ${org.id} and chain = 'archive'`);
    expect(await refusal(sql`update chain_heads set seq = seq - 1 where org_id = ${org.id} and chain = 'archive'`)).toMatch(refused);
    expect(await refusal(sql`update chain_heads set seq = seq + 2 where org_id = ${org.id} and chain = 'archive'`)).toMatch(refused);
    expect(await refusal(sql`delete from chain_heads where org_id = ${org.id}`)).toMatch(refused);
    expect(await refusal(sql`insert into chain_heads (org_id, chain, seq, hash) values (${org.id + "x"}, 'archive', 5, ${GENESIS})`)).toMatch(/starts at sequence 0/);
    const [after] = await query<{ seq: number }>(db, sql`select seq from chain_heads where org_id = ${org.id} and chain = 'archive'`);
    expect(Number(after.seq)).toBe(Number(head.seq));
  });

  it("the retention purge path may delete, and must record an expire entry", async () => {
    const { org, av, post } = await seedOrg();
    const snap = await snapshotOrg(db, org.id);
    const [victim] = await rowsOf(org.id);
    // without an expire entry the purge rolls back
    await expect(
      withRetentionPurge(db, async ({ tx }) => {
        await tx.execute(sql`delete from archive_records where id = ${victim.id}`);
      }),
    ).rejects.toThrow(/expire/);
    expect(await rowsOf(org.id)).toHaveLength(3);
    await withRetentionPurge(db, async ({ tx, archive }) => {
      await tx.execute(sql`delete from archive_records where id = ${victim.id}`);
      await archive({ orgId: org.id, subjectKind: "post", subjectId: post.id, version: 4, action: "expire", actorId: av.id!, data: { expired: [Number(victim.seq)] } });
    });
    const after = await rowsOf(org.id);
    expect(after.map((r) => r.action)).toEqual(["edit", "edit", "expire"]);
    // the flag does not outlive the purge: the plain path is refused again
    expect(await refusal(sql`delete from archive_records where id = ${after[0].id}`)).toMatch(refused);
    await restoreOrg(db, snap);
    expect((await verifyArchive(db, { orgId: org.id })).ok).toBe(true);
  });
});
