import { sql } from "drizzle-orm";
import { canonicalJson, sha256Hex, storedAtText } from "~/compliance/chain.server";
import { runCommand, withRetentionPurge } from "~/compliance/command.server";
import { requireComplianceViewer } from "~/compliance/review.server";
import { EXPIRED_KEY, type ExpiredEntry } from "~/compliance/verify.server";
import { getDb, query, type Db, type DbOrTx } from "~/db/client.server";
import type { Viewer } from "~/policy/policy";
import { now } from "~/utils/clock.server";
import { newId } from "~/utils/ids";
import { RecordsInputError } from "./errors.server";
import { isHeld } from "./holds.server";

// Retention: per space, with an org default for everything else; none may be shorter than the
// legal minimum the org configures. The job removes the *content* of versions past retention
// (superseded versions, and every version of a deleted item; the current version of a live item
// is the record in use and stays), never under an active legal hold, and appends an `expire`
// record that vouches for each removed version so the chain still verifies.

/** FINRA 4511: six years (2,192 days covers any six calendar years). */
export const DEFAULT_RETENTION_DAYS = 2192;
export const BATCH = 500;
/** The actor of the job's archive records. */
export const RETENTION_ACTOR = "system:retention";

export async function retentionSettings(tx: DbOrTx, orgId: string) {
  const [s] = await query<{ min_retention_days: number }>(tx, sql`select min_retention_days from records_settings where org_id = ${orgId}`);
  const policies = await query<{ space_id: string; days: number; name: string | null }>(
    tx,
    sql`select p.space_id, p.days, s.name from retention_policies p left join spaces s on s.id = p.space_id where p.org_id = ${orgId} order by s.name nulls first`,
  );
  const minDays = s ? Number(s.min_retention_days) : DEFAULT_RETENTION_DAYS;
  const def = policies.find((p) => p.space_id === "");
  return {
    minDays,
    defaultDays: def ? Number(def.days) : DEFAULT_RETENTION_DAYS,
    spaces: policies.filter((p) => p.space_id !== "").map((p) => ({ spaceId: p.space_id, name: p.name ?? p.space_id, days: Number(p.days) })),
  };
}

/** The retention settings page's data (audited read). */
export async function getRetention(viewer: Viewer, db?: Db) {
  const d = db ?? (await getDb());
  const orgId = requireComplianceViewer(viewer);
  return retentionSettings(d, orgId);
}

/** Sets the retention of one space (or the org default when spaceId is null); refuses less than the org's minimum. */
export async function setRetention(viewer: Viewer, input: { spaceId: string | null; days: number }, db?: Db) {
  const d = db ?? (await getDb());
  const orgId = requireComplianceViewer(viewer);
  return runCommand(d, async ({ tx, audit }) => {
    const { minDays } = await retentionSettings(tx, orgId);
    if (input.days < minDays) throw new RecordsInputError("retentionBelowMinimum", 400, "days", { min: minDays });
    if (input.spaceId) {
      const [s] = await query<{ id: string }>(tx, sql`select id from spaces where id = ${input.spaceId} and org_id = ${orgId}`);
      if (!s) throw new RecordsInputError("unknownSpace", 400, "spaceId");
    }
    const at = now().toISOString();
    await tx.execute(
      sql`insert into retention_policies (org_id, space_id, days, updated_by, updated_at) values (${orgId}, ${input.spaceId ?? ""}, ${input.days}, ${viewer.id}, ${at}::timestamptz)
          on conflict (org_id, space_id) do update set days = excluded.days, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
    );
    await audit({ orgId, actorId: viewer.id, action: "records.retention.set", targetKind: input.spaceId ? "space" : "org", targetId: input.spaceId ?? orgId, data: { days: input.days } });
  });
}

/** Sets the org's legal minimum (existing longer policies stay; shorter ones are applied at the minimum). */
export async function setMinimumRetention(viewer: Viewer, days: number, db?: Db) {
  const d = db ?? (await getDb());
  const orgId = requireComplianceViewer(viewer);
  return runCommand(d, async ({ tx, audit }) => {
    const at = now().toISOString();
    await tx.execute(
      sql`insert into records_settings (org_id, min_retention_days, updated_by, updated_at) values (${orgId}, ${days}, ${viewer.id}, ${at}::timestamptz)
          on conflict (org_id) do update set min_retention_days = excluded.min_retention_days, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
    );
    await audit({ orgId, actorId: viewer.id, action: "records.retention.minimum", targetKind: "org", targetId: orgId, data: { days } });
  });
}

