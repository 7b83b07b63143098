import { sql } from "drizzle-orm";
import { query, type DbOrTx, type Tx } from "~/db/client.server";
import { textArray } from "~/db/sql.server";
import { env } from "~/env.server";
import { emit, registerConsumer, type OutboxEvent } from "~/platform/outbox.server";
import { now } from "~/utils/clock.server";
import { canonicalTags } from "./skills.server";

// Inferred expertise per person and tag ("#kyc"), kept from outbox events one evidence
// row at a time (no nightly recompute): an accepted answer, each vote on an answer, each
// endorsement of a skill, each approved best practice. A score is the evidence's weight
// halved every EXPERTISE_HALF_LIFE_DAYS since it happened, summed when read.

export const EVIDENCE_WEIGHTS = { accepted: 5, vote: 1, endorsement: 2, best_practice: 5 } as const;
export type EvidenceKind = keyof typeof EVIDENCE_WEIGHTS;
/** The window the profile's explanation counts over ("… in the last 90 days"). */
export const EXPLANATION_WINDOW_DAYS = 90;

export const EXPERTISE_TOPICS = ["qa.answer.accepted", "qa.answer.unaccepted", "qa.vote.changed", "people.endorsement.", "discovery.approved", "content.deleted"];

const DAY_MS = 86_400_000;
const halfLifeSeconds = () => env().EXPERTISE_HALF_LIFE_DAYS * 86_400;

/** The decay factor of evidence `ageMs` old (exported so tests recompute scores by brute force). */
export const decay = (ageMs: number, halfLifeDays = env().EXPERTISE_HALF_LIFE_DAYS) => 0.5 ** (Math.max(0, ageMs) / (halfLifeDays * DAY_MS));

const str = (v: unknown) => (typeof v === "string" ? v : "");
const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

async function put(tx: Tx, e: OutboxEvent, userId: string, tags: string[], kind: EvidenceKind, sourceId: string, weight: number) {
  for (const tag of tags) {
    await tx.execute(sql`insert into expertise_evidence (org_id, user_id, tag, kind, source_id, weight, at)
      values (${e.orgId}, ${userId}, ${tag}, ${kind}, ${sourceId}, ${weight}, ${e.createdAt.toISOString()}::timestamptz)
      on conflict (user_id, tag, kind, source_id) do update set weight = excluded.weight, at = excluded.at`);
  }
}

async function drop(tx: Tx, userId: string, kind: EvidenceKind, sourceId: string, tags?: string[]) {
  await tx.execute(sql`delete from expertise_evidence where user_id = ${userId} and kind = ${kind} and source_id = ${sourceId}
    ${tags ? sql`and tag = any(${textArray(tags)})` : sql``}`);
}

/** Applies one event to the evidence; returns the person whose expertise changed, if any. */
async function apply(tx: Tx, e: OutboxEvent): Promise<string | null> {
  const p = e.payload;
  switch (e.topic) {
    case "qa.answer.accepted": {
      const author = str(p.answerAuthorId);
      if (!author || !str(p.answerId)) return null;
      // re-accepting replaces the evidence: its tags and its time are the latest acceptance's
      await drop(tx, author, "accepted", str(p.answerId));
      await put(tx, e, author, await canonicalTags(tx, e.orgId, strings(p.tags)), "accepted", str(p.answerId), EVIDENCE_WEIGHTS.accepted);
      return author;
    }
    case "qa.answer.unaccepted": {
      const author = str(p.answerAuthorId);
      if (!author) return null;
      await drop(tx, author, "accepted", str(p.answerId));
      return author;
    }
    case "qa.vote.changed": {
      const author = str(p.authorId);
      const voter = str(p.voterId);
      // votes on answers count; a vote on one's own answer never does
      if (p.contentKind !== "answer" || !author || !voter || author === voter) return null;
      const source = `${str(p.contentId)}:${voter}`;
      await drop(tx, author, "vote", source);
      const value = Number(p.value);
      if (value === 1 || value === -1) await put(tx, e, author, await canonicalTags(tx, e.orgId, strings(p.tags)), "vote", source, value * EVIDENCE_WEIGHTS.vote);
      return author;
    }
    case "people.endorsement.added":
    case "people.endorsement.withdrawn": {
      const user = str(p.userId);
      const tags = await canonicalTags(tx, e.orgId, [str(p.tag)]);
      if (!user || !tags.length) return null;
      if (e.topic === "people.endorsement.added") await put(tx, e, user, tags, "endorsement", str(p.endorserId), EVIDENCE_WEIGHTS.endorsement);
      else await drop(tx, user, "endorsement", str(p.endorserId), tags);
      return user;
    }
    case "discovery.approved": {
      const author = str(p.authorId);
      if (!author || !str(p.contentId)) return null;
      await drop(tx, author, "best_practice", str(p.contentId));
      await put(tx, e, author, await canonicalTags(tx, e.orgId, strings(p.tags)), "best_practice", str(p.contentId), EVIDENCE_WEIGHTS.best_practice);
      return author;
    }
    case "content.deleted": {
      // a deleted answer is no longer evidence: its acceptance and its votes go
      if (p.kind !== "answer") return null;
      const rows = await query<{ user_id: string }>(
        tx,
        sql`delete from expertise_evidence where org_id = ${e.orgId}
            and ((kind = 'accepted' and source_id = ${e.subjectId}) or (kind = 'vote' and source_id like ${`${e.subjectId}:%`}))
            returning user_id`,
      );
      return rows[0]?.user_id ?? null;
    }
  }
  return null;
}

