import { sql } from "drizzle-orm";
import { sha256Hex, storedAtText } from "~/compliance/chain.server";
import { runCommand, withRetentionPurge, type Command } from "~/compliance/command.server";
import { EXPIRED_KEY } from "~/compliance/verify.server";
import { getDb, query, type Db, type DbOrTx } from "~/db/client.server";
import { textArray } from "~/db/sql.server";
import { revokeAllSessions } from "~/identity/session.server";
import { authorizeOrg } from "~/policy/authorize.server";
import { can, orgFacts, type Viewer } from "~/policy/policy";
import { now } from "~/utils/clock.server";
import { expiredEntryOf, removeVersionData, type StoredVersionRow } from "./retention.server";
import { notFound } from "~/utils/http.server";
import { newId } from "~/utils/ids";
import { RecordsInputError } from "./errors.server";
import { heldBy } from "./holds.server";
import { retentionSettings } from "./retention.server";

// Erasure requests (GDPR art. 17). A compliance officer or an org admin files a request for a
// person; carrying it out pseudonymises the person everywhere the live product shows them (the
// users row is what feeds, search documents, profiles, the directory and exports read), revokes
// their sessions and tokens, and removes from the archive the person's records that no duty keeps:
// not under an active legal hold, past their retention, and not the version in use of a live item.
// What is kept is counted with its reason (which hold; which retention policy and until when). The
// removed records are vouched for by the request's `erase` archive record exactly as retention's
// `expire` record vouches for expired ones, so `archive:verify` still proves the chain.

/** The name an erased person goes by: stable (derived from the person's id), unique in the org. */
export function pseudonymFor(orgId: string, userId: string, length = 4) {
  return `Former employee ${sha256Hex(`${orgId}:${userId}`).slice(0, length)}`;
}

export const erasedEmail = (userId: string) => `erased-${userId}@erased.invalid`;

const requireEraser = (viewer: Viewer) => authorizeOrg(viewer, "erase_person").orgId;

export type KeptSummary = {
  holds: Array<{ id: string; matter: string; versions: number }>;
  retention: Array<{ spaceId: string | null; spaceName: string | null; days: number; versions: number; until: string }>;
  inUse: number;
};
export type ErasurePlan = { erasable: number; kept: KeptSummary };

type PersonRow = StoredVersionRow & {
  at: string | Date;
  deleted_subject: boolean | null;
  in_use: boolean;
  holds: string[] | string | null;
  space_id: string | null;
  space_days: number | null;
  space_name: string | null;
};

/**
 * Every archive record that is the person's: the versions they authored, their profile's versions,
 * and what they did that names no author (reactions, votes, endorsements given). Never another
 * person's content they acted on, nor the retention and erasure records themselves.
 */
async function personRecords(tx: DbOrTx, orgId: string, userId: string): Promise<PersonRow[]> {
  const rows = await query<PersonRow>(
    tx,
    sql`select r.id, r.seq, r.subject_kind, r.subject_id, r.version, r.action, r.actor_id, ${sql.raw(storedAtText("r.at"))} as at_text, r.at,
          r.data, r.prev_hash, r.hash, (c.deleted_at is not null) as deleted_subject,
          (c.id is not null and c.deleted_at is null and r.version = c.version) as in_use,
          (select array_agg(h.id order by h.created_at) from legal_holds h where ${heldBy("h")}) as holds,
          coalesce(r.data->>'spaceId', c.space_id) as space_id, sp.days as space_days, s.name as space_name
        from archive_records r
        left join content c on c.id = r.subject_id
        left join retention_policies sp on sp.org_id = r.org_id and sp.space_id = coalesce(r.data->>'spaceId', c.space_id)
        left join spaces s on s.id = sp.space_id
        where r.org_id = ${orgId} and r.action not in ('expire', 'erase') and r.subject_kind not in ('retention', 'erasure')
          and not (r.data ? ${EXPIRED_KEY})
          and ((r.subject_kind = 'profile' and r.subject_id = ${userId})
               or (r.subject_kind <> 'profile' and (r.data->>'authorId' = ${userId} or (r.actor_id = ${userId} and r.data->>'authorId' is null))))
        order by r.seq`,
  );
  return rows;
}

const pgArray = (v: string[] | string | null): string[] =>
  v == null ? [] : Array.isArray(v) ? v : v.replace(/^\{|\}$/g, "").split(",").filter(Boolean);

