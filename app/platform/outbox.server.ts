import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { sql } from "drizzle-orm";
import { getDb, query, type Db, type DbOrTx, type Tx } from "~/db/client.server";
import { textArray, ts } from "~/db/sql.server";
import { env } from "~/env.server";
import { now } from "~/utils/clock.server";

export type OutboxEvent = {
  id: number;
  orgId: string;
  topic: string;
  subjectId: string;
  payload: Record<string, unknown>;
  createdAt: Date;
};

/** What a network phase receives: the database for short reads (never a transaction) and its deadline. */
export type DeliverContext = { db: Db; signal: AbortSignal };

export type Consumer = {
  name: string;
  /**
   * Someone waits for this consumer's effect (a new post in search): on a commit's nudge its lane
   * starts first and the others a moment later, so the events' fan-out to every consumer does
   * not compete with its claim and push on a small machine.
   */
  first?: boolean;
  /** Topic prefixes this consumer receives, e.g. "content." */
  topics: string[];
  /**
   * Network phase, for an effect outside Postgres (search index, mail, webhooks, the archive
   * stream). Runs OUTSIDE any transaction, on a batch claimed under a lease, and must finish
   * within `timeoutMs` (then `ctx.signal` aborts and the batch is retried with backoff).
   * Must be idempotent: a crash or a lapsed lease delivers the batch again (at least once).
   * Reads go through `ctx.db` as short autocommit queries.
   */
  deliver?(events: OutboxEvent[], ctx: DeliverContext): Promise<void>;
  /** deadline of `deliver` (default DELIVER_TIMEOUT_MS); the lease outlives it */
  timeoutMs?: number;
  /**
   * Postgres phase. Runs inside the short transaction that marks the batch done, so effects
   * written with `tx` commit exactly once. Never call the network from here.
   */
  handle?(events: OutboxEvent[], tx: Tx): Promise<void>;
  batchSize?: number;
  /** default MAX_ATTEMPTS; Infinity never dead-letters (derived data that must converge) */
  maxAttempts?: number;
  /** cap on the retry delay (default 10 min) */
  maxBackoffMs?: number;
  /** one batch in flight at a time across every instance (advisory lock, and a live lease for `deliver`) */
  exclusive?: boolean;
};

// In-process wake-up after a commit, so fresh events do not wait for the next poll.
const wakers: Set<() => void> = (((globalThis as Record<string, unknown>).__atriumOutboxWakers ??= new Set()) as Set<() => void>);
export function onOutboxNudge(fn: () => void) {
  wakers.add(fn);
  return () => wakers.delete(fn);
}
export function nudgeOutbox() {
  for (const fn of wakers) fn();
}

const registry: Map<string, Consumer> = (((globalThis as Record<string, unknown>).__atriumConsumers ??= new Map()) as Map<
  string,
  Consumer
>);

export function registerConsumer(c: Consumer) {
  if (!c.deliver && !c.handle) throw new Error(`consumer ${c.name} has neither deliver nor handle`);
  registry.set(c.name, c);
}
export function unregisterConsumer(name: string) {
  registry.delete(name);
}
export function consumers(): Consumer[] {
  return [...registry.values()];
}

export const MAX_ATTEMPTS = 8;
/** default deadline of a consumer's network phase */
export const DELIVER_TIMEOUT_MS = 10_000;
/**
 * A claim's lease, renewed every LEASE_BEAT_MS while its worker is in the network phase: a live
 * worker keeps its batch until its deadline, a killed one loses it within this time. (A lease that
 * had to outlive the 60 s search deadline held a SIGKILLed instance's search batch for two minutes,
 * and the exclusive search consumer with it: `npm run chaos`.)
 */
