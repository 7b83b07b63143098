import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb, query, type Db } from "../../app/db/client.server";
import { createDailyCheckpoints, exportCheckpoints } from "../../app/compliance/checkpoints.server";
import { recomputeHash, verifyArchive } from "../../app/compliance/verify.server";
import { contentHistory, createContent, deleteContent, editContent, setReaction } from "../../app/content/content.server";
import { createSpace } from "../../app/spaces/spaces.server";
import { loadViewer } from "../../app/policy/viewer.server";
import { testClock } from "../../app/utils/clock.server";
import { makeOrg, makeUser } from "../../scripts/lib/factories";
import { doc } from "../fixtures/world";
import { asTableOwner, restoreOrg, snapshotOrg } from "../support/tamper";

let db: Db;
beforeAll(async () => {
  db = await getDb();
});

async function seedOrg() {
  const org = await makeOrg("Archive Bank");
  const alice = await makeUser(org.id, { department: "Sales" });
  const bob = await makeUser(org.id, { department: "Sales" });
  const a = await loadViewer(db, alice.id);
  const space = await createSpace(a, { name: "Desk", slug: `desk-${org.id.slice(0, 8)}`, visibility: "open", joinPolicy: "open" });
  const av = await loadViewer(db, alice.id);
  const bv = await loadViewer(db, bob.id);
  const post = await createContent(av, { kind: "post", spaceId: space.id, ...doc("First draft about compliance") });
  await editContent(av, post.id, doc("Second draft about compliance"));
  await setReaction(bv, post.id, "insightful", true);
  const comment = await createContent(bv, { kind: "comment", parentId: post.id, ...doc("Nice — c'est très utile ✓") });
  await deleteContent(bv, comment.id);
  return { org, alice, bob, av, bv, space, post, comment };
}

