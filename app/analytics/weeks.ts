// Analytics publishes figures for whole ISO weeks (Monday to Sunday, UTC). Fixing the
// grain means no date range can be narrower than a rolled-up week, so two ranges never
// differ by a single day of activity (see docs/analytics.md, "Privacy").

const DAY = 86_400_000;

/** "YYYY-MM-DD" of a UTC date. */
export const isoDay = (d: Date) => d.toISOString().slice(0, 10);
export const parseDay = (s: string) => new Date(`${s}T00:00:00.000Z`);
export const addDays = (day: string, n: number) => isoDay(new Date(parseDay(day).getTime() + n * DAY));

/** Monday (UTC) of the week holding `d`. */
export function weekOf(d: Date | string): string {
  const t = typeof d === "string" ? parseDay(d.slice(0, 10)) : new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const dow = (t.getUTCDay() + 6) % 7; // Monday = 0
  return isoDay(new Date(t.getTime() - dow * DAY));
}

/** Mondays from `from` to `to` inclusive (both Mondays). */
export function weeksBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let w = from; w <= to; w = addDays(w, 7)) out.push(w);
  return out;
}

/** The last week that has fully ended before `today`: the newest one analytics publishes. */
export const lastCompleteWeek = (today: Date) => addDays(weekOf(today), -7);

export type WeekRange = { from: string; to: string; weeks: string[] };

/**
 * Snaps a requested range to whole published weeks: `from` to its Monday, `to` to its
 * Monday, never past the last complete week, at most `maxWeeks` long. Defaults: the 12
 * weeks ending with the last complete week.
 */
export function snapRange(today: Date, req: { from?: string | null; to?: string | null; weeks?: number | null }, maxWeeks = 104): WeekRange {
  const last = lastCompleteWeek(today);
  let to = req.to ? weekOf(req.to) : last;
  if (to > last) to = last;
  let from = req.from ? weekOf(req.from) : addDays(to, -7 * ((req.weeks ?? 12) - 1));
  if (from > to) from = to;
  const earliest = addDays(to, -7 * (maxWeeks - 1));
  if (from < earliest) from = earliest;
  return { from, to, weeks: weeksBetween(from, to) };
}

/** The range of the same length just before `r` (for comparison). */
export function previousRange(r: WeekRange): WeekRange {
  const n = r.weeks.length;
  const to = addDays(r.from, -7);
  const from = addDays(to, -7 * (n - 1));
  return { from, to, weeks: weeksBetween(from, to) };
}
