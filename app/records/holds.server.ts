import { sql, type SQL } from "drizzle-orm";
import { runCommand } from "~/compliance/command.server";
import { requireComplianceViewer } from "~/compliance/review.server";
import { getDb, query, type Db, type DbOrTx } from "~/db/client.server";
import { legalHolds } from "~/db/schema";
import type { Viewer } from "~/policy/policy";
import { now } from "~/utils/clock.server";
import { newId } from "~/utils/ids";
import { notFound } from "~/utils/http.server";
import { RecordsInputError } from "./errors.server";

// Legal holds: what a matter needs is frozen (no expiry, no erasure) until the hold is released.
// A hold covers a version when it falls within the hold's dates and its author or actor is a
// custodian, or it belongs (by its thread's space) to a held space.

export type HoldInput = {
  matter: string;
  description: string;
  custodianEmails: string[];
  spaceIds: string[];
  from: Date | null;
  /** Exclusive. */
  to: Date | null;
};

/**
 * SQL true when an active hold covers archive row `r` (joined to content `c`). Used by
 * retention, erasure and the hold counts: one definition of "held".
 */
export function heldBy(holdAlias: string): SQL {
  const h = sql.raw(holdAlias);
  return sql`${h}.org_id = r.org_id and ${h}.released_at is null
    and (${h}.from_at is null or r.at >= ${h}.from_at) and (${h}.to_at is null or r.at < ${h}.to_at)
    and (r.actor_id = any(${h}.custodian_ids) or r.data->>'authorId' = any(${h}.custodian_ids)
         or coalesce(r.data->>'spaceId', c.space_id) = any(${h}.space_ids))`;
}

export const isHeld = sql`exists (select 1 from legal_holds h where ${heldBy("h")})`;

async function resolveCustodians(tx: DbOrTx, orgId: string, emails: string[]): Promise<string[]> {
  const wanted = [...new Set(emails.map((e) => e.trim().toLowerCase()).filter(Boolean))];
  if (!wanted.length) return [];
  const rows = await query<{ id: string; email: string }>(
    tx,
    sql`select id, lower(email) as email from users where org_id = ${orgId} and lower(email) in (${sql.join(wanted.map((e) => sql`${e}`), sql`, `)})`,
  );
  const found = new Map(rows.map((r) => [r.email, r.id]));
  const missing = wanted.find((e) => !found.has(e));
  if (missing) throw new RecordsInputError("unknownCustodian", 400, "custodians", { email: missing });
  return wanted.map((e) => found.get(e)!);
}

async function checkSpaces(tx: DbOrTx, orgId: string, ids: string[]) {
  const wanted = [...new Set(ids)];
  if (!wanted.length) return [];
  const rows = await query<{ id: string }>(tx, sql`select id from spaces where org_id = ${orgId} and id in (${sql.join(wanted.map((i) => sql`${i}`), sql`, `)})`);
  if (rows.length !== wanted.length) throw new RecordsInputError("unknownSpace", 400, "spaces");
  return wanted;
}

const arr = (ids: string[]) => sql`array[${sql.join(ids.map((i) => sql`${i}`), sql`, `)}]::text[]`;

