// A separate worker process for the outbox concurrency test: drains until none of
// the test org's deliveries is pending. Only that org counts: other files share
// the worker database and may leave their own test deliveries pending for good
// (a consumer unregistered after a retry, a delivery due at a frozen test clock).
import { sql } from "drizzle-orm";
import { closeDb, getDb, query } from "../../app/db/client.server";
import { drainAll } from "../../app/platform/outbox.server";
import { registerTestConsumers } from "./outbox-consumers";

registerTestConsumers();
const orgId = process.env.OUTBOX_TEST_ORG;
if (!orgId) throw new Error("OUTBOX_TEST_ORG is required");
const db = await getDb();
for (;;) {
  await drainAll(db);
  const [r] = await query<{ n: number }>(
    db,
    sql`select count(*)::int as n from outbox_deliveries d join outbox_events e on e.id = d.event_id
        where e.org_id = ${orgId} and d.consumer in ('test-steady', 'test-flaky') and d.status = 'pending'`,
  );
  if (Number(r.n) === 0) break;
  await new Promise((res) => setTimeout(res, 5));
}
await closeDb();