export async function applyExpertiseEvents(events: OutboxEvent[], tx: Tx) {
  const changed = new Map<string, string>();
  for (const e of events) {
    const user = await apply(tx, e);
    if (user) changed.set(user, e.orgId);
  }
  // the people index carries each person's expertise tags: have it refreshed
  for (const [userId, orgId] of changed) await emit(tx, { orgId, topic: "user.expertise.changed", subjectId: userId });
}

export function registerExpertiseConsumer() {
  registerConsumer({ name: "expertise", topics: EXPERTISE_TOPICS, batchSize: 200, handle: applyExpertiseEvents });
}

const scoreSql = (at = now()) =>
  sql`sum(e.weight * power(0.5::float8, (greatest(0, extract(epoch from (${at.toISOString()}::timestamptz - e.at))) / ${halfLifeSeconds()})::float8))::float8`;

/**
 * The people with the highest expertise on any of `tags` (scores decayed to now), for
 * routing questions. Active people of the org only; the caller applies the policy
 * (barriers, who may see the question) to the candidates.
 */
export async function topExperts(
  db: DbOrTx,
  input: { orgId: string; tags: string[]; limit: number; excludeUserIds: string[] },
): Promise<{ userId: string; score: number }[]> {
  const tags = await canonicalTags(db, input.orgId, input.tags);
  if (!tags.length || input.limit <= 0) return [];
  const rows = await query<{ user_id: string; score: number }>(
    db,
    sql`select e.user_id, ${scoreSql()} as score
        from expertise_evidence e join users u on u.id = e.user_id
        where e.org_id = ${input.orgId} and e.tag = any(${textArray(tags)}) and u.status = 'active' and u.org_id = ${input.orgId}
          and not (e.user_id = any(${textArray(input.excludeUserIds)}))
        group by e.user_id having ${scoreSql()} > 0
        order by score desc, e.user_id limit ${Math.min(input.limit, 500)}`,
  );
  return rows.map((r) => ({ userId: r.user_id, score: Number(r.score) }));
}

/** Decayed scores of `userIds` on `tags` (all tags when empty), for ranking the directory. */
export async function expertiseScores(db: DbOrTx, orgId: string, userIds: string[], tags: string[]): Promise<Map<string, number>> {
  if (!userIds.length) return new Map();
  const rows = await query<{ user_id: string; score: number }>(
    db,
    sql`select e.user_id, ${scoreSql()} as score from expertise_evidence e
        where e.org_id = ${orgId} and e.user_id = any(${textArray(userIds)}) ${tags.length ? sql`and e.tag = any(${textArray(tags)})` : sql``}
        group by e.user_id`,
  );
  return new Map(rows.map((r) => [r.user_id, Number(r.score)]));
}

/** People with any evidence on `tags` (the directory finds them even without a declared skill). */
export async function peopleWithEvidence(db: DbOrTx, orgId: string, tags: string[]): Promise<string[]> {
  if (!tags.length) return [];
  const rows = await query<{ user_id: string }>(
    db,
    sql`select distinct user_id from expertise_evidence where org_id = ${orgId} and tag = any(${textArray(tags)})`,
  );
  return rows.map((r) => r.user_id);
}

export type ExpertiseLine = {
  tag: string;
  score: number;
  /** counts of the evidence in the last EXPLANATION_WINDOW_DAYS days */
  windowDays: number;
  accepted: number;
  upvotes: number;
  downvotes: number;
  endorsements: number;
  bestPractices: number;
};

/** A person's expertise per tag, strongest first, with the activity behind it in words' worth of counts. */
export async function userExpertise(db: DbOrTx, orgId: string, userId: string, limit = 12): Promise<ExpertiseLine[]> {
  const t = now();
  const since = new Date(t.getTime() - EXPLANATION_WINDOW_DAYS * DAY_MS).toISOString();
  const rows = await query<{ tag: string; score: number; accepted: number; upvotes: number; downvotes: number; endorsements: number; best: number }>(
    db,
    sql`select e.tag, ${scoreSql(t)} as score,
          count(*) filter (where e.kind = 'accepted' and e.at >= ${since}::timestamptz)::int as accepted,
          count(*) filter (where e.kind = 'vote' and e.weight > 0 and e.at >= ${since}::timestamptz)::int as upvotes,
          count(*) filter (where e.kind = 'vote' and e.weight < 0 and e.at >= ${since}::timestamptz)::int as downvotes,
          count(*) filter (where e.kind = 'endorsement' and e.at >= ${since}::timestamptz)::int as endorsements,
          count(*) filter (where e.kind = 'best_practice' and e.at >= ${since}::timestamptz)::int as best
        from expertise_evidence e where e.org_id = ${orgId} and e.user_id = ${userId}
        group by e.tag order by score desc, e.tag limit ${limit}`,
  );
  return rows.map((r) => ({
    tag: r.tag,
    score: Number(r.score),
    windowDays: EXPLANATION_WINDOW_DAYS,
    accepted: Number(r.accepted),
    upvotes: Number(r.upvotes),
    downvotes: Number(r.downvotes),
    endorsements: Number(r.endorsements),
    bestPractices: Number(r.best),
  }));
}

/** Tags a person has positive expertise on (for their people document). */
export async function expertiseTagsOf(db: DbOrTx, userIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (!userIds.length) return out;
  const rows = await query<{ user_id: string; tag: string }>(
    db,
    sql`select e.user_id, e.tag from expertise_evidence e where e.user_id = any(${textArray(userIds)}) group by e.user_id, e.tag having sum(e.weight) > 0`,
  );
  for (const r of rows) out.set(r.user_id, [...(out.get(r.user_id) ?? []), r.tag]);
  return out;
}