export const LEASE_MS = 15_000;
export const LEASE_BEAT_MS = 5_000;
export const leaseMs = (_c: Consumer) => LEASE_MS;
/** Who claims: this process; a random suffix per claim tells two batches of one process apart. */
export const WORKER_ID = `${hostname()}:${process.pid}`;
/** base, 2×base, 4×base … capped at 10 min (base: OUTBOX_BACKOFF_MS, default 1 s). */
export const backoffMs = (attempts: number, cap = 600_000) =>
  Math.min(cap, env().OUTBOX_BACKOFF_MS * 2 ** Math.max(0, attempts - 1));

export type NewEvent = { orgId: string; topic: string; subjectId: string; payload?: Record<string, unknown> };

/** Appends an event in the caller's transaction, with one pending delivery per subscribed consumer. */
export async function emit(tx: DbOrTx, e: NewEvent) {
  if (registry.size === 0) {
    // An event nobody consumes would be silently lost: the wiring must run first.
    throw new Error("no outbox consumers registered: call registerConsumers() from app/boot.server.ts before writing");
  }
  const at = now().toISOString();
  const targets = consumers().filter((c) => c.topics.some((t) => e.topic.startsWith(t)));
  // the event and one delivery per consumer in one statement: a write's transaction (and the
  // org's chain lock it may hold) waits for one round trip here, not one per consumer
  const [row] = await query<{ id: string | number }>(
    tx,
    sql`with event as (
          insert into outbox_events (org_id, topic, subject_id, payload, created_at)
          values (${e.orgId}, ${e.topic}, ${e.subjectId}, ${JSON.stringify(e.payload ?? {})}::jsonb, ${at}::timestamptz)
          returning id
        ), deliveries as (
          insert into outbox_deliveries (event_id, consumer, next_attempt_at)
          select event.id, t.consumer, ${at}::timestamptz from event, unnest(${textArray(targets.map((c) => c.name))}) as t(consumer)
        )
        select id from event`,
  );
  return Number(row.id);
}

type Claimed = { event_id: string | number; attempts: number };
type EventRow = { id: string | number; org_id: string; topic: string; subject_id: string; payload: unknown; created_at: string | Date };

const idList = (ids: number[]) => sql.join(ids.map((i) => sql`${i}`), sql`, `);

async function loadEvents(tx: DbOrTx, ids: number[]): Promise<OutboxEvent[]> {
  const rows = await query<EventRow>(
    tx,
    sql`select id, org_id, topic, subject_id, payload, created_at from outbox_events where id in (${idList(ids)}) order by id`,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    orgId: r.org_id,
    topic: r.topic,
    subjectId: r.subject_id,
    payload: (typeof r.payload === "string" ? JSON.parse(r.payload) : r.payload) as Record<string, unknown>,
    createdAt: new Date(r.created_at),
  }));
}

/** For exclusive consumers: one claimer at a time (transaction-scoped), or 0 when another holds it. */
async function exclusiveLock(tx: Tx, consumer: Consumer) {
  const [lock] = await query<{ ok: boolean }>(tx, sql`select pg_try_advisory_xact_lock(hashtext(${"outbox:" + consumer.name})) as ok`);
  return !!lock?.ok;
}

/**
 * Delivers up to `batchSize` due deliveries of one consumer; returns how many were completed.
 * Any number of workers in any number of processes can drain side by side.
 *
 * - A consumer with only `handle` (effect in Postgres) runs in ONE short transaction: claim
 *   with FOR UPDATE SKIP LOCKED, apply, mark done. Exactly once in effect.
 * - A consumer with `deliver` (effect elsewhere) never holds a transaction across the network:
 *   (1) a short transaction claims the batch under a lease (claimed_by/claimed_until);
 *   (2) `deliver` runs outside any transaction with a deadline;
 *   (3) a short transaction records the outcome (done, with `handle` if any; or failure with
 *   backoff, or dead letter) only for rows this claim still holds.
 */
export async function drainConsumer(db: Db, consumer: Consumer, opts: { workerId?: string } = {}): Promise<number> {
  return consumer.deliver ? drainWithLease(db, consumer, opts.workerId ?? WORKER_ID) : drainInTransaction(db, consumer);
}

