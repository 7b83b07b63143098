import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { simpleParser } from "mailparser";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb, query, type Db } from "../../app/db/client.server";
import { createContent, deleteContent, editContent, setReaction } from "../../app/content/content.server";
import { loadViewer } from "../../app/policy/viewer.server";
import { createSpace, joinSpace } from "../../app/spaces/spaces.server";
import { exportFile, listExports, requestExport, runExportJobs } from "../../app/records/export.server";
import { verifyExportFile } from "../../app/records/export-verify.server";
import { now } from "../../app/utils/clock.server";
import { makeOrg, makeUser } from "../../scripts/lib/factories";
import { doc } from "../fixtures/world";
import { readZipEntries } from "../support/zip";

let db: Db;
beforeAll(async () => {
  db = await getDb();
});

async function seed() {
  const org = await makeOrg("Export Bank");
  const bobU = await makeUser(org.id, { name: "Bob Marchand" });
  const aliceU = await makeUser(org.id, { name: "Alice" });
  const officerU = await makeUser(org.id, { roles: ["compliance", "member"], name: "Olive Officer" });
  let bob = await loadViewer(db, bobU.id);
  let alice = await loadViewer(db, aliceU.id);
  const officer = await loadViewer(db, officerU.id);
  const space = await createSpace(bob, { name: "Rates desk", slug: `rates-${org.id.slice(0, 8)}`, visibility: "open", joinPolicy: "open" });
  await joinSpace(alice, space.id);
  bob = await loadViewer(db, bobU.id);
  alice = await loadViewer(db, aliceU.id);
  const post = await createContent(bob, { kind: "post", spaceId: space.id, ...doc("Bund auction call at 10:00 — très important") });
  await editContent(bob, post.id, doc("Bund auction call moved to 11:00 — très important"));
  const comment = await createContent(alice, { kind: "comment", parentId: post.id, ...doc("Who dials in?") });
  const reply = await createContent(bob, { kind: "comment", parentId: comment.id, ...doc("I will, from the desk.") });
  await setReaction(alice, post.id, "insightful", true);
  const gone = await createContent(bob, { kind: "post", spaceId: null, ...doc("Delete me later") });
  await deleteContent(bob, gone.id);
  return { org, bobU, aliceU, officer, bob, alice, space, post, comment, reply, gone };
}

