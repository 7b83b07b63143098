import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { getDb, query, type Db } from "../../app/db/client.server";
import { checkHealth } from "../../app/platform/health.server";
import { drainConsumer, emit, leaseMs, registerConsumer, unregisterConsumer, type Consumer, type OutboxEvent } from "../../app/platform/outbox.server";
import { testClock } from "../../app/utils/clock.server";

// The outbox's network phase: claimed under a lease in one short transaction, delivered
// outside any transaction with a deadline, recorded in another short transaction.

let db: Db;
const names: string[] = [];
beforeAll(async () => {
  db = await getDb();
  process.env.OUTBOX_BACKOFF_MS = "1000";
});
afterEach(() => {
  for (const n of names.splice(0)) unregisterConsumer(n);
  vi.restoreAllMocks();
});
afterAll(() => {
  delete process.env.OUTBOX_BACKOFF_MS;
});

function consumer(c: Omit<Consumer, "name" | "topics"> & { name: string }): Consumer {
  const full = { topics: [`lease.${c.name}`], ...c };
  registerConsumer(full);
  names.push(full.name);
  return full;
}

async function emitFor(c: Consumer, n = 1) {
  const ids: number[] = [];
  await db.transaction(async (tx) => {
    for (let i = 0; i < n; i++) ids.push(await emit(tx, { orgId: "lease-org", topic: c.topics[0], subjectId: `s${i}` }));
  });
  return ids;
}

async function row(c: Consumer, eventId: number) {
  const [r] = await query<{ status: string; attempts: number; claimed_by: string | null; last_error: string | null; next_attempt_at: string | Date }>(
    db,
    sql`select status, attempts, claimed_by, last_error, next_attempt_at from outbox_deliveries where consumer = ${c.name} and event_id = ${eventId}`,
  );
  return r;
}

/** A promise with its resolve, to hold a network phase open from the test. */
function gate<T = void>() {
  let open!: (v: T) => void;
  const p = new Promise<T>((r) => (open = r));
  return { p, open };
}

