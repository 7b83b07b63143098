import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb, getDbHandle } from "../../app/db/client.server";
import { beginForeground, GATE } from "../../app/db/priority.server";
import { loadViewer } from "../../app/policy/viewer.server";
import { consumers, registerConsumer, unregisterConsumer, type Consumer } from "../../app/platform/outbox.server";
import { startWorkers, stopWorkers } from "../../app/platform/workers.server";
import { makeOrg, makePost, makeUser } from "../../scripts/lib/factories";
import { waitFor } from "../../scripts/lib/server-process";

// Freshness (issue 19): on PostgreSQL an outbox drain does not wait for requests to go quiet. A
// busy server always has a request in flight, so waiting (PGlite's rule: one connection) made
// every write's commit → searchable up to GATE.maxWaitMs late. On PGlite the rule stays.

let saved: Consumer[] = [];
const gateBefore = { ...GATE };
const delivered = new Map<string, number>(); // post id → when the consumer saw it

beforeAll(async () => {
  // only this file's consumer runs while the workers are on: other files' pending deliveries stay put
  saved = consumers();
  for (const c of saved) unregisterConsumer(c.name);
  registerConsumer({
    name: "freshness-probe",
    topics: ["content.created"],
    deliver: async (events) => {
      for (const e of events) delivered.set(e.subjectId, Date.now());
    },
  });
  // waiting for quiet, were it applied while a request is in flight, would be obvious: a minute
  GATE.maxWaitMs = 60_000;
  GATE.quietMs = 200;
  startWorkers({ outboxTickMs: 60_000, jobs: [] }); // no poll in the measure: the commit's nudge only
});

afterAll(async () => {
  await stopWorkers();
  await (await getDb()).execute(sql`update outbox_deliveries set status = 'done' where consumer = 'freshness-probe' and status = 'pending'`);
  unregisterConsumer("freshness-probe");
  for (const c of saved) registerConsumer(c);
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