/**
 * The versions of `orgId` past retention at `at` (archive_records r, content c), hold or not. The
 * effective retention of a version is its space's policy, else the org default, never below the
 * minimum; the first bound (the shortest retention anywhere) lets the (org_id, at) index cut the scan.
 */
function pastWhere(orgId: string, at: Date, settings: Awaited<ReturnType<typeof retentionSettings>>) {
  const floor = Math.max(settings.minDays, Math.min(settings.defaultDays, ...settings.spaces.map((s) => s.days)));
  const t = at.toISOString();
  return sql`r.org_id = ${orgId} and r.action not in ('expire', 'erase') and r.subject_kind <> 'retention' and not (r.data ? ${EXPIRED_KEY})
    and r.at < ${t}::timestamptz - make_interval(days => ${floor}::int)
    and r.at < ${t}::timestamptz - make_interval(days => greatest(${settings.minDays}::int, coalesce(
          (select p.days from retention_policies p where p.org_id = r.org_id and p.space_id = coalesce(r.data->>'spaceId', c.space_id)),
          ${settings.defaultDays}::int)))
    and (case when c.id is not null then c.deleted_at is not null or r.version < c.version
              else exists (select 1 from archive_records n where n.subject_id = r.subject_id and n.org_id = r.org_id and n.version > r.version) end)`;
}

export type RetentionPlan = { orgId: string; versions: number; items: number; bytes: number; held: number };

/** Dry run: what would expire at `at`, and how much (and what a hold keeps), without touching anything. */
export async function planRetention(db: DbOrTx, orgId: string, at: Date): Promise<RetentionPlan> {
  const settings = await retentionSettings(db, orgId);
  const [row] = await query<{ versions: string; items: string; bytes: string | null; held: string }>(
    db,
    sql`select count(*) filter (where not x.held) as versions, count(distinct x.subject_id) filter (where not x.held) as items,
          sum(x.bytes) filter (where not x.held) as bytes, count(*) filter (where x.held) as held
        from (select r.subject_id, octet_length(r.data::text) as bytes, ${isHeld} as held
              from archive_records r left join content c on c.id = r.subject_id where ${pastWhere(orgId, at, settings)}) x`,
  );
  return { orgId, versions: Number(row.versions), items: Number(row.items), bytes: Number(row.bytes ?? 0), held: Number(row.held) };
}

/** The compliance page's dry run (audited). */
export async function dryRunRetention(viewer: Viewer, db?: Db) {
  const d = db ?? (await getDb());
  const orgId = requireComplianceViewer(viewer);
  const plan = await planRetention(d, orgId, now());
  await runCommand(d, ({ audit }) => audit({ orgId, actorId: viewer.id, action: "records.retention.dryrun", targetKind: "org", targetId: orgId, data: plan }));
  return plan;
}

type DueRow = { id: string | number; seq: string | number; subject_kind: string; subject_id: string; version: number; action: string; actor_id: string; at_text: string; data: unknown; prev_hash: string; hash: string; deleted_subject: boolean | null; org_id: string };

/**
 * Expires one batch of one org in one purge transaction, if no other instance holds the org's
 * retention lock. Returns how many versions were expired (0: nothing due, or another instance is on it).
 */
async function expireBatch(db: Db, orgId: string, at: Date): Promise<number> {
  try {
    return await withRetentionPurge(db, async ({ tx, archive }) => {
      const [lock] = await query<{ ok: boolean }>(tx, sql`select pg_try_advisory_xact_lock(hashtext(${`atrium.retention:${orgId}`})) as ok`);
      if (!lock.ok) throw new NothingDue();
      const settings = await retentionSettings(tx, orgId);
      const rows = await query<DueRow>(
        tx,
        sql`select r.id, r.org_id, r.seq, r.subject_kind, r.subject_id, r.version, r.action, r.actor_id, ${sql.raw(storedAtText("r.at"))} as at_text,
              r.data, r.prev_hash, r.hash, (c.deleted_at is not null) as deleted_subject
            from archive_records r left join content c on c.id = r.subject_id
            where ${pastWhere(orgId, at, settings)} and not ${isHeld}
            order by r.seq limit ${BATCH}`,
      );
      if (!rows.length) throw new NothingDue();
      const items = rows.map(expiredEntryOf);
      const runId = newId();
      const rec = await archive({
        orgId,
        subjectKind: "retention",
        subjectId: runId,
        version: 1,
        action: "expire",
        actorId: RETENTION_ACTOR,
        data: {
          policy: { minDays: settings.minDays, defaultDays: settings.defaultDays, spaces: settings.spaces.map((s) => ({ spaceId: s.spaceId, days: s.days })) },
          runAt: at.toISOString(),
          hashAlgorithm: "sha256(canonical_json(data))",
          items,
        },
        at: now(),
      });
      await removeVersionData(tx, Number(rec.id), items, rows.filter((r) => r.deleted_subject).map((r) => r.subject_id), "expired");
      return items.length;
    });
  } catch (e) {
    if (e instanceof NothingDue) return 0;
    throw e;
  }
}