describe("outbox leases", () => {
  it("a worker that claimed a batch and never recorded it (crashed) loses it when the lease lapses; another worker delivers", async () => {
    testClock.freeze(new Date("2026-04-01T09:00:00Z"));
    const delivered: number[][] = [];
    let first = true;
    const stuck = gate();
    const called = gate();
    const c = consumer({
      name: "lease-crash",
      exclusive: true,
      timeoutMs: 600_000, // the "crashed" worker never reaches its deadline in this test
      async deliver(events: OutboxEvent[]) {
        if (first) {
          first = false;
          called.open();
          await stuck.p; // worker A hangs here: claimed, never recorded
        }
        delivered.push(events.map((e) => e.id));
      },
      async handle(events, tx) {
        for (const e of events) await tx.execute(sql`select ${e.id}`);
      },
    });
    const [id] = await emitFor(c);
    const workerA = drainConsumer(db, c, { workerId: "worker-A" });
    await called.p;
    const claimed = await row(c, id);
    expect(claimed.claimed_by).toMatch(/^worker-A:/);
    expect(claimed.attempts).toBe(1);
    // before the lease lapses, nobody else takes it
    expect(await drainConsumer(db, c, { workerId: "worker-B" })).toBe(0);
    testClock.advance(leaseMs(c) - 1_000);
    expect(await drainConsumer(db, c, { workerId: "worker-B" })).toBe(0);
    // the lease lapses: worker B delivers and records it
    testClock.advance(2_000);
    expect(await drainConsumer(db, c, { workerId: "worker-B" })).toBe(1);
    const done = await row(c, id);
    expect(done.status).toBe("done");
    expect(done.attempts).toBe(2); // the crashed attempt counts
    expect(delivered).toEqual([[id]]);
    // worker A wakes up late: its lease is gone, so it records nothing
    stuck.open();
    expect(await workerA).toBe(0);
    expect((await row(c, id)).status).toBe("done");
    expect(delivered).toEqual([[id], [id]]); // at least once: A's late call happened, but only B recorded
  });

  it("a network phase past its deadline is recorded as a failure with backoff, and holds no transaction meanwhile", async () => {
    testClock.freeze(new Date("2026-04-02T09:00:00Z"));
    const entered = gate();
    let settled = false;
    const c = consumer({
      name: "lease-hang",
      timeoutMs: 1_500,
      async deliver() {
        entered.open();
        await new Promise(() => undefined); // a frozen server: never answers, ignores the signal
      },
    });
    const [id] = await emitFor(c);
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const drained = drainConsumer(db, c).finally(() => (settled = true));
    await entered.p;
    // While the network phase hangs, another write commits (PGlite has ONE connection).
    const t0 = performance.now();
    const other = await db.transaction((tx) => emit(tx, { orgId: "lease-org", topic: "lease.unrelated", subjectId: "w" }).catch(() => -1));
    await db.execute(sql`select 1`);
    const writeMs = performance.now() - t0;
    expect(settled, "the write committed while the delivery still hung").toBe(false);
    expect(writeMs).toBeLessThan(1_500);
    void other;
    expect(await drained).toBe(0);
    const r = await row(c, id);
    expect(r.status).toBe("pending");
    expect(r.attempts).toBe(1);
    expect(r.claimed_by).toBeNull();
    expect(r.last_error).toContain("timed out after 1500 ms");
    expect(new Date(r.next_attempt_at).getTime()).toBe(new Date("2026-04-02T09:00:01Z").getTime()); // backoff base 1 s
    // not due before the backoff has passed
    expect(await drainConsumer(db, { ...c, deliver: async () => undefined })).toBe(0);
    // one structured line: consumer, events, topic, attempt, error, next attempt
    const lines = errors.mock.calls.map((a) => String(a[0])).filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
    const line = lines.find((l) => l.consumer === "lease-hang");
    expect(line).toMatchObject({
      level: "error",
      msg: "outbox delivery failed",
      consumer: "lease-hang",
      eventIds: [id],
      topics: ["lease.lease-hang"],
      attempt: 1,
      nextAttemptAt: "2026-04-02T09:00:01.000Z",
      deadLettered: false,
    });
    expect(line.error).toContain("timed out");
    testClock.advance(1_000);
    expect(await drainConsumer(db, { ...c, deliver: async () => undefined })).toBe(1);
    expect((await row(c, id)).status).toBe("done");
  });

  it("an exclusive consumer has one batch in flight across workers", async () => {
    const entered = gate();
    const release = gate();
    let inFlight = 0;
    let most = 0;
    const c = consumer({
      name: "lease-exclusive",
      exclusive: true,
      batchSize: 2,
      async deliver() {
        most = Math.max(most, ++inFlight);
        entered.open();
        await release.p;
        inFlight--;
      },
    });
    await emitFor(c, 6);
    const a = drainConsumer(db, c, { workerId: "A" });
    await entered.p;
    expect(await drainConsumer(db, c, { workerId: "B" })).toBe(0); // A holds the live lease
    release.open();
    expect(await a).toBe(2);
    while ((await drainConsumer(db, c, { workerId: "B" })) > 0);
    expect(most).toBe(1);
    const [{ n }] = await query<{ n: number }>(db, sql`select count(*)::int as n from outbox_deliveries where consumer = ${c.name} and status = 'done'`);
    expect(n).toBe(6);
  });

  it("/healthz counts the backlog: pending per consumer, oldest pending age, dead letters", async () => {
    testClock.freeze(new Date("2026-04-03T09:00:00Z"));
    const failing = consumer({ name: "lease-backlog", maxAttempts: 1, deliver: async () => Promise.reject(new Error("webhook refused")) });
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    await emitFor(failing, 3);
    testClock.advance(30_000);
    let h = await checkHealth();
    expect(h.db).toBe("ok");
    expect(h.backlog!.consumers["lease-backlog"]).toEqual({ pending: 3, due: 3, oldestPendingSeconds: 30, dead: 0 });
    // a delivery scheduled for later (a retry's backoff, or a frozen test clock's future) is pending, not due
    const [later] = await emitFor(failing, 1);
    await db.execute(sql`update outbox_deliveries set next_attempt_at = ${new Date("2033-06-08T09:00:00Z").toISOString()}::timestamptz
      where consumer = ${failing.name} and event_id = ${later}`);
    h = await checkHealth();
    expect(h.backlog!.consumers["lease-backlog"]).toMatchObject({ pending: 4, due: 3 });
    await db.execute(sql`update outbox_deliveries set status = 'done' where consumer = ${failing.name} and event_id = ${later}`);
    expect(h.backlog!.pending).toBeGreaterThanOrEqual(3);
    // one attempt allowed: the batch is dead-lettered
    expect(await drainConsumer(db, failing)).toBe(0);
    h = await checkHealth();
    expect(h.backlog!.consumers["lease-backlog"]).toEqual({ pending: 0, due: 0, oldestPendingSeconds: null, dead: 3 });
    expect(h.backlog!.dead).toBeGreaterThanOrEqual(3);
  });

  it("health does not call a busy database down", async () => {
    await db.execute(sql`select 1`);
    // hold a transaction (on PGlite: the only connection) for longer than the probe waits
    const held = db.transaction(async (tx) => {
      await tx.execute(sql`select 1`);
      await new Promise((r) => setTimeout(r, 2_500));
    });
    await new Promise((r) => setTimeout(r, 50));
    const t0 = performance.now();
    const h = await checkHealth();
    const ms = performance.now() - t0;
    expect(h.db).toBe("ok");
    expect(ms, "answers quickly, without waiting for the busy connection").toBeLessThan(2_300);
    if (!process.env.DATABASE_URL) expect(h.dbBusy).toBe(true); // PGlite: the probe waited behind the transaction
    await held;
  });
});
