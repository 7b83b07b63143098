import { eq, sql } from "drizzle-orm";
import type { DbOrTx } from "~/db/client.server";
import { analyticsSettings } from "~/db/schema";

export type AnalyticsSettings = { minGroupSize: number; minutesPerAnswer: number; answerTargetMinutes: number };
export const DEFAULT_SETTINGS: AnalyticsSettings = { minGroupSize: 5, minutesPerAnswer: 15, answerTargetMinutes: 120 };

/** The org's analytics settings (K, minutes saved per answered question, answer target), defaults when unset. */
export async function analyticsSettingsFor(db: DbOrTx, orgId: string): Promise<AnalyticsSettings> {
  const [row] = await db.select().from(analyticsSettings).where(eq(analyticsSettings.orgId, orgId)).limit(1);
  return row
    ? { minGroupSize: Math.max(2, row.minGroupSize), minutesPerAnswer: row.minutesPerAnswer, answerTargetMinutes: row.answerTargetMinutes }
    : DEFAULT_SETTINGS;
}

/**
 * Changes the settings. The answer target is baked into the weekly cells and K into the space
 * breakdown (suppressed in the rollup), so every rolled-up week is marked for recomputation when
 * either changes.
 */
export async function updateAnalyticsSettings(db: DbOrTx, orgId: string, s: Partial<AnalyticsSettings>) {
  const cur = await analyticsSettingsFor(db, orgId);
  const next = { ...cur, ...s };
  await db
    .insert(analyticsSettings)
    .values({ orgId, ...next })
    .onConflictDoUpdate({ target: analyticsSettings.orgId, set: { ...next, updatedAt: sql`now()` } });
  if (next.answerTargetMinutes !== cur.answerTargetMinutes || next.minGroupSize !== cur.minGroupSize) {
    await db.execute(sql`insert into analytics_dirty (org_id, week)
      select distinct org_id, week from analytics_cells where org_id = ${orgId} on conflict do nothing`);
  }
  return next;
}
