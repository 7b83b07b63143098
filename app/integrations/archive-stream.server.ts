import { sql } from "drizzle-orm";
import { getDb, query, type Db, type DbOrTx } from "~/db/client.server";
import { env } from "~/env.server";
import { logLine, type Consumer, type DeliverContext, type OutboxEvent } from "~/platform/outbox.server";
import { authorizeOrg } from "~/policy/authorize.server";
import type { Viewer } from "~/policy/policy";
import { now } from "~/utils/clock.server";
import { deliveredIds, logAttempt, postSigned } from "./signed-http.server";

// Delivery to an external archive (issue 16): every message, edit, delete, reaction and
// space join/leave is pushed, from the outbox, as one JSON event shaped like an archive
// vendor's conversation API (conversation, participants, times, the archive chain hash),
// signed (signed-http.server.ts), with an idempotency key per event.
//
// At least once: the outbox retries a failed batch forever (maxAttempts Infinity) with
// backoff capped at a minute. In order per conversation: the consumer is exclusive (one batch
// in flight), a batch is sent one event at a time in outbox order and stops at the first
// failure, and a batch never goes out while an earlier event of its organisation's stream is still pending
// (it waits behind it). Events a retried batch already delivered are skipped (the log says so).

export const ARCHIVE_CONSUMER = "archive-stream";
export const ARCHIVE_TARGET = "archive";
export const ARCHIVE_TOPICS = ["content.created", "content.updated", "content.deleted", "content.restored", "reaction.", "space.membership"];

export const archiveIdempotencyKey = (e: Pick<OutboxEvent, "orgId" | "id">) => `atrium:${e.orgId}:${e.id}`;

type Person = { id: string; name: string; email: string };
export type ArchiveStreamEvent = {
  id: string;
  type: string;
  occurred_at: string;
  organisation: string;
  conversation: { id: string; type: "thread" | "space"; space: { id: string; name: string } | null };
  item: { id: string; kind: string; parent_id: string | null; version: number | null; title: string; text: string; deleted: boolean; created_at: string | null } | null;
  reaction: { kind: string; on: boolean } | null;
  actor: Person | null;
  participants: (Person & { role: string })[];
  archive: { seq: number; hash: string; prev_hash: string } | null;
};

const TYPES: Record<string, string> = {
  "content.created": "message.created",
  "content.updated": "message.edited",
  "content.deleted": "message.deleted",
  "content.restored": "message.restored",
  "reaction.added": "reaction.added",
  "reaction.removed": "reaction.removed",
};

type ContentRow = {
  id: string;
  kind: string;
  parent_id: string | null;
  root_id: string | null;
  author_id: string;
  space_id: string | null;
  space_name: string | null;
  title: string;
  created_at: string | Date;
};
type ArchiveRow = { seq: number | string; hash: string; prev_hash: string; data: unknown; actor_id: string; at: string | Date };

async function people(db: DbOrTx, ids: string[]): Promise<Map<string, Person>> {
  const uniq = [...new Set(ids.filter(Boolean))];
  if (!uniq.length) return new Map();
  const rows = await query<Person>(db, sql`select id, name, email from users where id in (${sql.join(uniq.map((i) => sql`${i}`), sql`, `)})`);
  return new Map(rows.map((r) => [r.id, r]));
}

