import { sql } from "drizzle-orm";
import { getDb, type DbOrTx } from "~/db/client.server";
import { now } from "~/utils/clock.server";
import { isoDay } from "./weeks";

// "Active on a day" = loaded a signed-in page that day. One idempotent row per person per
// day; this process remembers what it has written so a page load costs a map lookup, and
// at most one upsert per person per day.

const written: Map<string, string> = (((globalThis as Record<string, unknown>).__atriumActivityDays ??= new Map()) as Map<string, string>);

export async function recordActivityOn(db: DbOrTx, userId: string, orgId: string, day: string) {
  await db.execute(sql`insert into analytics_activity (user_id, org_id, day) values (${userId}, ${orgId}, ${day}::date) on conflict do nothing`);
}

/** Records that the signed-in person was active today. Never throws: analytics must not fail a page. */
export async function noteActive(user: { id: string; orgId: string }): Promise<void> {
  const day = isoDay(now());
  if (written.get(user.id) === day) return;
  try {
    await recordActivityOn(await getDb(), user.id, user.orgId, day);
    if (written.size > 100_000) written.clear();
    written.set(user.id, day);
  } catch (e) {
    console.error(JSON.stringify({ level: "warn", analytics: "activity", error: (e as Error).message }));
  }
}
