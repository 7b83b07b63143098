// npm run bench:export [-- --items N] [--seeded [--org ID]] — an eDiscovery export of N archived items (default 10,000).
// Needs PostgreSQL: BENCH_DATABASE_URL (a database it may fill; default: DATABASE_URL).
// Without --seeded: appends N posts' versions to a fresh org's archive chain with real hashes
// (multi-row inserts, no commands: the export reads only the archive). With --seeded: the newest N
// versions of the org `npm run seed:scale` made (scripts/lib/seeded-org.ts), requested by its
// compliance officer. Then times buildExport (records.jsonl, one .eml per message, manifest, zip)
// and the outside check verifyExportFile. Target: 10,000 items ≤ 60 s.
import fs from "node:fs";
import os from "node:os";
import { sql } from "drizzle-orm";
import { archiveRecord } from "../app/compliance/archive.server";
import { chainHash, GENESIS } from "../app/compliance/chain.server";
import { openDatabase, query } from "../app/db/client.server";
import { buildExport } from "../app/records/export.server";
import { verifyExportFile } from "../app/records/export-verify.server";
import { argValue } from "../scripts/cli";
import { verdict } from "../scripts/lib/bench";

const url = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
if (!url) {
  console.error("Set BENCH_DATABASE_URL (or DATABASE_URL) to a PostgreSQL database the benchmark may fill.");
  process.exit(2);
}
const ITEMS = Number(argValue("--items") ?? process.env.BENCH_ITEMS ?? 10_000);
process.env.DATABASE_URL = url;
const h = await openDatabase({ kind: "postgres", url });
const db = h.db;
const load = () => os.loadavg().map((l) => l.toFixed(1)).join(" ");
console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, load ${load()}; Node ${process.version}`);

async function syntheticOrg(): Promise<{ org: string; requester: string; from: Date | null }> {
  const org = `exportbench-${Date.now().toString(36)}`;
  await db.execute(sql`insert into orgs (id, name) values (${org}, 'Export bench')`);
  const users = Array.from({ length: 50 }, (_, k) => ({ id: `${org}-u${k}`, email: `u${k}@${org}.test`, name: `Custodian ${k} Élodie` }));
  for (const u of users) await db.execute(sql`insert into users (id, org_id, email, name) values (${u.id}, ${org}, ${u.email}, ${u.name})`);

  const t = performance.now();
  let prev = GENESIS;
  let seq = 0;
  const base = Date.now() - ITEMS * 60_000;
  const rows: Array<Record<string, unknown>> = [];
  const flush = async () => {
    if (!rows.length) return;
    await db.execute(sql`insert into archive_records (id, org_id, seq, subject_kind, subject_id, version, action, actor_id, at, data, prev_hash, hash) values ${sql.join(
      rows.map((r) => sql`(nextval(pg_get_serial_sequence('archive_records', 'id')), ${org}, ${r.seq}, 'post', ${r.subjectId}, 1, 'create', ${r.actorId}, ${r.at}::timestamptz, ${JSON.stringify(r.data)}::jsonb, ${r.prev}, ${r.hash})`),
      sql`, `,
    )}`);
    rows.length = 0;
  };
  // ids are taken from the sequence at insert time, so hashes are computed after reading them back
  for (let k = 0; k < ITEMS; k++) {
    const u = users[k % users.length];
    const at = new Date(base + k * 60_000);
    rows.push({ seq: ++seq, subjectId: `${org}-p${k}`, actorId: u.id, at: at.toISOString(), data: { kind: "post", authorId: u.id, spaceId: null, title: "", text: `Message ${k}: rates call at ${k % 24}:00, desk notes — confidentiel ${"lorem ipsum ".repeat(20)}`, deleted: false, createdAt: at.toISOString() }, prev: GENESIS, hash: GENESIS });
    if (rows.length === 1000) await flush();
  }
  await flush();
  // chain them for real: recompute each hash from the stored row (the append-only trigger allows this only on the purge path)
  await db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('atrium.retention_purge', 'on', true)`);
    const stored = await query<{ id: string; seq: string; data: Record<string, unknown>; actor_id: string; subject_id: string; at_text: string }>(
      tx,
      sql`select id, seq, data, actor_id, subject_id, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at_text from archive_records where org_id = ${org} order by seq`,
    );
    const updates: Array<{ id: number; prev: string; hash: string }> = [];
    for (const r of stored) {
      const hash = chainHash(prev, archiveRecord({ id: Number(r.id), orgId: org, seq: Number(r.seq), subjectKind: "post", subjectId: r.subject_id, version: 1, action: "create", actorId: r.actor_id, at: r.at_text, data: r.data }));
      updates.push({ id: Number(r.id), prev, hash });
      prev = hash;
    }
    for (let k = 0; k < updates.length; k += 1000) {
      const part = updates.slice(k, k + 1000);
      await tx.execute(sql`update archive_records r set prev_hash = v.p, hash = v.h from (values ${sql.join(part.map((u) => sql`(${u.id}::bigint, ${u.prev}, ${u.hash})`), sql`, `)}) v(id, p, h) where r.id = v.id`);
    }
    await tx.execute(sql`insert into chain_heads (org_id, chain, seq, hash) values (${org}, 'archive', ${ITEMS}, ${prev})`);
  });
  console.log(`loaded ${ITEMS.toLocaleString()} archived messages in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  return { org, requester: users[0].id, from: null };
}

async function seededOrg(): Promise<{ org: string; requester: string; from: Date | null }> {
  const { loadSeededOrg, newestArchiveWindow } = await import("../scripts/lib/seeded-org");
  const o = await loadSeededOrg(db, argValue("--org"));
  const w = await newestArchiveWindow(db, o.orgId, ITEMS);
  console.log(`seeded organisation ${o.name}: the newest ${w.available.toLocaleString("en")} archive versions${w.available < ITEMS ? ` (all it has; ${ITEMS.toLocaleString("en")} asked)` : ""}, requested by ${o.people.compliance.email}`);
  return { org: o.orgId, requester: o.people.compliance.id, from: w.from };
}

const { org, requester, from } = process.argv.includes("--seeded") ? await seededOrg() : await syntheticOrg();

const exportId = `bench-${org}-${Date.now().toString(36)}`;
await db.execute(sql`insert into record_exports (id, org_id, requested_by, search, created_at) values (${exportId}, ${org}, ${requester}, ${JSON.stringify({ q: "", custodianIds: [], spaceId: null, from: from?.toISOString() ?? null, to: null, kinds: [], includeDeleted: true })}::jsonb, now())`);
let t = performance.now();
const out = await buildExport(db, exportId);
const buildS = (performance.now() - t) / 1000;
const size = fs.statSync(out.path).size;
console.log(`export: ${out.records.toLocaleString()} records, ${out.messages.toLocaleString()} messages, ${(size / 2 ** 20).toFixed(1)} MiB in ${buildS.toFixed(1)} s  (${verdict(buildS, { what: `${out.records.toLocaleString("en")} items in`, limit: 60, unit: "s" })}; load ${load()})`);
t = performance.now();
const check = await verifyExportFile(out.path);
console.log(`verify --export: ${check.ok ? "OK" : `BROKEN ${(check as { problem: string }).problem}`} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
fs.rmSync(out.path, { force: true });
await db.execute(sql`delete from record_exports where id = ${exportId}`);
await h.close();
process.exit(check.ok ? 0 : 1);
