import { sql } from "drizzle-orm";
import { registerConsumer, type OutboxEvent } from "../../app/platform/outbox.server";
import type { Tx } from "../../app/db/client.server";

// Test consumers whose effect is a row in test_effects (no unique key, so a
// double effect would show up as a duplicate row).
export const EFFECTS_DDL = sql.raw(
  `create table if not exists test_effects (event_id bigint not null, consumer text not null, pid int not null)`,
);

async function record(events: OutboxEvent[], tx: Tx, consumer: string) {
  for (const e of events) {
    await tx.execute(sql`insert into test_effects (event_id, consumer, pid) values (${e.id}, ${consumer}, ${process.pid})`);
  }
}

export function registerTestConsumers(flakyRate = 0.3) {
  registerConsumer({ name: "test-steady", topics: ["test."], batchSize: 7, handle: (ev, tx) => record(ev, tx, "test-steady") });
  registerConsumer({
    name: "test-flaky",
    topics: ["test."],
    batchSize: 5,
    handle: async (ev, tx) => {
      await record(ev, tx, "test-flaky");
      // fail after writing: the effect must roll back with the delivery
      if (Math.random() < flakyRate) throw new Error("flaky consumer failed");
    },
  });
}