describe("archive", () => {
  it("keeps every version of an edit and a tombstone for a delete", async () => {
    const { av, post, comment } = await seedOrg();
    const history = await contentHistory(av, post.id);
    expect(history.map((h) => [h.version, h.action])).toEqual([
      [1, "create"],
      [2, "edit"],
    ]);
    expect(history[0].data.text).toBe("First draft about compliance");
    expect(history[1].data.text).toBe("Second draft about compliance");
    const tomb = await query<{ action: string; data: unknown }>(
      db,
      sql`select action, data from archive_records where subject_id = ${comment.id} order by version`,
    );
    expect(tomb.map((t) => t.action)).toEqual(["create", "delete"]);
    // the deleted comment's words are still in the archive
    expect(JSON.stringify(tomb[1].data)).toContain("c'est très utile");
  });

  it("an untouched archive verifies; one changed byte is found and named", async () => {
    const { org } = await seedOrg();
    // each test verifies its own org: the worker's database holds other files' orgs (some tamper, some sign with other keys)
    const ok = await verifyArchive(db, { orgId: org.id });
    expect(ok.ok).toBe(true);
    expect(ok.checked).toBeGreaterThanOrEqual(6);

    const targets = await query<{ id: number; seq: number; text: string }>(
      db,
      sql`select id, seq, data->>'text' as text from archive_records where org_id = ${org.id} and data ? 'text' order by seq`,
    );
    // tamper with one character of the edited version's text
    const victim = targets[1];
    expect(victim.text).toBe("Second draft about compliance");
    await asTableOwner(db, (tx) =>
      tx.execute(sql`update archive_records set data = jsonb_set(data, '{text}', to_jsonb(overlay(data->>'text' placing 'X' from 1 for 1))) where id = ${victim.id}`),
    );
    const bad = await verifyArchive(db, { orgId: org.id });
    expect(bad.ok).toBe(false);
    expect(bad.problem).toMatchObject({ chain: "archive", orgId: org.id, id: Number(victim.id), reason: "hash mismatch" });
    // put the byte back: verifies again
    await asTableOwner(db, (tx) => tx.execute(sql`update archive_records set data = jsonb_set(data, '{text}', to_jsonb(${victim.text}::text)) where id = ${victim.id}`));
    expect((await verifyArchive(db, { orgId: org.id })).ok).toBe(true);
  });

  it.each([
    ["actor", sql`actor_id = actor_id || 'x'`],
    ["time", sql`at = at + interval '1 millisecond'`],
    ["action", sql`action = 'edit'`],
  ])("tampering with the %s column is detected", async (_name, change) => {
    const { org } = await seedOrg();
    const [rec] = await query<{ id: number }>(db, sql`select id from archive_records where org_id = ${org.id} and seq = 1`);
    const snap = await snapshotOrg(db, org.id);
    await asTableOwner(db, (tx) => tx.execute(sql`update archive_records set ${change} where id = ${rec.id}`));
    const res = await verifyArchive(db, { orgId: org.id });
    expect(res.ok).toBe(false);
    expect(res.problem?.id).toBe(Number(rec.id));
    // restore the original rows so later tests see a clean archive
    await restoreOrg(db, snap);
    expect((await verifyArchive(db, { orgId: org.id })).ok).toBe(true);
  });

  it("a deleted record breaks the chain and is named by its successor", async () => {
    const { org } = await seedOrg();
    const rows = await query<{ id: number; seq: number }>(db, sql`select id, seq from archive_records where org_id = ${org.id} order by seq`);
    const snap = await snapshotOrg(db, org.id);
    await asTableOwner(db, (tx) => tx.execute(sql`delete from archive_records where id = ${rows[1].id}`));
    const res = await verifyArchive(db, { orgId: org.id });
    expect(res.ok).toBe(false);
    // the missing number is named, and the record after the hole
    expect(res.problem).toMatchObject({ reason: "sequence gap", seq: Number(rows[1].seq), id: Number(rows[2].id) });
    await restoreOrg(db, snap);
    expect((await verifyArchive(db, { orgId: org.id })).ok).toBe(true);
  });

  it("checkpoints: a rewritten chain that hashes consistently still fails against an exported checkpoint", async () => {
    const { org } = await seedOrg();
    testClock.freeze(new Date("2026-02-01T10:00:00Z"));
    await createDailyCheckpoints(db);
    const exported = (await exportCheckpoints(db, org.id)).filter((c) => c.chain === "archive");
    expect(exported).toHaveLength(1);
    const snap = await snapshotOrg(db, org.id);
    // An insider rewrites the whole chain from record 1 so that every hash is consistent again
    // and deletes the stored checkpoint: only the outsider's copy can catch it.
    await asTableOwner(db, async (tx) => {
      const rows = await query<Record<string, unknown> & { id: number; seq: number; org_id: string; at_text: string; prev_hash: string; hash: string }>(
        tx,
        sql`select *, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at_text from archive_records where org_id = ${org.id} order by seq`,
      );
      let prev = "0".repeat(64);
      for (const r of rows) {
        const data = Number(r.seq) === 1 ? { ...(r.data as object), text: "Rewritten history" } : r.data;
        const hash = recomputeHash("archive", prev, { ...r, data });
        await tx.execute(sql`update archive_records set data = ${JSON.stringify(data)}::jsonb, prev_hash = ${prev}, hash = ${hash} where id = ${r.id}`);
        prev = hash;
      }
      await tx.execute(sql`update chain_heads set hash = ${prev} where org_id = ${org.id} and chain = 'archive'`);
      await tx.execute(sql`delete from checkpoints where org_id = ${org.id}`);
    });
    expect((await verifyArchive(db, { orgId: org.id })).ok).toBe(true); // internally consistent...
    const res = await verifyArchive(db, { orgId: org.id, checkpoints: exported });
    expect(res.ok).toBe(false); // ...but not what the outsider recorded
    expect(res.problem).toMatchObject({ reason: "checkpoint mismatch", orgId: org.id });
    // leave no broken chain for later tests in this worker
    await restoreOrg(db, snap);
    expect((await verifyArchive(db, { orgId: org.id })).ok).toBe(true);
  });

  it("an aborted transaction leaves no version, no current row and no outbox event", async () => {
    const org = await makeOrg("Abort Bank");
    const alice = await makeUser(org.id);
    const av = await loadViewer(db, alice.id);
    const count = async () => {
      const [r] = await query<{ c: number; a: number; o: number; h: number }>(
        db,
        sql`select (select count(*)::int from content where org_id = ${org.id}) as c,
                   (select count(*)::int from archive_records where org_id = ${org.id}) as a,
                   (select count(*)::int from outbox_events where org_id = ${org.id}) as o,
                   (select coalesce(max(seq), 0)::int from chain_heads where org_id = ${org.id} and chain = 'archive') as h`,
      );
      return r;
    };
    await createContent(av, { kind: "post", spaceId: null, ...doc("kept") });
    const before = await count();
    expect(before).toEqual({ c: 1, a: 1, o: 1, h: 1 });
    // The outbox insert is the last step of the command; make it fail for one marked post.
    await db.execute(sql.raw(`
      create or replace function fail_marked() returns trigger language plpgsql as $$
      begin
        if exists (select 1 from content where id = new.subject_id and body_text = 'ABORT-ME') then
          raise exception 'injected failure';
        end if;
        return new;
      end $$;`));
    await db.execute(sql.raw(`drop trigger if exists fail_marked on outbox_events`));
    await db.execute(sql.raw(`create trigger fail_marked before insert on outbox_events for each row execute function fail_marked()`));
    try {
      await expect(createContent(av, { kind: "post", spaceId: null, ...doc("ABORT-ME") })).rejects.toThrow();
    } finally {
      await db.execute(sql.raw(`drop trigger if exists fail_marked on outbox_events`));
    }
    expect(await count()).toEqual(before);
    expect((await verifyArchive(db, { orgId: org.id })).ok).toBe(true);
  });
});