async function drainInTransaction(db: Db, consumer: Consumer): Promise<number> {
  const limit = consumer.batchSize ?? 100;
  let claimed: Claimed[] = [];
  let events: OutboxEvent[] = [];
  try {
    return await db.transaction(async (tx) => {
      if (consumer.exclusive && !(await exclusiveLock(tx, consumer))) return 0; // another instance is draining it
      claimed = await query<Claimed>(
        tx,
        sql`select event_id, attempts from outbox_deliveries
            where consumer = ${consumer.name} and status = 'pending' and next_attempt_at <= ${ts(now())}
            order by event_id
            limit ${limit}
            for update skip locked`,
      );
      if (claimed.length === 0) return 0;
      const ids = claimed.map((r) => Number(r.event_id));
      events = await loadEvents(tx, ids);
      await consumer.handle!(events, tx);
      await tx.execute(
        sql`update outbox_deliveries set status = 'done', done_at = ${ts(now())}, attempts = attempts + 1
            where consumer = ${consumer.name} and event_id in (${idList(ids)})`,
      );
      return events.length;
    });
  } catch (err) {
    if (claimed.length === 0) throw err;
    // the transaction rolled back: this attempt is counted here
    await recordFailure(db, consumer, claimed.map((r) => ({ eventId: Number(r.event_id), attempts: r.attempts + 1 })), events, err, null);
    return 0;
  }
}

async function drainWithLease(db: Db, consumer: Consumer, workerId: string): Promise<number> {
  const limit = consumer.batchSize ?? 100;
  const token = `${workerId}:${randomUUID().slice(0, 8)}`;
  const timeoutMs = consumer.timeoutMs ?? DELIVER_TIMEOUT_MS;

  // (1) claim: the lease also moves next_attempt_at, so a leased row is simply not due;
  // the attempt is counted now, so a batch that crashes its worker every time still dead-letters.
  const batch = await db.transaction(async (tx) => {
    if (consumer.exclusive) {
      if (!(await exclusiveLock(tx, consumer))) return null;
      const live = await query(
        tx,
        sql`select 1 from outbox_deliveries
            where consumer = ${consumer.name} and status = 'pending' and claimed_until > ${ts(now())} limit 1`,
      );
      if (live.length) return null; // a batch is in flight elsewhere
    }
    const at = now();
    const until = new Date(at.getTime() + leaseMs(consumer));
    const rows = await query<Claimed>(
      tx,
      sql`update outbox_deliveries d
          set claimed_by = ${token}, claimed_until = ${ts(until)}, next_attempt_at = ${ts(until)}, attempts = d.attempts + 1
          from (select event_id from outbox_deliveries
                where consumer = ${consumer.name} and status = 'pending' and next_attempt_at <= ${ts(at)}
                order by event_id
                limit ${limit}
                for update skip locked) due
          where d.consumer = ${consumer.name} and d.event_id = due.event_id
          returning d.event_id, d.attempts`,
    );
    if (!rows.length) return null;
    return { rows, events: await loadEvents(tx, rows.map((r) => Number(r.event_id))) };
  });
  if (!batch) return 0;
  const { rows, events } = batch;
  const ids = events.map((e) => e.id);

  // (2) the network phase, outside any transaction, with a deadline; the lease is renewed meanwhile
  const beat = setInterval(() => {
    const until = ts(new Date(now().getTime() + leaseMs(consumer)));
    db.execute(
      sql`update outbox_deliveries set claimed_until = ${until}, next_attempt_at = ${until}
          where consumer = ${consumer.name} and claimed_by = ${token} and status = 'pending'`,
    ).catch(() => undefined); // a missed beat only shortens the lease: delivery is at least once
  }, LEASE_BEAT_MS);
  beat.unref();
  try {
    await withDeadline((signal) => consumer.deliver!(events, { db, signal }), timeoutMs, `${consumer.name}: delivery timed out after ${timeoutMs} ms`);
  } catch (err) {
    clearInterval(beat);
    await recordFailure(db, consumer, rows.map((r) => ({ eventId: Number(r.event_id), attempts: r.attempts })), events, err, token);
    return 0;
  }
  clearInterval(beat);

  // (3) record: only rows this claim still holds (a lapsed lease may have passed them on)
  try {
    return await db.transaction(async (tx) => {
      const held = await query<{ event_id: string | number }>(
        tx,
        sql`update outbox_deliveries
            set status = 'done', done_at = ${ts(now())}, claimed_by = null, claimed_until = null, last_error = null
            where consumer = ${consumer.name} and event_id in (${idList(ids)}) and claimed_by = ${token} and status = 'pending'
            returning event_id`,
      );
      if (held.length < ids.length) {
        logLine("warn", { msg: "outbox lease lapsed before the outcome was recorded", consumer: consumer.name, lost: ids.length - held.length });
      }
      const mine = new Set(held.map((r) => Number(r.event_id)));
      if (consumer.handle && mine.size) await consumer.handle(events.filter((e) => mine.has(e.id)), tx);
      return mine.size;
    });
  } catch (err) {
    await recordFailure(db, consumer, rows.map((r) => ({ eventId: Number(r.event_id), attempts: r.attempts })), events, err, token);
    return 0;
  }
}