/** Sorts the person's records into erasable and kept (with the reason), at `at`. */
async function classify(tx: DbOrTx, orgId: string, rows: PersonRow[], at: Date) {
  const settings = await retentionSettings(tx, orgId);
  const erasable: PersonRow[] = [];
  const holdCounts = new Map<string, number>();
  const retention = new Map<string, { spaceId: string | null; spaceName: string | null; days: number; versions: number; until: number }>();
  let inUse = 0;
  for (const r of rows) {
    const holds = pgArray(r.holds);
    if (holds.length) {
      for (const h of holds) holdCounts.set(h, (holdCounts.get(h) ?? 0) + 1);
      continue;
    }
    const spaceRule = r.space_days != null;
    const days = Math.max(settings.minDays, spaceRule ? Number(r.space_days) : settings.defaultDays);
    const until = new Date(r.at).getTime() + days * 86_400_000;
    if (until > at.getTime()) {
      const key = spaceRule ? `space:${r.space_id}` : "default";
      const g = retention.get(key) ?? { spaceId: spaceRule ? r.space_id : null, spaceName: spaceRule ? r.space_name : null, days, versions: 0, until };
      g.versions++;
      g.until = Math.max(g.until, until);
      retention.set(key, g);
      continue;
    }
    if (r.in_use) {
      inUse++;
      continue;
    }
    erasable.push(r);
  }
  const matters = holdCounts.size
    ? await query<{ id: string; matter: string }>(tx, sql`select id, matter from legal_holds where id = any(${textArray(holdCounts.keys())})`)
    : [];
  const kept: KeptSummary = {
    holds: matters.map((m) => ({ id: m.id, matter: m.matter, versions: holdCounts.get(m.id) ?? 0 })).sort((a, b) => a.matter.localeCompare(b.matter)),
    retention: [...retention.values()].map((g) => ({ ...g, until: new Date(g.until).toISOString() })).sort((a, b) => a.until.localeCompare(b.until)),
    inUse,
  };
  return { erasable, kept };
}

/** What carrying out an erasure of `userId` would erase and keep at `at` (nothing written). */
export async function planErasure(db: DbOrTx, orgId: string, userId: string, at: Date): Promise<ErasurePlan> {
  const { erasable, kept } = await classify(db, orgId, await personRecords(db, orgId, userId), at);
  return { erasable: erasable.length, kept };
}

const keptAnything = (k: KeptSummary) => k.holds.length > 0 || k.retention.length > 0 || k.inUse > 0;

async function findPerson(tx: DbOrTx, orgId: string, email: string) {
  const [u] = await query<{ id: string; name: string; email: string }>(
    tx,
    sql`select id, name, email from users where org_id = ${orgId} and lower(email) = ${email.trim().toLowerCase()} for update`,
  );
  if (!u) throw new RecordsInputError("unknownPerson", 400, "email", { email: email.trim() });
  return u;
}

/** Files an erasure request for the person with this email (archived and audited); refuses an unknown, erased or already requested person. */
export async function fileErasureRequest(viewer: Viewer, input: { email: string; reason: string }, db?: Db) {
  const d = db ?? (await getDb());
  const orgId = requireEraser(viewer);
  return runCommand(d, async ({ tx, archive, audit }) => {
    const person = await findPerson(tx, orgId, input.email);
    const [prior] = await query<{ status: string }>(
      tx,
      sql`select status from erasure_requests where user_id = ${person.id} and status in ('open', 'done') order by requested_at desc limit 1`,
    );
    if (prior?.status === "done") throw new RecordsInputError("alreadyErased", 409, "email");
    if (prior?.status === "open") throw new RecordsInputError("erasureOpen", 409, "email");
    const id = newId();
    const at = now();
    const reason = input.reason.trim();
    await tx.execute(
      sql`insert into erasure_requests (id, org_id, user_id, reason, status, requested_by, requested_at)
          values (${id}, ${orgId}, ${person.id}, ${reason}, 'open', ${viewer.id}, ${at.toISOString()}::timestamptz)`,
    );
    await archive({ orgId, subjectKind: "erasure", subjectId: id, version: 1, action: "request", actorId: viewer.id!, data: { userId: person.id, reason }, at });
    await audit({ orgId, actorId: viewer.id, action: "records.erasure.request", targetKind: "user", targetId: person.id, data: { requestId: id, reason } });
    return { id };
  });
}

