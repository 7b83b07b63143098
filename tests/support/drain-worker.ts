// A separate worker process for the outbox concurrency test: drains until no test delivery is pending.
import { sql } from "drizzle-orm";
import { closeDb, getDb, query } from "../../app/db/client.server";
import { drainAll } from "../../app/platform/outbox.server";
import { registerTestConsumers } from "./outbox-consumers";

registerTestConsumers();
const db = await getDb();
for (;;) {
  await drainAll(db);
  const [r] = await query<{ n: number }>(
    db,
    sql`select count(*)::int as n from outbox_deliveries where consumer like 'test-%' and status = 'pending'`,
  );
  if (Number(r.n) === 0) break;
  await new Promise((res) => setTimeout(res, 5));
}
await closeDb();
