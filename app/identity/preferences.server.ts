import { eq } from "drizzle-orm";
import { getDb, type Db } from "~/db/client.server";
import { users } from "~/db/schema";
import type { Locale } from "~/i18n";
import { isTimeZone, TZ_COOKIE } from "~/i18n/time";
import type { CurrentUser } from "./session.server";

// A person's language and time zone, kept on their user row (a personal setting, like the
// digest frequency: no archive version). Without a saved zone, the browser's (a cookie set by
// the shell) is used, then UTC.

/** The zone this request renders times in: the saved one, the browser's, or UTC. */
export function timeZoneFor(request: Request, user: Pick<CurrentUser, "timeZone"> | null): string {
  if (user?.timeZone && isTimeZone(user.timeZone)) return user.timeZone;
  const cookie = request.headers.get("Cookie") ?? "";
  const m = new RegExp(`(?:^|;\\s*)${TZ_COOKIE}=([^;]+)`).exec(cookie);
  const fromBrowser = m ? decodeURIComponent(m[1]) : null;
  return fromBrowser && isTimeZone(fromBrowser) ? fromBrowser : "UTC";
}

export async function savePreferences(userId: string, prefs: { locale?: Locale; timeZone?: string | null }, db?: Db) {
  const d = db ?? (await getDb());
  const set: Partial<typeof users.$inferInsert> = {};
  if (prefs.locale) set.locale = prefs.locale;
  if (prefs.timeZone !== undefined) set.timeZone = prefs.timeZone && isTimeZone(prefs.timeZone) ? prefs.timeZone : null;
  if (Object.keys(set).length) await d.update(users).set(set).where(eq(users.id, userId));
}

export async function preferencesOf(userId: string, db?: Db) {
  const d = db ?? (await getDb());
  const [u] = await d.select({ locale: users.locale, timeZone: users.timeZone }).from(users).where(eq(users.id, userId)).limit(1);
  return u ?? { locale: null, timeZone: null };
}
