import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { sql } from "drizzle-orm";
import yazl from "yazl";
import { storedAtText } from "~/compliance/chain.server";
import { runCommand } from "~/compliance/command.server";
import { requireComplianceViewer } from "~/compliance/review.server";
import { expiredMarker } from "~/compliance/verify.server";
import { getDb, query, type Db } from "~/db/client.server";
import { env, exportDir } from "~/env.server";
import type { Viewer } from "~/policy/policy";
import { now } from "~/utils/clock.server";
import { newId } from "~/utils/ids";
import { notFound } from "~/utils/http.server";
import { buildEml, type EmlInput } from "./eml.server";
import type { StoredVersionRow } from "./retention.server";
import { searchRecord, searchWhere, type ArchiveSearch } from "./search.server";
import { addBuffer, addStreamed } from "./zip-layout.server";

// eDiscovery export: a job row (record_exports) any instance claims under a lease; the worker
// streams a zip (yazl) of records.jsonl (every matching version with its chain hashes), one .eml
// per message, and manifest.json (SHA-256 of every file, the search, who, when, the chain head).
// `npm run archive:verify -- --export file.zip` checks it without the database (export-verify.server.ts).

export const EXPORT_FORMAT = "atrium-ediscovery/1";
const LEASE_MS = 5 * 60_000;
const PAGE = 2000;
const INSTANCE = `${os.hostname()}:${process.pid}:${newId().slice(0, 8)}`;

type StoredSearch = ReturnType<typeof searchRecord>;

/** Queues an export of an archive search (audited); the job runs in the background. */
export async function requestExport(viewer: Viewer, s: ArchiveSearch, db?: Db) {
  const d = db ?? (await getDb());
  const orgId = requireComplianceViewer(viewer);
  const id = newId();
  const search = searchRecord(s);
  await runCommand(d, async ({ tx, audit }) => {
    await tx.execute(
      sql`insert into record_exports (id, org_id, requested_by, search, created_at) values (${id}, ${orgId}, ${viewer.id}, ${JSON.stringify(search)}::jsonb, ${now().toISOString()}::timestamptz)`,
    );
    await audit({ orgId, actorId: viewer.id, action: "records.export.request", targetKind: "record_export", targetId: id, data: search });
  });
  return { id };
}

export type ExportRow = {
  id: string;
  custodians: string[];
  status: string;
  total: number;
  done: number;
  search: StoredSearch;
  requestedBy: string;
  createdAt: string;
  finishedAt: string | null;
  expiresAt: string | null;
  sha256: string | null;
  bytes: number | null;
  error: string | null;
};

/** The org's exports, newest first (the page polls it for progress). */
export async function listExports(viewer: Viewer, db?: Db): Promise<ExportRow[]> {
  const d = db ?? (await getDb());
  const orgId = requireComplianceViewer(viewer);
  const rows = await query<Record<string, unknown>>(
    d,
    sql`select e.*, coalesce(u.name, e.requested_by) as requester from record_exports e left join users u on u.id = e.requested_by
        where e.org_id = ${orgId} order by e.created_at desc limit 50`,
  );
  const iso = (v: unknown) => (v == null ? null : new Date(v as string).toISOString());
  const searchOf = (r: Record<string, unknown>) => (typeof r.search === "string" ? JSON.parse(r.search) : r.search) as StoredSearch;
  const ids = [...new Set(rows.flatMap((r) => searchOf(r).custodianIds ?? []))];
  const names = new Map(
    ids.length ? (await query<{ id: string; name: string }>(d, sql`select id, name from users where id in (${sql.join(ids.map((i) => sql`${i}`), sql`, `)})`)).map((u) => [u.id, u.name]) : [],
  );
  return rows.map((r) => ({
    custodians: (searchOf(r).custodianIds ?? []).map((i) => names.get(i) ?? i),
    id: String(r.id),
    status: String(r.status),
    total: Number(r.total),
    done: Number(r.done),
    search: (typeof r.search === "string" ? JSON.parse(r.search) : r.search) as StoredSearch,
    requestedBy: String(r.requester),
    createdAt: iso(r.created_at)!,
    finishedAt: iso(r.finished_at),
    expiresAt: iso(r.expires_at),
    sha256: (r.sha256 as string | null) ?? null,
    bytes: r.bytes == null ? null : Number(r.bytes),
    error: (r.error as string | null) ?? null,
  }));
}