/** Runs `fn` with an AbortSignal that fires at the deadline; rejects then even if `fn` ignores the signal. */
export async function withDeadline<T>(fn: (signal: AbortSignal) => Promise<T>, ms: number, message: string): Promise<T> {
  const ac = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new Error(message);
      ac.abort(err);
      reject(err);
    }, ms);
  });
  try {
    return await Promise.race([fn(ac.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** One JSON line on stderr (errors) or stdout: what log collectors parse. */
export function logLine(level: "error" | "warn" | "info", fields: Record<string, unknown>) {
  const line = JSON.stringify({ level, at: new Date().toISOString(), ...fields });
  if (level === "info") console.log(line);
  else console.error(line);
}

/**
 * Records a failed attempt: backoff or dead letter, and one structured log line per group of
 * deliveries that share an attempt number (usually the whole batch). With a `token`, only rows
 * this claim still holds are touched.
 */
async function recordFailure(
  db: Db,
  consumer: Consumer,
  rows: { eventId: number; attempts: number }[],
  events: OutboxEvent[],
  err: unknown,
  token: string | null,
) {
  const message = String((err as Error)?.message ?? err).slice(0, 1000);
  const max = consumer.maxAttempts ?? MAX_ATTEMPTS;
  const byAttempt = new Map<number, number[]>();
  for (const r of rows) byAttempt.set(r.attempts, [...(byAttempt.get(r.attempts) ?? []), r.eventId]);
  const topicOf = new Map(events.map((e) => [e.id, e.topic]));
  for (const [attempts, ids] of byAttempt) {
    const dead = attempts >= max;
    const next = new Date(now().getTime() + backoffMs(attempts, consumer.maxBackoffMs));
    const held = await query<{ event_id: string | number }>(
      db,
      sql`update outbox_deliveries
          set attempts = ${attempts}, last_error = ${message}, status = ${dead ? "dead" : "pending"}, next_attempt_at = ${ts(next)},
              claimed_by = null, claimed_until = null
          where consumer = ${consumer.name} and event_id in (${idList(ids)}) and status = 'pending'
            ${token ? sql`and claimed_by = ${token}` : sql``}
          returning event_id`,
    );
    if (!held.length) continue;
    const eventIds = held.map((r) => Number(r.event_id));
    logLine("error", {
      msg: "outbox delivery failed",
      consumer: consumer.name,
      eventIds: eventIds.slice(0, 50),
      events: eventIds.length,
      topics: [...new Set(eventIds.map((i) => topicOf.get(i)).filter(Boolean))],
      attempt: attempts,
      error: message,
      nextAttemptAt: dead ? null : next.toISOString(),
      deadLettered: dead,
    });
  }
}

/** Drains every consumer until nothing is due. */
export async function drainAll(db?: Db): Promise<number> {
  const d = db ?? (await getDb());
  let total = 0;
  for (const c of consumers()) {
    for (;;) {
      const n = await drainConsumer(d, c);
      total += n;
      if (n === 0) break;
    }
  }
  return total;
}

export async function deadLetters(orgId: string, limit = 100) {
  const db = await getDb();
  return query<{ event_id: number; consumer: string; attempts: number; last_error: string; topic: string; subject_id: string }>(
    db,
    sql`select d.event_id, d.consumer, d.attempts, d.last_error, e.topic, e.subject_id
        from outbox_deliveries d join outbox_events e on e.id = d.event_id
        where d.status = 'dead' and e.org_id = ${orgId} order by d.event_id desc limit ${limit}`,
  );
}

/** Puts a dead delivery back in the queue (org admin action). */
export async function retryDead(eventId: number, consumer: string, db?: DbOrTx) {
  const d = db ?? (await getDb());
  await d.execute(
    sql`update outbox_deliveries set status = 'pending', attempts = 0, next_attempt_at = ${now().toISOString()}::timestamptz,
          claimed_by = null, claimed_until = null
        where event_id = ${eventId} and consumer = ${consumer} and status = 'dead'`,
  );
}

export type ConsumerBacklog = { pending: number; /** pending and due now or in flight (not waiting for a later retry) */ due: number; oldestPendingSeconds: number | null; dead: number };
export type Backlog = { pending: number; due: number; oldestPendingSeconds: number | null; dead: number; consumers: Record<string, ConsumerBacklog> };

/**
 * Pending deliveries per consumer, the age of the oldest, and dead letters: for /healthz.
 * Reads only the partial indexes on pending and dead rows, never the (large) done history.
 */
export async function outboxBacklog(db: DbOrTx): Promise<Backlog> {
  const rows = await query<{ consumer: string; pending: number; due: number; dead: number; oldest_at: string | Date | null }>(
    db,
    sql`with p as (select consumer, count(*)::int as pending, min(event_id) as oldest,
                     count(*) filter (where next_attempt_at <= ${ts(now())} or claimed_by is not null)::int as due
                   from outbox_deliveries where status = 'pending' group by consumer),
             d as (select consumer, count(*)::int as dead from outbox_deliveries where status = 'dead' group by consumer)
        select coalesce(p.consumer, d.consumer) as consumer, coalesce(p.pending, 0)::int as pending, coalesce(p.due, 0)::int as due, coalesce(d.dead, 0)::int as dead,
               e.created_at as oldest_at
        from p full join d on d.consumer = p.consumer
          left join outbox_events e on e.id = p.oldest`,
  );
  const at = now().getTime();
  const out: Backlog = { pending: 0, due: 0, oldestPendingSeconds: null, dead: 0, consumers: {} };
  for (const c of consumers()) out.consumers[c.name] = { pending: 0, due: 0, oldestPendingSeconds: null, dead: 0 };
  for (const r of rows) {
    const age = r.oldest_at ? Math.max(0, Math.round((at - new Date(r.oldest_at).getTime()) / 100) / 10) : null;
    out.consumers[r.consumer] = { pending: Number(r.pending), due: Number(r.due), oldestPendingSeconds: age, dead: Number(r.dead) };
    out.pending += Number(r.pending);
    out.due += Number(r.due);
    out.dead += Number(r.dead);
    if (age !== null && (out.oldestPendingSeconds === null || age > out.oldestPendingSeconds)) out.oldestPendingSeconds = age;
  }
  return out;
}
