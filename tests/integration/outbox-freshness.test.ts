import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb, getDbHandle } from "../../app/db/client.server";
import { beginForeground, GATE } from "../../app/db/priority.server";
import { loadViewer } from "../../app/policy/viewer.server";
import { registerConsumer, unregisterConsumer, type Consumer } from "../../app/platform/outbox.server";
import { FIRST_HEAD_START_MS, startWorkers, stopWorkers } from "../../app/platform/workers.server";
import { makeOrg, makePost, makeUser } from "../../scripts/lib/factories";
import { waitFor } from "../../scripts/lib/server-process";
import { onlyConsumers } from "../support/outbox-consumers";

// Freshness (issue 19): on PostgreSQL an outbox drain does not wait for requests to go quiet. A
// busy server always has a request in flight, so waiting (PGlite's rule: one connection) made
// every write's commit → searchable up to GATE.maxWaitMs late. On PGlite the rule stays.

const gateBefore = { ...GATE };
const delivered = new Map<string, number>(); // post id → when the consumer saw it

let restore: () => Promise<void>;

beforeAll(async () => {
  const probe: Consumer = {
    name: "freshness-probe",
    topics: ["content.created"],
    deliver: async (events) => {
      for (const e of events) delivered.set(e.subjectId, Date.now());
    },
  };
  restore = onlyConsumers([probe]);
  // waiting for quiet, were it applied while a request is in flight, would be obvious: a minute
  GATE.maxWaitMs = 60_000;
  GATE.quietMs = 200;
  startWorkers({ outboxTickMs: 60_000, jobs: [] }); // no poll in the measure: the commit's nudge only
});

afterAll(async () => {
  await stopWorkers();
  await restore();
  Object.assign(GATE, gateBefore);
});

describe("an outbox drain while a request is in flight", () => {
  it("PostgreSQL: delivers at once; PGlite: waits until requests go quiet", async () => {
    const kind = (await getDbHandle()).kind;
    const org = await makeOrg("Freshness Bank");
    const author = await loadViewer(await getDb(), (await makeUser(org.id)).id);
    const endRequest = beginForeground(); // a request in flight for the whole test
    try {
      const t0 = Date.now();
      const post = await makePost(author, { text: "freshness probe" });
      if (kind === "postgres") {
        await waitFor(async () => delivered.has(post.id), 10_000, "the delivery while a request is in flight");
        expect(delivered.get(post.id)! - t0).toBeLessThan(5_000);
      } else {
        await new Promise((r) => setTimeout(r, 1_500)); // the rule under test is a wait: give it time to be broken
        expect(delivered.has(post.id)).toBe(false);
        endRequest(); // requests quiet: the waiting drain goes
        await waitFor(async () => delivered.has(post.id), 10_000, "the delivery once requests went quiet");
      }
    } finally {
      endRequest();
    }
  }, 30_000);
});

describe("the first consumers' head start (search before the other consumers of a post)", () => {
  it("the others start once the first lane's pass has ended, or after FIRST_HEAD_START_MS while it runs", async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const seen: { first?: number; firstDone?: number; rest?: number }[] = [{}, {}];
    let round = 0;
    registerConsumer({
      name: "head-start-first",
      first: true,
      topics: ["content.created"],
      deliver: async () => {
        const r = seen[round];
        r.first ??= Date.now();
        if (round === 0) await held; // the engine still applying the post
        r.firstDone = Date.now();
      },
    });
    registerConsumer({ name: "head-start-rest", topics: ["content.created"], deliver: async () => void (seen[round].rest ??= Date.now()) });
    try {
      const org = await makeOrg("Head Start Bank");
      const author = await loadViewer(await getDb(), (await makeUser(org.id)).id);
      // round 0: the first lane is held; the others start after the head start, not before
      const t0 = Date.now();
      await makePost(author, { text: "head start one" });
      await waitFor(async () => seen[0].rest !== undefined, 10_000, "the other consumer in round 0");
      expect(seen[0].first).toBeDefined();
      expect(seen[0].firstDone).toBeUndefined();
      expect(seen[0].rest! - t0).toBeGreaterThanOrEqual(FIRST_HEAD_START_MS - 20);
      release();
      await waitFor(async () => seen[0].firstDone !== undefined, 10_000, "the first lane in round 0");
      // round 1: the first lane's pass ends at once; the others follow it
      round = 1;
      const t1 = Date.now();
      await makePost(author, { text: "head start two" });
      await waitFor(async () => seen[1].rest !== undefined && seen[1].firstDone !== undefined, 10_000, "both consumers in round 1");
      // after the first lane's delivery (unless a slow machine hit the cap first)
      expect(seen[1].rest! >= seen[1].firstDone! || seen[1].rest! - t1 >= FIRST_HEAD_START_MS - 20).toBe(true);
    } finally {
      release();
      unregisterConsumer("head-start-first");
      unregisterConsumer("head-start-rest");
      await (await getDb()).execute(sql`update outbox_deliveries set status = 'done' where consumer like 'head-start-%' and status = 'pending'`);
    }
  }, 30_000);
});