/** The finished file of one export, for download (audited); 404 when absent, another org's, or past its keep time. */
export async function exportFile(viewer: Viewer, id: string, db?: Db) {
  const d = db ?? (await getDb());
  const orgId = requireComplianceViewer(viewer);
  const [row] = await query<{ status: string; file_name: string | null; expires_at: string | null; sha256: string | null }>(
    d,
    sql`select status, file_name, expires_at, sha256 from record_exports where id = ${id} and org_id = ${orgId}`,
  );
  if (!row || row.status !== "done" || !row.file_name || (row.expires_at && new Date(row.expires_at) <= now())) notFound();
  const file = path.join(exportDir(), row.file_name);
  if (!fs.existsSync(file)) notFound();
  await runCommand(d, ({ audit }) => audit({ orgId, actorId: viewer.id, action: "records.export.download", targetKind: "record_export", targetId: id, data: { sha256: row.sha256 } }));
  return { path: file, name: `atrium-export-${id}.zip`, size: fs.statSync(file).size };
}

/** The periodic job: takes queued (or abandoned) exports one at a time, and removes files past their keep time. */
export async function runExportJobs(db: Db, at: Date) {
  await removeExpired(db, at);
  for (;;) {
    const [job] = await query<{ id: string; org_id: string; requested_by: string; search: unknown; created_at: string }>(
      db,
      sql`update record_exports set status = 'running', claimed_by = ${INSTANCE}, claimed_until = ${new Date(at.getTime() + LEASE_MS).toISOString()}::timestamptz
          where id = (select id from record_exports where status = 'queued' or (status = 'running' and claimed_until < ${at.toISOString()}::timestamptz)
                      order by created_at limit 1 for update skip locked)
          returning id, org_id, requested_by, search, created_at`,
    );
    if (!job) return;
    try {
      await buildExport(db, job.id);
    } catch (e) {
      await db.execute(sql`update record_exports set status = 'failed', error = ${String((e as Error).message ?? e).slice(0, 500)}, finished_at = ${now().toISOString()}::timestamptz where id = ${job.id} and claimed_by = ${INSTANCE}`);
    }
  }
}

async function removeExpired(db: Db, at: Date) {
  const gone = await query<{ file_name: string | null }>(
    db,
    sql`update record_exports set status = 'expired' where status = 'done' and expires_at <= ${at.toISOString()}::timestamptz returning file_name`,
  );
  for (const g of gone) if (g.file_name) fs.rmSync(path.join(exportDir(), g.file_name), { force: true });
}

type VersionRow = StoredVersionRow & {
  space_id: string | null;
  space: string | null;
  parent_id: string | null;
  root_id: string | null;
  deleted: boolean;
};

const sha = () => createHash("sha256");

