import { sql } from "drizzle-orm";
import { getDb, query, type Db, type DbOrTx, type Tx } from "~/db/client.server";
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

export type Consumer = {
  name: string;
  /** Topic prefixes this consumer receives, e.g. "content." */
  topics: string[];
  /**
   * Applies a batch. Runs inside the transaction that marks the batch done, so
   * effects written with `tx` commit exactly once. Effects outside Postgres must
   * be idempotent (delivery is at least once).
   */
  handle(events: OutboxEvent[], tx: Tx): Promise<void>;
  batchSize?: number;
  /** default MAX_ATTEMPTS; Infinity never dead-letters (derived data that must converge) */
  maxAttempts?: number;
  /** cap on the retry delay (default 10 min) */
  maxBackoffMs?: number;
  /** one batch at a time across every instance (transaction-scoped advisory lock) */
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
  registry.set(c.name, c);
}
export function unregisterConsumer(name: string) {
  registry.delete(name);
}
export function consumers(): Consumer[] {
  return [...registry.values()];
}

export const MAX_ATTEMPTS = 8;
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
  const [row] = await query<{ id: string | number }>(
    tx,
    sql`insert into outbox_events (org_id, topic, subject_id, payload, created_at)
        values (${e.orgId}, ${e.topic}, ${e.subjectId}, ${JSON.stringify(e.payload ?? {})}::jsonb, ${now().toISOString()}::timestamptz)
        returning id`,
  );
  const id = Number(row.id);
  const targets = consumers().filter((c) => c.topics.some((t) => e.topic.startsWith(t)));
  for (const c of targets) {
    await tx.execute(
      sql`insert into outbox_deliveries (event_id, consumer, next_attempt_at) values (${id}, ${c.name}, ${now().toISOString()}::timestamptz)`,
    );
  }
  return id;
}

type Row = {
  event_id: string | number;
  org_id: string;
  topic: string;
  subject_id: string;
  payload: unknown;
  created_at: string | Date;
  attempts: number;
};

/**
 * Claims up to `batchSize` due deliveries of one consumer with FOR UPDATE SKIP LOCKED,
 * so any number of workers in any number of processes can drain side by side.
 * Returns how many deliveries were completed.
 */
export async function drainConsumer(db: Db, consumer: Consumer): Promise<number> {
  const limit = consumer.batchSize ?? 100;
  let claimed: Row[] = [];
  try {
    return await db.transaction(async (tx) => {
      if (consumer.exclusive) {
        const [lock] = await query<{ ok: boolean }>(tx, sql`select pg_try_advisory_xact_lock(hashtext(${"outbox:" + consumer.name})) as ok`);
        if (!lock?.ok) return 0; // another instance is draining this consumer
      }
      claimed = await query<Row>(
        tx,
        sql`select d.event_id, d.attempts, e.org_id, e.topic, e.subject_id, e.payload, e.created_at
            from outbox_deliveries d join outbox_events e on e.id = d.event_id
            where d.consumer = ${consumer.name} and d.status = 'pending' and d.next_attempt_at <= ${now().toISOString()}::timestamptz
            order by d.event_id
            limit ${limit}
            for update of d skip locked`,
      );
      if (claimed.length === 0) return 0;
      const events: OutboxEvent[] = claimed.map((r) => ({
        id: Number(r.event_id),
        orgId: r.org_id,
        topic: r.topic,
        subjectId: r.subject_id,
        payload: (typeof r.payload === "string" ? JSON.parse(r.payload) : r.payload) as Record<string, unknown>,
        createdAt: new Date(r.created_at),
      }));
      await consumer.handle(events, tx);
      const ids = events.map((e) => e.id);
      await tx.execute(
        sql`update outbox_deliveries set status = 'done', done_at = ${now().toISOString()}::timestamptz, attempts = attempts + 1
            where consumer = ${consumer.name} and event_id in (${sql.join(ids.map((i) => sql`${i}`), sql`, `)})`,
      );
      return events.length;
    });
  } catch (err) {
    if (claimed.length === 0) throw err;
    await recordFailure(db, consumer, claimed, err);
    return 0;
  }
}

async function recordFailure(db: Db, consumer: Consumer, rows: Row[], err: unknown) {
  const consumerName = consumer.name;
  const message = String((err as Error)?.message ?? err).slice(0, 1000);
  for (const r of rows) {
    const attempts = r.attempts + 1;
    const dead = attempts >= (consumer.maxAttempts ?? MAX_ATTEMPTS);
    const next = new Date(now().getTime() + backoffMs(attempts, consumer.maxBackoffMs)).toISOString();
    await db.execute(
      sql`update outbox_deliveries
          set attempts = ${attempts}, last_error = ${message}, status = ${dead ? "dead" : "pending"}, next_attempt_at = ${next}::timestamptz
          where consumer = ${consumerName} and event_id = ${Number(r.event_id)} and status = 'pending'`,
    );
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
    sql`update outbox_deliveries set status = 'pending', attempts = 0, next_attempt_at = ${now().toISOString()}::timestamptz
        where event_id = ${eventId} and consumer = ${consumer} and status = 'dead'`,
  );
}
