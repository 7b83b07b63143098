import { sql } from "drizzle-orm";
import { authorizeOrg } from "~/policy/authorize.server";
import { runCommand } from "./command.server";
import { getDb, query, type Db } from "~/db/client.server";
import { can, type Viewer } from "~/policy/policy";
import { loadContentFacts } from "~/policy/facts.server";
import { notFound } from "~/utils/http.server";
import { archiveRecord } from "./archive.server";
import { storedAt } from "./chain.server";
import { checkpointKey } from "./checkpoints.server";
import { intactRowIds, verifyArchive, type VerifyResult } from "./verify.server";
import { cleanQuery } from "~/utils/text";

// Compliance officers read everything in their org, deleted content included,
// but only through these functions, and each call is written to the audit chain
// in the same transaction as the read.

/** The compliance tools do not exist for anyone else: 404, never 403. Returns the org they review. */
export function requireComplianceViewer(viewer: Viewer): string {
  return authorizeOrg(viewer, "compliance").orgId;
}

async function requireCompliance(viewer: Viewer) {
  return requireComplianceViewer(viewer);
}

export type ReviewHit = { id: string; kind: string; author: string; authorDepartment: string; space: string | null; text: string; createdAt: string; deleted: boolean; version: number };

/** The console shows at most this many items (newest first) and says so when it is reached. */
export const REVIEW_LIMIT = 200;

/** A console row: the item's facts and a 240-character excerpt (not the whole text) for the page. */
export function reviewRows(hits: ReviewHit[]) {
  return hits.map((h) => ({
    id: h.id,
    kind: h.kind,
    author: h.author,
    authorDepartment: h.authorDepartment,
    space: h.space,
    deleted: h.deleted,
    versions: Number(h.version),
    at: new Date(h.createdAt).toISOString(),
    excerpt: h.text.length > 240 ? `${h.text.slice(0, 240).trimEnd()}…` : h.text,
  }));
}

/** Full-text search over every item of the org, deleted ones included (audited). */
export async function reviewSearch(
  viewer: Viewer,
  p: { q: string; author?: string | null; from?: Date | null; to?: Date | null; includeDeleted?: boolean },
  db?: Db,
): Promise<ReviewHit[]> {
  const d = db ?? (await getDb());
  const orgId = await requireCompliance(viewer);
  const q = cleanQuery(p.q);
  return runCommand(d, async ({ tx, audit }) => {
    await audit({
      orgId,
      actorId: viewer.id,
      action: "compliance.search",
      targetKind: "org",
      targetId: orgId,
      data: { q, author: p.author ?? null, from: p.from?.toISOString() ?? null, to: p.to?.toISOString() ?? null, includeDeleted: p.includeDeleted !== false },
    });
    return query<ReviewHit>(
      tx,
      sql`select c.id, c.kind, au.name as author, au.department as "authorDepartment", s.name as space, c.body_text as text,
            c.created_at as "createdAt", (c.deleted_at is not null) as deleted, c.version
          from content c join users au on au.id = c.author_id left join spaces s on s.id = c.space_id
          where c.org_id = ${orgId}
            ${q ? sql`and to_tsvector('simple', c.title || ' ' || c.body_text) @@ websearch_to_tsquery('simple', ${q})` : sql``}
            ${p.author ? sql`and (lower(au.email) = ${p.author.toLowerCase()} or au.id = ${p.author})` : sql``}
            ${p.from ? sql`and c.created_at >= ${p.from.toISOString()}::timestamptz` : sql``}
            ${p.to ? sql`and c.created_at < ${p.to.toISOString()}::timestamptz` : sql``}
            ${p.includeDeleted === false ? sql`and c.deleted_at is null` : sql``}
          order by c.created_at desc limit ${REVIEW_LIMIT}`,
    );
  });
}

export type ReviewVersion = {
  id: number;
  seq: number;
  version: number;
  action: string;
  actor: string;
  at: string;
  data: Record<string, unknown>;
  hash: string;
  prevHash: string;
  /** The exact record the hash covers, so an outsider can recompute it. */
  record: ReturnType<typeof archiveRecord>;
  /** False when this row does not stand in the chain (forged, altered or out of range): flagged, never passed off as a version. */
  intact: boolean;
};