/** Builds one export's zip. Exported for tests and the benchmark (the job calls it after claiming). */
export async function buildExport(db: Db, exportId: string) {
  const [job] = await query<{ id: string; org_id: string; requested_by: string; search: unknown }>(db, sql`select id, org_id, requested_by, search from record_exports where id = ${exportId}`);
  const orgId = job.org_id;
  const stored = (typeof job.search === "string" ? JSON.parse(job.search) : job.search) as StoredSearch;
  const s: ArchiveSearch = {
    q: stored.q,
    custodianIds: stored.custodianIds,
    spaceId: stored.spaceId,
    from: stored.from ? new Date(stored.from) : null,
    to: stored.to ? new Date(stored.to) : null,
    kinds: stored.kinds,
    includeDeleted: stored.includeDeleted,
  };
  const where = searchWhere(orgId, s);
  const [{ n }] = await query<{ n: string }>(db, sql`select count(*) as n from archive_records r left join content c on c.id = r.subject_id where ${where}`);
  const total = Number(n);
  await db.execute(sql`update record_exports set total = ${total} where id = ${exportId}`);
  // the head the export is read against (versions appended later are outside it)
  const [head] = await query<{ seq: string; hash: string }>(db, sql`select seq, hash from chain_heads where org_id = ${orgId} and chain = 'archive'`);
  const headSeq = Number(head?.seq ?? 0);

  const dir = exportDir();
  fs.mkdirSync(dir, { recursive: true });
  const fileName = `${exportId}.zip`;
  const tmpJsonl = path.join(dir, `${exportId}.records.jsonl.tmp`);
  const jsonl = fs.createWriteStream(tmpJsonl);
  const jsonlHash = sha();
  let jsonlBytes = 0;
  const writeLine = (line: string) =>
    new Promise<void>((resolve) => {
      const buf = Buffer.from(`${line}\n`, "utf8");
      jsonlHash.update(buf);
      jsonlBytes += buf.length;
      if (jsonl.write(buf)) resolve();
      else jsonl.once("drain", () => resolve());
    });

  const users = new Map<string, { name: string; email: string }>();
  const loadUsers = async (ids: string[]) => {
    const missing = [...new Set(ids)].filter((i) => !users.has(i));
    if (!missing.length) return;
    const rows = await query<{ id: string; name: string; email: string }>(db, sql`select id, name, email from users where id in (${sql.join(missing.map((m) => sql`${m}`), sql`, `)})`);
    for (const r of rows) users.set(r.id, { name: r.name, email: r.email });
    for (const m of missing) if (!users.has(m)) users.set(m, { name: m, email: `${m.replace(/[^A-Za-z0-9._-]/g, "_")}@atrium.invalid` });
  };

  // per message: the last exported version with text (older versions are in records.jsonl)
  const messages = new Map<string, EmlInput & { seq: number }>();
  const records: Array<{ id: number; seq: number; hash: string }> = [];
  let after = 0;
  let done = 0;
  for (;;) {
    const rows = await query<VersionRow>(
      db,
      sql`select r.id, r.seq, r.subject_kind, r.subject_id, r.version, r.action, r.actor_id, ${sql.raw(storedAtText("r.at"))} as at_text, r.data, r.prev_hash, r.hash,
            coalesce(r.data->>'spaceId', c.space_id) as space_id, s.name as space, c.parent_id, c.root_id, (c.deleted_at is not null or r.action = 'delete') as deleted
          from archive_records r left join content c on c.id = r.subject_id left join spaces s on s.id = coalesce(r.data->>'spaceId', c.space_id)
          where ${where} and r.seq > ${after} and r.seq <= ${headSeq} order by r.seq limit ${PAGE}`,
    );
    if (!rows.length) break;
    const contentIds = rows.filter((r) => isMessage(r.subject_kind)).map((r) => r.subject_id);
    const reactions = contentIds.length
      ? await query<{ content_id: string; user_id: string; kind: string; created_at: string }>(
          db,
          sql`select content_id, user_id, kind, created_at from reactions where content_id in (${sql.join([...new Set(contentIds)].map((i) => sql`${i}`), sql`, `)})`,
        )
      : [];
    const byContent = new Map<string, Array<{ userId: string; kind: string; at: string }>>();
    for (const r of reactions) byContent.set(r.content_id, [...(byContent.get(r.content_id) ?? []), { userId: r.user_id, kind: r.kind, at: new Date(r.created_at).toISOString() }]);
    const parsed = rows.map((r) => ({ ...r, data: (typeof r.data === "string" ? JSON.parse(r.data) : r.data) as Record<string, unknown> }));
    await loadUsers(parsed.flatMap((r) => [r.actor_id, typeof r.data.authorId === "string" ? r.data.authorId : r.actor_id]));
    for (const r of parsed) {
      const authorId = typeof r.data.authorId === "string" ? r.data.authorId : r.actor_id;
      const actor = users.get(r.actor_id)!;
      // the record exactly as chained (what the hash covers) plus who, where and what around it
      await writeLine(
        JSON.stringify({
          record: { id: Number(r.id), orgId, seq: Number(r.seq), subjectKind: r.subject_kind, subjectId: r.subject_id, version: Number(r.version), action: r.action, actorId: r.actor_id, at: r.at_text, data: r.data },
          prevHash: r.prev_hash,
          hash: r.hash,
          expired: expiredMarker(r.data) !== null,
          actor: { id: r.actor_id, name: actor.name, email: actor.email },
          space: r.space_id ? { id: r.space_id, name: r.space } : null,
          reactions: isMessage(r.subject_kind) ? (byContent.get(r.subject_id) ?? []) : [],
          attachments: [],
        }),
      );
      records.push({ id: Number(r.id), seq: Number(r.seq), hash: r.hash });
      if (isMessage(r.subject_kind) && typeof r.data.text === "string") {
        const ancestors = r.root_id ? (r.parent_id && r.parent_id !== r.root_id ? [r.root_id, r.parent_id] : [r.root_id]) : [];
        messages.set(r.subject_id, {
          seq: Number(r.seq),
          subjectId: r.subject_id,
          orgId,
          kind: r.subject_kind,
          version: Number(r.version),
          hash: r.hash,
          from: users.get(authorId)!,
          date: new Date(typeof r.data.createdAt === "string" ? r.data.createdAt : r.at_text),
          title: typeof r.data.title === "string" ? r.data.title : "",
          text: r.data.text,
          space: r.space,
          deleted: r.deleted,
          ancestors,
          rootTitle: null,
        });
      }
    }
    done += rows.length;
    after = Number(rows[rows.length - 1].seq);
    await db.execute(sql`update record_exports set done = ${done}, claimed_until = ${new Date(now().getTime() + LEASE_MS).toISOString()}::timestamptz where id = ${exportId}`);
  }
  await new Promise<void>((resolve, reject) => jsonl.end((e?: Error | null) => (e ? reject(e) : resolve())));

  // replies are titled after their thread's root: its latest text in the archive
  const roots = [...new Set([...messages.values()].map((m) => m.ancestors[0]).filter(Boolean))];
  const rootTitles = new Map<string, string>();
  for (let i = 0; i < roots.length; i += 1000) {
    const part = roots.slice(i, i + 1000);
    const rows = await query<{ subject_id: string; title: string | null; text: string | null }>(
      db,
      sql`select distinct on (subject_id) subject_id, data->>'title' as title, data->>'text' as text from archive_records
          where org_id = ${orgId} and subject_id in (${sql.join(part.map((p) => sql`${p}`), sql`, `)}) and data ? 'text' order by subject_id, version desc`,
    );
    for (const r of rows) rootTitles.set(r.subject_id, (r.title || r.text || "").replace(/\s+/g, " ").trim().slice(0, 78));
  }

  const zip = new yazl.ZipFile();
  const files: Array<{ name: string; sha256: string; bytes: number }> = [];
  addStreamed(zip, "records.jsonl", { file: tmpJsonl }, jsonlBytes);
  files.push({ name: "records.jsonl", sha256: jsonlHash.digest("hex"), bytes: jsonlBytes });
  for (const m of [...messages.values()].sort((a, b) => a.seq - b.seq)) {
    const eml = Buffer.from(buildEml({ ...m, rootTitle: m.ancestors.length ? (rootTitles.get(m.ancestors[0]) ?? null) : null }), "utf8");
    const name = `messages/${m.subjectId}.eml`;
    addBuffer(zip, name, eml);
    files.push({ name, sha256: sha().update(eml).digest("hex"), bytes: eml.length });
  }
  const [exporter] = await query<{ id: string; name: string; email: string }>(db, sql`select id, name, email from users where id = ${job.requested_by}`);
  const manifest = {
    format: EXPORT_FORMAT,
    exportId,
    orgId,
    search: stored,
    exportedBy: exporter ?? { id: job.requested_by },
    exportedAt: now().toISOString(),
    chainHead: { seq: headSeq, hash: head?.hash ?? null },
    algorithm:
      "record hash = sha256(prevHash + '\\n' + canonical_json(record)); canonical_json = JSON with keys sorted at every depth; record.at is UTC with microseconds. An expired record's data is {$expired: {by, sha256}} and its hash is vouched for by the expire record `by`.",
    counts: { records: records.length, messages: messages.size },
    files,
    records,
  };
  addBuffer(zip, "manifest.json", Buffer.from(JSON.stringify(manifest, null, 2), "utf8"));
  zip.end();
  const tmpZip = path.join(dir, `${fileName}.tmp`);
  const zipHash = sha();
  let zipBytes = 0;
  zip.outputStream.on("data", (c: Buffer) => {
    zipHash.update(c);
    zipBytes += c.length;
  });
  await pipeline(zip.outputStream, fs.createWriteStream(tmpZip));
  fs.renameSync(tmpZip, path.join(dir, fileName));
  fs.rmSync(tmpJsonl, { force: true });
  const finished = now();
  await runCommand(db, async ({ tx, audit }) => {
    await tx.execute(
      sql`update record_exports set status = 'done', file_name = ${fileName}, sha256 = ${zipHash.digest("hex")}, bytes = ${zipBytes}, done = ${done},
            finished_at = ${finished.toISOString()}::timestamptz, expires_at = ${new Date(finished.getTime() + env().EXPORT_KEEP_HOURS * 3_600_000).toISOString()}::timestamptz
          where id = ${exportId}`,
    );
    await audit({ orgId, actorId: job.requested_by, action: "records.export.done", targetKind: "record_export", targetId: exportId, data: { records: records.length, messages: messages.size, chainHead: manifest.chainHead } });
  });
  return { path: path.join(dir, fileName), records: records.length, messages: messages.size };
}

const isMessage = (kind: string) => kind === "post" || kind === "comment" || kind === "question" || kind === "answer";