describe("eDiscovery export", () => {
  it("runs as a job: manifest hashes match, every EML parses with the right headers, and the file verifies without the database", async () => {
    const w = await seed();
    const { id } = await requestExport(w.officer, { q: "", custodianIds: [w.bobU.id], includeDeleted: true }, db);
    expect((await listExports(w.officer, db))[0]).toMatchObject({ id, status: "queued" });
    await runExportJobs(db, now());
    const [job] = await listExports(w.officer, db);
    expect(job).toMatchObject({ id, status: "done" });
    expect(job.done).toBe(job.total);
    const file = await exportFile(w.officer, id, db);
    const entries = await readZipEntries(file.path);
    const manifest = JSON.parse(entries.get("manifest.json")!.toString("utf8"));

    // every file listed with its SHA-256, nothing else in the zip
    expect(new Set(entries.keys())).toEqual(new Set(["manifest.json", ...manifest.files.map((f: { name: string }) => f.name)]));
    for (const f of manifest.files) expect(createHash("sha256").update(entries.get(f.name)!).digest("hex")).toBe(f.sha256);
    expect(manifest).toMatchObject({ format: "atrium-ediscovery/1", exportId: id, exportedBy: { id: w.officer.id, name: "Olive Officer" } });
    expect(manifest.search).toMatchObject({ custodianIds: [w.bobU.id], includeDeleted: true });
    const [head] = await query<{ seq: string; hash: string }>(db, sql`select seq, hash from chain_heads where org_id = ${w.org.id} and chain = 'archive'`);
    expect(manifest.chainHead.seq).toBeLessThanOrEqual(Number(head.seq));

    // records.jsonl: bob's versions only (post v1, v2, his reply, the deleted post's two versions), each with its chain hash
    const lines = entries.get("records.jsonl")!.toString("utf8").trim().split("\n").map((l) => JSON.parse(l));
    const stored = await query<{ id: string; hash: string }>(
      db,
      sql`select id, hash from archive_records where org_id = ${w.org.id} and (actor_id = ${w.bobU.id} or data->>'authorId' = ${w.bobU.id}) order by seq`,
    );
    expect(lines.map((l) => [l.record.id, l.hash])).toEqual(stored.map((s) => [Number(s.id), s.hash]));
    expect(manifest.records.map((r: { hash: string }) => r.hash)).toEqual(stored.map((s) => s.hash));
    const postV2 = lines.find((l) => l.record.subjectId === w.post.id && l.record.version === 2);
    expect(postV2.reactions).toEqual([expect.objectContaining({ userId: w.alice.id, kind: "insightful" })]);
    expect(postV2.space).toEqual({ id: w.space.id, name: "Rates desk" });
    expect(postV2.actor.name).toBe("Bob Marchand");

    // one EML per message, parsed by a real mail parser
    const emls = [...entries.keys()].filter((n) => n.endsWith(".eml"));
    expect(emls.sort()).toEqual([w.post.id, w.reply.id, w.gone.id].map((i) => `messages/${i}.eml`).sort());
    const [bobEmail] = await query<{ email: string }>(db, sql`select email from users where id = ${w.bobU.id}`);
    const post = await simpleParser(entries.get(`messages/${w.post.id}.eml`)!);
    expect(post.from?.value[0]).toMatchObject({ name: "Bob Marchand", address: bobEmail.email });
    expect(post.subject).toBe("Bund auction call moved to 11:00 — très important");
    expect(post.text?.trim()).toBe("Bund auction call moved to 11:00 — très important");
    expect(post.date?.toISOString().slice(0, 16)).toBe(w.post.createdAt.toISOString().slice(0, 16));
    expect(post.messageId).toBe(`<${w.post.id}@${w.org.id}.atrium.invalid>`);
    expect(post.inReplyTo).toBeUndefined();
    const reply = await simpleParser(entries.get(`messages/${w.reply.id}.eml`)!);
    expect(reply.subject).toBe("Re: Bund auction call moved to 11:00 — très important");
    expect(reply.text?.trim()).toBe("I will, from the desk.");
    expect(reply.inReplyTo).toBe(`<${w.comment.id}@${w.org.id}.atrium.invalid>`);
    expect(reply.references).toEqual([`<${w.post.id}@${w.org.id}.atrium.invalid>`, `<${w.comment.id}@${w.org.id}.atrium.invalid>`]);
    const gone = await simpleParser(entries.get(`messages/${w.gone.id}.eml`)!);
    expect(gone.headers.get("x-atrium-deleted")).toBe("yes");
    expect(gone.text?.trim()).toBe("Delete me later");

    // verification from outside: OK, then one changed byte anywhere is caught
    expect(await verifyExportFile(file.path)).toMatchObject({ ok: true, records: stored.length, messages: 3 });
    const bytes = fs.readFileSync(file.path);
    const tmp = path.join(os.tmpdir(), `atrium-export-${id}-tampered.zip`);
    const offsets = [10, Math.floor(bytes.length / 3), Math.floor(bytes.length / 2), bytes.length - 30, bytes.indexOf(Buffer.from("Bund auction"))];
    for (const at of offsets) {
      const copy = Buffer.from(bytes);
      copy[at] = copy[at] ^ 0x01;
      fs.writeFileSync(tmp, copy);
      const r = await verifyExportFile(tmp);
      expect(r.ok, `byte ${at} changed`).toBe(false);
    }
    fs.rmSync(tmp, { force: true });

    // the export was audited: requested, done, downloaded
    const audits = await query<{ action: string }>(db, sql`select action from audit_log where org_id = ${w.org.id} and target_id = ${id} order by seq`);
    expect(audits.map((a) => a.action)).toEqual(["records.export.request", "records.export.done", "records.export.download"]);
    // not for alice
    await expect(exportFile(w.alice, id, db)).rejects.toMatchObject({ status: 404 });
    await expect(requestExport(w.alice, { q: "" }, db)).rejects.toMatchObject({ status: 404 });
  });
});
