import { eq, sql } from "drizzle-orm";
import { getDb, query } from "~/db/client.server";
import { rateLimits } from "~/db/schema";
import { now } from "~/utils/clock.server";

// Fixed-window counters in Postgres, so every app instance sees the same count.

export async function isLimited(key: string, max: number, windowMs: number): Promise<boolean> {
  const db = await getDb();
  const [row] = await db.select().from(rateLimits).where(eq(rateLimits.key, key)).limit(1);
  if (!row) return false;
  if (row.windowStart.getTime() + windowMs <= now().getTime()) return false;
  return row.count >= max;
}

export async function recordHit(key: string, windowMs: number): Promise<number> {
  const db = await getDb();
  const t = now().toISOString();
  const windowFloor = new Date(now().getTime() - windowMs).toISOString();
  const rows = await query<{ count: number }>(
    db,
    sql`insert into rate_limits (key, window_start, count) values (${key}, ${t}::timestamptz, 1)
        on conflict (key) do update set
          window_start = case when rate_limits.window_start <= ${windowFloor}::timestamptz then ${t}::timestamptz else rate_limits.window_start end,
          count = case when rate_limits.window_start <= ${windowFloor}::timestamptz then 1 else rate_limits.count + 1 end
        returning count`,
  );
  return Number(rows[0]?.count ?? 0);
}

export async function clearHits(key: string) {
  const db = await getDb();
  await db.delete(rateLimits).where(eq(rateLimits.key, key));
}