/** The vendor-shaped event for one outbox event, from the archive record it stands for. */
export async function archiveStreamEvent(db: DbOrTx, e: OutboxEvent): Promise<ArchiveStreamEvent> {
  const p = e.payload as { version?: number; userId?: string; reaction?: string; change?: string; mentions?: string[] };
  const base = { id: archiveIdempotencyKey(e), occurred_at: e.createdAt.toISOString(), organisation: e.orgId };
  if (e.topic === "space.membership") {
    const [s] = await query<{ id: string; name: string }>(db, sql`select id, name from spaces where id = ${e.subjectId}`);
    const who = await people(db, [p.userId ?? ""]);
    const person = who.get(p.userId ?? "") ?? null;
    const joined = p.change === "join" || p.change === "add";
    return {
      ...base,
      type: joined ? "participant.joined" : "participant.left",
      conversation: { id: `space:${e.subjectId}`, type: "space", space: s ? { id: s.id, name: s.name } : null },
      item: null,
      reaction: null,
      actor: person,
      participants: person ? [{ ...person, role: joined ? "joined" : "left" }] : [],
      archive: null,
    };
  }
  const [c] = await query<ContentRow>(
    db,
    sql`select c.id, c.kind, c.parent_id, c.root_id, c.author_id, c.space_id, s.name as space_name, c.title, c.created_at
        from content c left join spaces s on s.id = c.space_id where c.id = ${e.subjectId}`,
  );
  // the archived version this event stands for (reactions: the reaction's own subject, latest at the event)
  const subject = e.topic.startsWith("reaction.") ? `${e.subjectId}:${p.userId}:${p.reaction}` : e.subjectId;
  const [rec] = await query<ArchiveRow>(
    db,
    e.topic.startsWith("reaction.")
      ? sql`select seq, hash, prev_hash, data, actor_id, at from archive_records
            where org_id = ${e.orgId} and subject_id = ${subject} and at <= ${e.createdAt.toISOString()}::timestamptz order by version desc limit 1`
      : sql`select seq, hash, prev_hash, data, actor_id, at from archive_records
            where org_id = ${e.orgId} and subject_id = ${subject} and version = ${Number(p.version ?? 0)} order by seq limit 1`,
  );
  const data = ((rec?.data ?? {}) as { text?: string; title?: string; deleted?: boolean });
  const mentioned = p.mentions ?? [];
  const who = await people(db, [c?.author_id ?? "", rec?.actor_id ?? "", ...mentioned]);
  const participants: ArchiveStreamEvent["participants"] = [];
  const add = (id: string | undefined, role: string) => {
    const person = id ? who.get(id) : undefined;
    if (person && !participants.some((x) => x.id === person.id && x.role === role)) participants.push({ ...person, role });
  };
  add(c?.author_id, "author");
  if (rec?.actor_id && rec.actor_id !== c?.author_id) add(rec.actor_id, e.topic.startsWith("reaction.") ? "reactor" : "actor");
  for (const m of mentioned) add(m, "mentioned");
  return {
    ...base,
    type: TYPES[e.topic] ?? e.topic,
    conversation: {
      id: c?.root_id ?? c?.id ?? e.subjectId,
      type: "thread",
      space: c?.space_id ? { id: c.space_id, name: c.space_name ?? "" } : null,
    },
    item: c
      ? {
          id: c.id,
          kind: c.kind,
          parent_id: c.parent_id,
          version: e.topic.startsWith("reaction.") ? null : Number(p.version ?? 0),
          title: String(data.title ?? c.title ?? ""),
          text: String(data.text ?? ""),
          deleted: Boolean(data.deleted),
          created_at: new Date(c.created_at).toISOString(),
        }
      : null,
    reaction: e.topic.startsWith("reaction.") ? { kind: String(p.reaction ?? ""), on: e.topic === "reaction.added" } : null,
    actor: rec ? who.get(rec.actor_id) ?? null : null,
    participants,
    archive: rec ? { seq: Number(rec.seq), hash: rec.hash, prev_hash: rec.prev_hash } : null,
  };
}

