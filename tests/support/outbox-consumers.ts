import { sql } from "drizzle-orm";
import { consumers, registerConsumer, unregisterConsumer, type Consumer, type OutboxEvent } from "../../app/platform/outbox.server";
import { getDb, type Tx } from "../../app/db/client.server";

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

/**
 * For a file that starts the workers: only `mine` run meanwhile (files share a database per worker,
 * and other files' pending deliveries must stay put). The returned function puts the others back and
 * marks what is left for `mine` done (it would count as backlog for the next file).
 */
export function onlyConsumers(mine: Consumer[]): () => Promise<void> {
  const saved = consumers();
  for (const c of saved) unregisterConsumer(c.name);
  for (const c of mine) registerConsumer(c);
  return async () => {
    const names = sql.join(mine.map((c) => sql`${c.name}`), sql`, `);
    await (await getDb()).execute(sql`update outbox_deliveries set status = 'done' where consumer in (${names}) and status = 'pending'`);
    for (const c of mine) unregisterConsumer(c.name);
    for (const c of saved) registerConsumer(c);
  };
}
