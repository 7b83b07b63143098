import { spawn } from "node:child_process";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb, openDatabase, query, type Db } from "../../app/db/client.server";
import { deadLetters, drainAll, drainConsumer, emit, unregisterConsumer, registerConsumer, MAX_ATTEMPTS } from "../../app/platform/outbox.server";
import { testClock } from "../../app/utils/clock.server";
import { EFFECTS_DDL, registerTestConsumers } from "../support/outbox-consumers";

let db: Db;
const usingPostgres = () => !!process.env.DATABASE_URL;

beforeAll(async () => {
  db = await getDb();
  await db.execute(EFFECTS_DDL);
  process.env.OUTBOX_BACKOFF_MS = "1";
});
afterAll(() => {
  unregisterConsumer("test-steady");
  unregisterConsumer("test-flaky");
  unregisterConsumer("test-broken");
  delete process.env.OUTBOX_BACKOFF_MS;
});

async function emitMany(n: number, orgId: string) {
  const ids: number[] = [];
  for (let i = 0; i < n; i += 50) {
    await db.transaction(async (tx) => {
      for (let j = i; j < Math.min(n, i + 50); j++) ids.push(await emit(tx, { orgId, topic: "test.thing", subjectId: `s${j}` }));
    });
  }
  return ids;
}

function runWorker(orgId: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "tests/support/drain-worker.ts"], {
      env: { ...process.env, OUTBOX_BACKOFF_MS: "1", OUTBOX_TEST_ORG: orgId },
      stdio: ["ignore", "inherit", "inherit"],
    });
    child.on("error", reject);
    child.on("exit", (code) => resolve(code ?? -1));
  });
}

describe("outbox", () => {
  it("two workers deliver every event to every consumer exactly once in effect", async () => {
    registerTestConsumers(0.3);
    const orgId = `outbox-${Date.now()}`;
    const ids = await emitMany(400, orgId);
    if (usingPostgres()) {
      // two real processes against one database, racing on the same deliveries
      const codes = await Promise.all([runWorker(orgId), runWorker(orgId)]);
      expect(codes).toEqual([0, 0]);
    } else {
      // PGlite admits one process per database: race two drain loops in this one
      const loop = async () => {
        for (let k = 0; k < 500; k++) if ((await drainAll(db)) === 0) {
          const [r] = await query<{ n: number }>(db, sql`select count(*)::int as n from outbox_deliveries d join outbox_events e on e.id = d.event_id
                 where e.org_id = ${orgId} and d.consumer in ('test-steady', 'test-flaky') and d.status = 'pending'`);
          if (!r.n) break;
        }
      };
      await Promise.all([loop(), loop()]);
    }
    const effects = await query<{ consumer: string; event_id: string | number; n: number }>(
      db,
      sql`select consumer, event_id, count(*)::int as n from test_effects
          where event_id in (${sql.join(ids.map((i) => sql`${i}`), sql`, `)}) group by consumer, event_id`,
    );
    for (const consumer of ["test-steady", "test-flaky"]) {
      const mine = effects.filter((e) => e.consumer === consumer);
      expect(mine.length, `${consumer}: no loss`).toBe(ids.length);
      expect(mine.filter((e) => e.n !== 1), `${consumer}: no double effect`).toEqual([]);
    }
    const [pending] = await query<{ n: number }>(
      db,
      sql`select count(*)::int as n from outbox_deliveries where event_id in (${sql.join(ids.map((i) => sql`${i}`), sql`, `)}) and status <> 'done'`,
    );
    expect(pending.n).toBe(0);
    if (usingPostgres()) {
      const [pids] = await query<{ n: number }>(db, sql`select count(distinct pid)::int as n from test_effects where event_id in (${sql.join(ids.map((i) => sql`${i}`), sql`, `)})`);
      expect(pids.n).toBe(2); // both processes did real work
    }
    unregisterConsumer("test-steady");
    unregisterConsumer("test-flaky");
  }, 120_000);

  it("retries with backoff, then dead-letters after the last attempt", async () => {
    const calls: number[] = [];
    registerConsumer({
      name: "test-broken",
      topics: ["test.broken"],
      handle: async (ev) => {
        calls.push(ev[0].id);
        throw new Error("downstream is down");
      },
    });
    const orgId = `outbox-dead-${Date.now()}`;
    testClock.freeze(new Date("2026-03-01T00:00:00Z"));
    const id = await db.transaction((tx) => emit(tx, { orgId, topic: "test.broken", subjectId: "x" }));
    const consumer = { name: "test-broken", topics: ["test.broken"], handle: async () => { calls.push(-1); throw new Error("downstream is down"); } };
    process.env.OUTBOX_BACKOFF_MS = "60000";
    try {
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        expect(await drainConsumer(db, consumer)).toBe(0);
        // not due again until the backoff has passed
        const before = calls.length;
        await drainConsumer(db, consumer);
        expect(calls.length).toBe(before);
        testClock.advance(600_001);
      }
    } finally {
      process.env.OUTBOX_BACKOFF_MS = "1";
    }
    expect(calls.length).toBe(MAX_ATTEMPTS);
    const dead = await deadLetters(orgId);
    expect(dead.map((d) => [Number(d.event_id), d.consumer, d.attempts])).toEqual([[id, "test-broken", MAX_ATTEMPTS]]);
    expect(dead[0].last_error).toContain("downstream is down");
    unregisterConsumer("test-broken");
  });
});

void openDatabase;