class NothingDue extends Error {}

/** The retention job: every org, batch after batch, until nothing is due. Safe on several instances (per-org advisory lock). */
export async function runRetention(db: Db, at: Date, opts: { orgId?: string; maxBatches?: number } = {}) {
  const orgs = opts.orgId
    ? [{ id: opts.orgId }]
    : await query<{ id: string }>(db, sql`select id from orgs order by id`);
  let expired = 0;
  for (const o of orgs) {
    for (let i = 0; i < (opts.maxBatches ?? 1000); i++) {
      const n = await expireBatch(db, o.id, at);
      expired += n;
      if (n < BATCH) break;
    }
  }
  return { expired };
}

type RemovedVersion = { id: number | string; sha256: string; subjectId: string; version: number };

/**
 * Removes the data of archived versions on the purge path (retention expiry and erasure): each row
 * keeps only a marker naming the record that vouches for it and its hash; the supervision queue's
 * copy of a removed version's text goes too; a deleted item whose every version is removed keeps no
 * copy in its live row either. Runs inside `withRetentionPurge`, after the vouching record is appended.
 */
export async function removeVersionData(tx: DbOrTx, byRecordId: number, items: RemovedVersion[], deletedSubjectIds: string[], reason: "expired" | "erased") {
  for (let i = 0; i < items.length; i += 500) {
    const chunk = items.slice(i, i + 500);
    const values = sql.join(
      chunk.map((e) => sql`(${e.id}::bigint, ${JSON.stringify({ [EXPIRED_KEY]: { by: byRecordId, sha256: e.sha256 } })}::jsonb)`),
      sql`, `,
    );
    await tx.execute(sql`update archive_records r set data = v.data from (values ${values}) as v(id, data) where r.id = v.id`);
    const versions = sql.join(chunk.map((e) => sql`(${e.subjectId}, ${e.version}::int)`), sql`, `);
    await tx.execute(
      sql`update supervision_flags f set text = '', detail = ${JSON.stringify({ [reason]: true })}::jsonb
          from (values ${versions}) as v(content_id, version) where f.content_id = v.content_id and f.content_version = v.version`,
    );
  }
  const gone = [...new Set(deletedSubjectIds)];
  if (!gone.length) return;
  await tx.execute(
    sql`update content c set title = '', body_text = '', body_html = '', body_json = '{"type":"doc","content":[]}'::jsonb
        where c.id in (${sql.join(gone.map((g) => sql`${g}`), sql`, `)}) and c.deleted_at is not null
          and not exists (select 1 from archive_records r where r.subject_id = c.id and r.org_id = c.org_id
            and r.action not in ('expire', 'erase') and not (r.data ? ${EXPIRED_KEY}))`,
  );
}

/** An archive version as the records queries read it (`at_text` through storedAtText, so it hashes as stored). */
export type StoredVersionRow = {
  id: string | number;
  seq: string | number;
  subject_kind: string;
  subject_id: string;
  version: number;
  action: string;
  actor_id: string;
  at_text: string;
  prev_hash: string;
  hash: string;
  data: unknown;
};

/** What an expire or erase record keeps of a version whose content it removes: its place in the chain and the SHA-256 of that content. */
export function expiredEntryOf(r: StoredVersionRow): ExpiredEntry {
  const data = typeof r.data === "string" ? JSON.parse(r.data) : r.data;
  return {
    id: Number(r.id),
    seq: Number(r.seq),
    subjectKind: r.subject_kind,
    subjectId: r.subject_id,
    version: Number(r.version),
    action: r.action,
    actorId: r.actor_id,
    at: r.at_text,
    prevHash: r.prev_hash,
    hash: r.hash,
    sha256: sha256Hex(canonicalJson(data)),
  };
}
