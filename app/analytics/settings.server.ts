import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { runCommand } from "~/compliance/command.server";
import { getDb, type Db, type DbOrTx } from "~/db/client.server";
import { analyticsSettings } from "~/db/schema";
import { authorizeOrg } from "~/policy/authorize.server";
import type { Viewer } from "~/policy/policy";

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

/**
 * The bounds a settings form enforces. K below 3 would let a figure stand for one or two
 * people; above 50 a department-sized group disappears. The answer target runs from 15 minutes
 * to a week; minutes saved per answered question from 1 to 8 hours.
 */
export const SettingsInput = z.object({
  minGroupSize: z.coerce.number({ invalid_type_error: "analytics.settings.error.k" }).int("analytics.settings.error.k").min(3, "analytics.settings.error.k").max(50, "analytics.settings.error.k"),
  minutesPerAnswer: z.coerce.number({ invalid_type_error: "analytics.settings.error.minutes" }).int("analytics.settings.error.minutes").min(1, "analytics.settings.error.minutes").max(480, "analytics.settings.error.minutes"),
  answerTargetMinutes: z.coerce.number({ invalid_type_error: "analytics.settings.error.target" }).int("analytics.settings.error.target").min(15, "analytics.settings.error.target").max(10_080, "analytics.settings.error.target"),
});

/** The settings page's view: 404 for anyone who may not change them. */
export async function settingsForManager(viewer: Viewer, db?: Db) {
  const { orgId } = authorizeOrg(viewer, "manage_analytics");
  return analyticsSettingsFor(db ?? (await getDb()), orgId);
}

/**
 * Changes the org's settings, audited with the values before and after (a lower K shows more
 * detail about smaller groups: who changed it, and when, is part of the record).
 */
export async function changeAnalyticsSettings(viewer: Viewer, input: z.infer<typeof SettingsInput>, db?: Db) {
  const { orgId } = authorizeOrg(viewer, "manage_analytics");
  const s = SettingsInput.parse(input);
  return runCommand(db ?? (await getDb()), async ({ tx, audit }) => {
    const before = await analyticsSettingsFor(tx, orgId);
    const after = await updateAnalyticsSettings(tx, orgId, s);
    await audit({ orgId, actorId: viewer.id, action: "analytics.settings.change", targetKind: "org", targetId: orgId, data: { before, after } });
    return after;
  });
}