/** Places a legal hold (audited). Refuses an empty hold, a reversed range and an overlap with an active hold of the same matter. */
export async function createHold(viewer: Viewer, input: HoldInput, db?: Db) {
  const d = db ?? (await getDb());
  const orgId = requireComplianceViewer(viewer);
  if (input.custodianEmails.filter((e) => e.trim()).length === 0 && input.spaceIds.length === 0) {
    throw new RecordsInputError("holdEmpty", 400, "custodians");
  }
  if (input.from && input.to && input.from >= input.to) throw new RecordsInputError("holdRange", 400, "to");
  return runCommand(d, async ({ tx, audit }) => {
    // one hold decision at a time per org, so two overlapping holds cannot both pass the check
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`atrium.holds:${orgId}`}))`);
    const custodianIds = await resolveCustodians(tx, orgId, input.custodianEmails);
    const spaceIds = await checkSpaces(tx, orgId, input.spaceIds);
    const from = input.from?.toISOString() ?? null;
    const to = input.to?.toISOString() ?? null;
    const overlap = await query<{ id: string; matter: string }>(
      tx,
      sql`select id, matter from legal_holds
          where org_id = ${orgId} and released_at is null and lower(matter) = lower(${input.matter.trim()})
            and (${custodianIds.length ? sql`custodian_ids && ${arr(custodianIds)}` : sql`false`}
                 or ${spaceIds.length ? sql`space_ids && ${arr(spaceIds)}` : sql`false`})
            and (from_at is null or ${to}::timestamptz is null or from_at < ${to}::timestamptz)
            and (to_at is null or ${from}::timestamptz is null or ${from}::timestamptz < to_at)
          limit 1`,
    );
    if (overlap.length) throw new RecordsInputError("holdOverlap", 409, "custodians", { matter: overlap[0].matter });
    const id = newId();
    const at = now();
    await tx.insert(legalHolds).values({
      id,
      orgId,
      matter: input.matter.trim(),
      description: input.description.trim(),
      custodianIds,
      spaceIds,
      fromAt: input.from,
      toAt: input.to,
      createdBy: viewer.id!,
      createdAt: at,
    });
    await audit({
      orgId,
      actorId: viewer.id,
      action: "records.hold.create",
      targetKind: "legal_hold",
      targetId: id,
      data: { matter: input.matter.trim(), description: input.description.trim(), custodianIds, spaceIds, from, to },
    });
    return { id };
  });
}

/** Releases an active hold; the release and its reason are recorded in the audit chain. */
export async function releaseHold(viewer: Viewer, id: string, reason: string, db?: Db) {
  const d = db ?? (await getDb());
  const orgId = requireComplianceViewer(viewer);
  return runCommand(d, async ({ tx, audit }) => {
    const [hold] = await query<{ released_at: string | null }>(tx, sql`select released_at from legal_holds where id = ${id} and org_id = ${orgId} for update`);
    if (!hold) notFound();
    if (hold.released_at) throw new RecordsInputError("holdReleased", 409, "_form");
    await tx.execute(sql`update legal_holds set released_at = ${now().toISOString()}::timestamptz, released_by = ${viewer.id}, release_reason = ${reason.trim()} where id = ${id}`);
    await audit({ orgId, actorId: viewer.id, action: "records.hold.release", targetKind: "legal_hold", targetId: id, data: { reason: reason.trim() } });
  });
}

export type HoldRow = {
  id: string;
  matter: string;
  description: string;
  custodians: Array<{ id: string; name: string; email: string }>;
  spaces: Array<{ id: string; name: string }>;
  from: string | null;
  to: string | null;
  createdBy: string;
  createdAt: string;
  releasedAt: string | null;
  releaseReason: string | null;
  versions: number;
  items: number;
};

/** Every hold of the org (or those naming one custodian) with what each covers (audited read). */
export async function listHolds(viewer: Viewer, opts: { custodianId?: string | null } = {}, db?: Db): Promise<HoldRow[]> {
  const d = db ?? (await getDb());
  const orgId = requireComplianceViewer(viewer);
  return runCommand(d, async ({ tx, audit }) => {
    await audit({ orgId, actorId: viewer.id, action: "records.hold.list", targetKind: "org", targetId: orgId, data: { custodianId: opts.custodianId ?? null } });
    const rows = await query<Record<string, unknown>>(
      tx,
      sql`select h.id, h.matter, h.description, h.from_at, h.to_at, coalesce(cu.name, h.created_by) as created_by, h.created_at, h.released_at, h.release_reason,
            coalesce((select json_agg(json_build_object('id', u.id, 'name', u.name, 'email', u.email) order by u.name) from users u where u.id = any(h.custodian_ids)), '[]') as custodians,
            coalesce((select json_agg(json_build_object('id', s.id, 'name', s.name) order by s.name) from spaces s where s.id = any(h.space_ids)), '[]') as spaces,
            cov.versions, cov.items
          from legal_holds h
          left join users cu on cu.id = h.created_by
          cross join lateral (
            select count(*) as versions, count(distinct r.subject_id) as items
            from archive_records r left join content c on c.id = r.subject_id
            where r.org_id = h.org_id and r.action <> 'expire'
              and (h.from_at is null or r.at >= h.from_at) and (h.to_at is null or r.at < h.to_at)
              and (r.actor_id = any(h.custodian_ids) or r.data->>'authorId' = any(h.custodian_ids)
                   or coalesce(r.data->>'spaceId', c.space_id) = any(h.space_ids))
          ) cov
          where h.org_id = ${orgId} ${opts.custodianId ? sql`and ${opts.custodianId} = any(h.custodian_ids)` : sql``}
          order by (h.released_at is null) desc, h.created_at desc`,
    );
    const iso = (v: unknown) => (v == null ? null : new Date(v as string).toISOString());
    const js = <T>(v: unknown) => (typeof v === "string" ? JSON.parse(v) : v) as T;
    return rows.map((r) => ({
      id: String(r.id),
      matter: String(r.matter),
      description: String(r.description),
      custodians: js(r.custodians),
      spaces: js(r.spaces),
      from: iso(r.from_at),
      to: iso(r.to_at),
      createdBy: String(r.created_by),
      createdAt: iso(r.created_at)!,
      releasedAt: iso(r.released_at),
      releaseReason: (r.release_reason as string | null) ?? null,
      versions: Number(r.versions),
      items: Number(r.items),
    }));
  });
}