/** Every archived version of one item with who, when and the chain hashes (audited). */
export async function reviewItem(viewer: Viewer, id: string, opts: { export?: boolean } = {}, db?: Db) {
  const d = db ?? (await getDb());
  const orgId = await requireCompliance(viewer);
  const facts = (await loadContentFacts(d, [id])).get(id);
  if (!facts || facts.orgId !== orgId || !can(viewer, "review", facts)) notFound();
  return runCommand(d, async ({ tx, audit }) => {
    await audit({ orgId, actorId: viewer.id, action: opts.export ? "compliance.export" : "compliance.view", targetKind: "content", targetId: id, data: {} });
    const rows = await query<Record<string, unknown> & { id: string | number; seq: string | number; version: number; action: string; actor: string; at_text: string; data: unknown; hash: string; prev_hash: string }>(
      tx,
      sql`select r.id, r.org_id, r.seq, r.subject_kind, r.subject_id, r.version, r.action, r.actor_id, coalesce(u.name, r.actor_id) as actor,
            ${storedAt("r.at")} as at_text, r.data, r.hash, r.prev_hash
          from archive_records r left join users u on u.id = r.actor_id
          where r.org_id = ${orgId} and (r.subject_id = ${id} or r.subject_id like ${id + ":%"}) order by r.seq, r.id`,
    );
    const intact = await intactRowIds(tx, "archive", orgId, rows.map((r) => Number(r.id)));
    const versions: ReviewVersion[] = rows.map((r) => {
      const data = (typeof r.data === "string" ? JSON.parse(r.data) : r.data) as Record<string, unknown>;
      const record = archiveRecord({
        id: Number(r.id),
        orgId: String(r.org_id),
        seq: Number(r.seq),
        subjectKind: String(r.subject_kind),
        subjectId: String(r.subject_id),
        version: Number(r.version),
        action: r.action as never,
        actorId: String(r.actor_id),
        at: r.at_text,
        data,
      });
      return { id: Number(r.id), seq: Number(r.seq), version: Number(r.version), action: r.action, actor: r.actor, at: r.at_text, data, hash: r.hash, prevHash: r.prev_hash, record, intact: intact.has(Number(r.id)) };
    });
    const comments = await query<{ id: string }>(tx, sql`select id from content where parent_id = ${id} order by created_at`);
    return { id, kind: facts.contentKind, deleted: facts.deleted, versions, commentIds: comments.map((c) => c.id) };
  });
}

/** A self-contained export: the versions plus the chain head, so an outsider can check the hashes. */
export async function exportItem(viewer: Viewer, id: string, db?: Db) {
  const d = db ?? (await getDb());
  const item = await reviewItem(viewer, id, { export: true }, d);
  const [head] = await query<{ seq: number; hash: string }>(d, sql`select seq, hash from chain_heads where org_id = ${viewer.orgId} and chain = 'archive'`);
  return {
    exportedAt: new Date().toISOString(),
    exportedBy: viewer.id,
    item,
    chainHead: head ?? null,
    algorithm: "hash = sha256(prevHash + '\\n' + canonical_json(record)), canonical_json = JSON with keys sorted at every depth; record.at is UTC with microseconds",
  };
}

export async function auditTrail(viewer: Viewer, limit = 200, db?: Db) {
  const d = db ?? (await getDb());
  const orgId = await requireCompliance(viewer);
  return runCommand(d, async ({ tx, audit }) => {
    await audit({ orgId, actorId: viewer.id, action: "compliance.audit.view", targetKind: "org", targetId: orgId, data: {} });
    return query<{ seq: number; action: string; actor: string | null; target_kind: string; target_id: string; data: unknown; at: string }>(
      tx,
      sql`select a.seq, a.action, u.name as actor, a.target_kind, a.target_id, a.data, a.at
          from audit_log a left join users u on u.id = a.actor_id where a.org_id = ${orgId} order by a.seq desc limit ${limit}`,
    );
  });
}

/** Archive verification from the running app (the embedded database admits one process). */
export async function verifyFromApp(viewer: Viewer, db?: Db): Promise<VerifyResult> {
  const d = db ?? (await getDb());
  const orgId = await requireCompliance(viewer);
  const result = await verifyArchive(d, { orgId });
  await runCommand(d, ({ audit }) => audit({ orgId, actorId: viewer.id, action: "archive.verify", targetKind: "org", targetId: orgId, data: { ok: result.ok, checked: result.checked } }));
  return result;
}


/** The public half of the checkpoint signing key, for examiners to check exported checkpoints with. */
export function checkpointPublicKey(viewer: Viewer) {
  requireComplianceViewer(viewer);
  const k = checkpointKey();
  return { keyId: k.keyId, pem: k.publicKeyPem };
}