async function openRequest(tx: DbOrTx, orgId: string, id: string) {
  const [req] = await query<{ id: string; user_id: string; status: string }>(
    tx,
    sql`select id, user_id, status from erasure_requests where id = ${id} and org_id = ${orgId} for update`,
  );
  if (!req) notFound();
  if (req.status !== "open") throw new RecordsInputError("erasureDecided", 409, "_form");
  return req;
}

/** Declines an open request with a note (archived and audited); nothing about the person changes. */
export async function declineErasure(viewer: Viewer, id: string, note: string, db?: Db) {
  const d = db ?? (await getDb());
  const orgId = requireEraser(viewer);
  return runCommand(d, async ({ tx, archive, audit }) => {
    const req = await openRequest(tx, orgId, id);
    const at = now();
    await tx.execute(
      sql`update erasure_requests set status = 'declined', decided_by = ${viewer.id}, decided_at = ${at.toISOString()}::timestamptz, decision_note = ${note.trim()} where id = ${id}`,
    );
    await archive({ orgId, subjectKind: "erasure", subjectId: id, version: 2, action: "decline", actorId: viewer.id!, data: { userId: req.user_id, note: note.trim() }, at });
    await audit({ orgId, actorId: viewer.id, action: "records.erasure.decline", targetKind: "user", targetId: req.user_id, data: { requestId: id, note: note.trim() } });
  });
}

async function uniquePseudonym(tx: DbOrTx, orgId: string, userId: string) {
  for (let len = 4; len <= 64; len += 2) {
    const name = pseudonymFor(orgId, userId, len);
    const [taken] = await query<{ id: string }>(tx, sql`select id from users where org_id = ${orgId} and name = ${name} and id <> ${userId} limit 1`);
    if (!taken) return name;
  }
  return pseudonymFor(orgId, userId, 64);
}

/** Clears the person's profile and identity and cuts their access; the row stays (authorship points at it). */
async function pseudonymise(c: Command, actorId: string, orgId: string, userId: string, pseudonym: string, at: Date) {
  const { tx } = c;
  const [before] = await query<{ status: string; profile_version: number }>(tx, sql`select status, profile_version from users where id = ${userId}`);
  await tx.execute(
    sql`update users set name = ${pseudonym}, email = ${erasedEmail(userId)}, title = '', bio = '', languages = '{}'::text[], manager_id = null,
          locale = null, time_zone = null, password_hash = null, external_id = null, scim_user_name = null, digest = 'off',
          profile_version = profile_version + 1,
          status = case when status = 'active' then 'deactivated' else status end, deactivated_at = coalesce(deactivated_at, ${at.toISOString()}::timestamptz)
        where id = ${userId}`,
  );
  // declared skills and the endorsements they received are profile fields: withdrawn
  const gone = await query<{ skill_id: string; endorser_id: string; tag: string }>(
    tx,
    sql`delete from endorsements e using skills s where s.id = e.skill_id and e.user_id = ${userId} returning e.skill_id, e.endorser_id, s.tag`,
  );
  for (const g of gone) await c.emit({ orgId, topic: "people.endorsement.withdrawn", subjectId: userId, payload: { userId, skillId: g.skill_id, endorserId: g.endorser_id, tag: `#${g.tag}` } });
  await tx.execute(sql`delete from user_skills where user_id = ${userId}`);
  await tx.execute(sql`delete from saved_searches where user_id = ${userId}`);
  await revokeAllSessions(userId, tx);
  await tx.execute(sql`update api_tokens set revoked_at = ${at.toISOString()}::timestamptz where owner_id = ${userId} and revoked_at is null`);
  // the profile's new version in the archive: what the live profile now is
  await c.archive({
    orgId,
    subjectKind: "profile",
    subjectId: userId,
    version: Number(before.profile_version) + 1,
    action: "edit",
    actorId,
    data: { bio: "", languages: [], managerId: null, skills: [], erased: true },
    at,
  });
  // search documents (the person and everything they wrote) are rebuilt from the rows
  await c.emit({ orgId, topic: "user.updated", subjectId: userId });
  if (before.status === "active") await c.emit({ orgId, topic: "user.deactivated", subjectId: userId });
}

export type ErasureOutcome = { pseudonym: string; erased: number; kept: KeptSummary };

/**
 * Carries out an open request in one transaction on the retention purge path: the `erase` record
 * (what was removed, with hashes, and what was kept and why), the removal, the pseudonymisation,
 * the audit entry and the outbox events all commit together or not at all.
 */
