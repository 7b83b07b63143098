import { z } from "zod";
import { calendarDay } from "~/utils/calendar-day";

// The dashboards' query string: a range of weeks (any day snaps to its week) or a number of
// recent weeks, and for downloads which chart. Bad input is a 400, never a guess.

const day = calendarDay;

export const RangeQuery = z.object({
  from: day.optional(),
  to: day.optional(),
  weeks: z.coerce.number().int().min(1).max(104).optional(),
});

export const ExportQuery = RangeQuery.extend({
  chart: z.enum(["activity", "content", "qa", "departments", "regions", "spaces", "matrix", "funnel", "maturity"]),
  scope: z.enum(["auto", "org", "team"]).default("auto"),
});

/** Parses the URL's search parameters (empty values count as absent); throws a 400 Response on bad input. */
export function parseQuery<T extends z.ZodTypeAny>(schema: T, url: string): z.infer<T> {
  const params = Object.fromEntries([...new URL(url).searchParams].filter(([, v]) => v !== ""));
  const r = schema.safeParse(params);
  if (!r.success) throw new Response("Bad request: " + r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "), { status: 400 });
  return r.data;
}