/** The network phase: one signed POST per event, in order; the first failure stops the batch. */
export async function deliverArchiveStream(events: OutboxEvent[], ctx: DeliverContext) {
  const { ARCHIVE_STREAM_URL: url, ARCHIVE_STREAM_SECRET: secret } = env();
  if (!url || !secret) return; // no archive configured: nothing to stream
  const first = events[0]?.id;
  if (first === undefined) return;
  // order: an earlier event of the same organisation's stream still pending (backing off) goes
  // first; another organisation's stuck event never holds this one's back
  const orgs = [...new Set(events.map((e) => e.orgId))];
  const [earlier] = await query<{ event_id: string | number }>(
    ctx.db,
    sql`select d.event_id from outbox_deliveries d join outbox_events e on e.id = d.event_id
        where d.consumer = ${ARCHIVE_CONSUMER} and d.status = 'pending' and d.event_id < ${first}
          and e.org_id in (${sql.join(orgs.map((o) => sql`${o}`), sql`, `)}) limit 1`,
  );
  if (earlier) throw new Error(`archive stream: waiting behind event ${earlier.event_id}`);
  const done = await deliveredIds(ctx.db, ARCHIVE_TARGET, events.map((e) => e.id));
  for (const e of events) {
    if (done.has(e.id)) continue;
    const body = await archiveStreamEvent(ctx.db, e);
    const outcome = await postSigned({ url, secret, idempotencyKey: body.id, eventType: body.type, body, signal: ctx.signal });
    await logAttempt(ctx.db, { orgId: e.orgId, target: ARCHIVE_TARGET, eventId: e.id, idempotencyKey: body.id, eventType: body.type, outcome });
    if (!outcome.ok) throw new Error(`archive stream: event ${e.id}: ${outcome.error}`);
  }
}

export const archiveStreamConsumer: Consumer = {
  name: ARCHIVE_CONSUMER,
  topics: ARCHIVE_TOPICS,
  deliver: deliverArchiveStream,
  exclusive: true,
  maxAttempts: Infinity, // the archive must never lose an event: it waits, visibly, on the compliance page
  maxBackoffMs: 60_000,
  batchSize: 50,
  timeoutMs: 30_000,
};

export type ArchiveStreamStatus = {
  configured: boolean;
  pending: number;
  oldestPendingSeconds: number | null;
  delivered: number;
  lastDeliveredAt: string | null;
  failures: { at: string; eventId: number; eventType: string; status: number | null; error: string }[];
};

/** The compliance page: lag (oldest undelivered event of this org), backlog and recent failures. */
export async function archiveStreamStatus(db: Db, orgId: string): Promise<ArchiveStreamStatus> {
  const [p] = await query<{ pending: number; oldest: string | Date | null }>(
    db,
    sql`select count(*)::int as pending, min(e.created_at) as oldest
        from outbox_deliveries d join outbox_events e on e.id = d.event_id
        where d.consumer = ${ARCHIVE_CONSUMER} and d.status = 'pending' and e.org_id = ${orgId}`,
  );
  const [okRow] = await query<{ n: number; last: string | Date | null }>(
    db,
    sql`select count(*)::int as n, max(at) as last from delivery_log where org_id = ${orgId} and target = ${ARCHIVE_TARGET} and ok`,
  );
  const failures = await query<{ at: string | Date; event_id: string | number; event_type: string; status: number | null; error: string }>(
    db,
    sql`select at, event_id, event_type, status, error from delivery_log
        where org_id = ${orgId} and target = ${ARCHIVE_TARGET} and not ok order by id desc limit 20`,
  );
  const e = env();
  const oldest = p?.oldest ? new Date(p.oldest).getTime() : null;
  return {
    configured: Boolean(e.ARCHIVE_STREAM_URL && e.ARCHIVE_STREAM_SECRET),
    pending: Number(p?.pending ?? 0),
    oldestPendingSeconds: oldest === null ? null : Math.max(0, Math.round((now().getTime() - oldest) / 1000)),
    delivered: Number(okRow?.n ?? 0),
    lastDeliveredAt: okRow?.last ? new Date(okRow.last).toISOString() : null,
    failures: failures.map((f) => ({ at: new Date(f.at).toISOString(), eventId: Number(f.event_id), eventType: f.event_type, status: f.status, error: f.error })),
  };
}

export function logArchiveConfig() {
  const e = env();
  if (e.ARCHIVE_STREAM_URL && !e.ARCHIVE_STREAM_SECRET) logLine("warn", { msg: "ARCHIVE_STREAM_URL is set without ARCHIVE_STREAM_SECRET: the archive stream is off" });
}

/** The compliance page (compliance officers; 404 to others). */
export async function archiveStreamPage(viewer: Viewer, db?: Db) {
  const { orgId } = authorizeOrg(viewer, "view_archive_stream");
  return archiveStreamStatus(db ?? (await getDb()), orgId);
}