export async function carryOutErasure(viewer: Viewer, id: string, db?: Db): Promise<ErasureOutcome> {
  const d = db ?? (await getDb());
  const orgId = requireEraser(viewer);
  return withRetentionPurge(d, async (cmd) => {
    const { tx } = cmd;
    // the retention job's lock: the two never remove the same versions at once (the job skips the org meanwhile)
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`atrium.retention:${orgId}`}))`);
    const req = await openRequest(tx, orgId, id);
    const [person] = await query<{ name: string; email: string }>(tx, sql`select name, email from users where id = ${req.user_id} for update`);
    const at = now();
    const { erasable, kept } = await classify(tx, orgId, await personRecords(tx, orgId, req.user_id), at);
    const items = erasable.map(expiredEntryOf);
    const pseudonym = await uniquePseudonym(tx, orgId, req.user_id);
    const rec = await cmd.archive({
      orgId,
      subjectKind: "erasure",
      subjectId: id,
      version: 2,
      action: "erase",
      actorId: viewer.id!,
      data: { userId: req.user_id, pseudonym, kept, hashAlgorithm: "sha256(canonical_json(data))", items },
      at,
    });
    if (items.length) {
      await removeVersionData(tx, Number(rec.id), items, erasable.filter((r) => r.deleted_subject).map((r) => r.subject_id), "erased");
    }
    await pseudonymise(cmd, viewer.id!, orgId, req.user_id, pseudonym, at);
    const outcome = { erased: items.length, kept };
    await tx.execute(
      sql`update erasure_requests set status = 'done', decided_by = ${viewer.id}, decided_at = ${at.toISOString()}::timestamptz, pseudonym = ${pseudonym},
            outcome = ${JSON.stringify(outcome)}::jsonb,
            kept_identity = ${keptAnything(kept) ? JSON.stringify({ name: person.name, email: person.email }) : null}::jsonb
          where id = ${id}`,
    );
    await cmd.audit({ orgId, actorId: viewer.id, action: "records.erasure.carry_out", targetKind: "user", targetId: req.user_id, data: { requestId: id, pseudonym, ...outcome } });
    return { pseudonym, ...outcome };
  });
}

export type ErasureRow = {
  id: string;
  userId: string;
  person: string;
  reason: string;
  status: "open" | "done" | "declined";
  requestedBy: string;
  requestedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
  outcome: { erased: number; kept: KeptSummary } | null;
  /** Open requests: what carrying it out now would do. */
  plan: ErasurePlan | null;
  /** The real identity kept because records are kept (compliance officers only). */
  keptIdentity: { name: string; email: string } | null;
};

/** The org's erasure requests, newest first, with each open one's plan (audited read). */
export async function listErasureRequests(viewer: Viewer, db?: Db): Promise<ErasureRow[]> {
  const d = db ?? (await getDb());
  const orgId = requireEraser(viewer);
  const compliance = can(viewer, "compliance", orgFacts(orgId));
  return runCommand(d, async ({ tx, audit }) => {
    await audit({ orgId, actorId: viewer.id, action: "records.erasure.list", targetKind: "org", targetId: orgId, data: {} });
    const rows = await query<Record<string, unknown>>(
      tx,
      sql`select e.id, e.user_id, u.name as person, e.reason, e.status, coalesce(rb.name, e.requested_by) as requested_by, e.requested_at,
            db.name as decided_by, e.decided_at, e.decision_note, e.outcome, e.kept_identity
          from erasure_requests e join users u on u.id = e.user_id
          left join users rb on rb.id = e.requested_by left join users db on db.id = e.decided_by
          where e.org_id = ${orgId} order by e.requested_at desc, e.id limit 200`,
    );
    const js = <T>(v: unknown) => (v == null ? null : ((typeof v === "string" ? JSON.parse(v) : v) as T));
    const iso = (v: unknown) => (v == null ? null : new Date(v as string).toISOString());
    const at = now();
    const out: ErasureRow[] = [];
    for (const r of rows) {
      const status = String(r.status) as ErasureRow["status"];
      out.push({
        id: String(r.id),
        userId: String(r.user_id),
        person: String(r.person),
        reason: String(r.reason),
        status,
        requestedBy: String(r.requested_by),
        requestedAt: iso(r.requested_at)!,
        decidedBy: (r.decided_by as string | null) ?? null,
        decidedAt: iso(r.decided_at),
        decisionNote: (r.decision_note as string | null) ?? null,
        outcome: js(r.outcome),
        plan: status === "open" ? await planErasure(tx, orgId, String(r.user_id), at) : null,
        keptIdentity: compliance ? js(r.kept_identity) : null,
      });
    }
    return out;
  });
}
