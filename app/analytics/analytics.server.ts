import { sql } from "drizzle-orm";
import { runCommand } from "~/compliance/command.server";
import { getDb, query, type Db } from "~/db/client.server";
import { authorize, authorizeOrg } from "~/policy/authorize.server";
import { can, orgFacts, type Viewer } from "~/policy/policy";
import { now } from "~/utils/clock.server";
import { notFound } from "~/utils/http.server";
import { buildDashboard, chartCsv, lineFacts, type Dashboard, type Scope } from "./dashboard.server";
import { addDays, parseDay, snapRange, type WeekRange } from "./weeks";

// The analytics commands: ask the policy, build the figures, and record the look in the
// audit chain in one step. Every view and every export of analytics is audited.

export type RangeInput = { from?: string | null; to?: string | null; weeks?: number | null };
export type ScopeInput = "auto" | "org" | "team";

/** Which scope this viewer gets: HR and admins the organisation, managers their own line; 404 otherwise. */
export async function resolveScope(db: Db, viewer: Viewer, wanted: ScopeInput): Promise<{ orgId: string; scope: Scope }> {
  if (!viewer.id || !viewer.orgId) notFound();
  const orgAllowed = can(viewer, "view_analytics", orgFacts(viewer.orgId));
  if (wanted === "org" || (wanted === "auto" && orgAllowed)) {
    const { orgId } = authorizeOrg(viewer, "view_analytics");
    return { orgId, scope: { kind: "org" } };
  }
  const line = await lineFacts(db, viewer.orgId, viewer.id);
  authorize(viewer, "view_analytics", line);
  return { orgId: viewer.orgId, scope: { kind: "line", managerId: viewer.id } };
}

async function audited<T>(db: Db, viewer: Viewer, orgId: string, action: string, scope: Scope, range: WeekRange, extra: Record<string, unknown>, fn: () => Promise<T>) {
  return runCommand(db, async (c) => {
    await c.audit({
      orgId,
      actorId: viewer.id,
      action,
      targetKind: scope.kind === "org" ? "analytics.org" : "analytics.line",
      targetId: scope.kind === "org" ? orgId : scope.managerId,
      data: { from: range.from, to: range.to, ...extra },
    });
    return fn();
  });
}

/** The dashboard for the viewer's scope over whole weeks (audited as analytics.view). */
export async function viewAnalytics(viewer: Viewer, scopeInput: ScopeInput, rangeInput: RangeInput, db?: Db): Promise<Dashboard> {
  const d = db ?? (await getDb());
  const { orgId, scope } = await resolveScope(d, viewer, scopeInput);
  const range = snapRange(now(), rangeInput);
  const dash = await buildDashboard(d, viewer, orgId, scope, range);
  await audited(d, viewer, orgId, "analytics.view", scope, range, {}, async () => undefined);
  return dash;
}

/** One chart's rows as CSV (audited as analytics.export). `label` turns column keys into the reader's words. */
export async function exportAnalyticsChart(
  viewer: Viewer,
  scopeInput: ScopeInput,
  rangeInput: RangeInput,
  chartId: string,
  label: (column: string) => string,
  db?: Db,
): Promise<{ filename: string; csv: string }> {
  const d = db ?? (await getDb());
  const { orgId, scope } = await resolveScope(d, viewer, scopeInput);
  const range = snapRange(now(), rangeInput);
  const dash = await buildDashboard(d, viewer, orgId, scope, range);
  const chart = dash.charts.find((c) => c.id === chartId);
  if (!chart) notFound();
  await audited(d, viewer, orgId, "analytics.export", scope, range, { chart: chartId, rows: chart.rows.length }, async () => undefined);
  return { filename: `atrium-${chartId}-${range.from}-${range.to}.csv`, csv: chartCsv(chart, chart.columns.map(label)) };
}

export type MyFigures = {
  range: WeekRange;
  activeDays: number;
  posts: number;
  comments: number;
  questions: number;
  answers: number;
  acceptedAnswers: number;
  reactionsGiven: number;
  reactionsReceived: number;
  weekly: { week: string; activeDays: number; contributions: number }[];
};

/** A person's own figures (never anyone else's): read from their own rows, audited as analytics.view_self. */
export async function myAnalytics(viewer: Viewer, rangeInput: RangeInput, db?: Db): Promise<MyFigures> {
  const d = db ?? (await getDb());
  if (!viewer.id || !viewer.orgId) notFound();
  authorize(viewer, "view_analytics", { kind: "user", id: viewer.id, orgId: viewer.orgId, department: viewer.department, active: true });
  const range = snapRange(now(), rangeInput);
  const from = parseDay(range.from).toISOString();
  const to = parseDay(addDays(range.to, 7)).toISOString();
  const me = viewer.id;
  const [items, days, given, received, acc] = await Promise.all([
    query<{ kind: string; week: string; n: number }>(
      d,
      sql`select kind, to_char(date_trunc('week', created_at at time zone 'UTC'), 'YYYY-MM-DD') as week, count(*)::int as n from content
          where author_id = ${me} and created_at >= ${from}::timestamptz and created_at < ${to}::timestamptz and deleted_at is null group by 1, 2`,
    ),
    query<{ week: string; n: number }>(
      d,
      sql`select to_char(date_trunc('week', day::timestamp), 'YYYY-MM-DD') as week, count(*)::int as n from analytics_activity
          where user_id = ${me} and day >= ${range.from}::date and day < ${addDays(range.to, 7)}::date group by 1`,
    ),
    query<{ n: number }>(d, sql`select count(*)::int as n from reactions where user_id = ${me} and created_at >= ${from}::timestamptz and created_at < ${to}::timestamptz`),
    query<{ n: number }>(
      d,
      sql`select count(*)::int as n from reactions r join content c on c.id = r.content_id
          where c.author_id = ${me} and r.created_at >= ${from}::timestamptz and r.created_at < ${to}::timestamptz and r.user_id <> ${me}`,
    ),
    query<{ n: number }>(d, sql`select count(*)::int as n from analytics_accepted where author_id = ${me} and accepted_at >= ${from}::timestamptz and accepted_at < ${to}::timestamptz`),
  ]);
  const byKind = (k: string) => items.filter((i) => i.kind === k).reduce((s, i) => s + Number(i.n), 0);
  await runCommand(d, (c) =>
    c.audit({ orgId: viewer.orgId!, actorId: me, action: "analytics.view_self", targetKind: "user", targetId: me, data: { from: range.from, to: range.to } }),
  );
  return {
    range,
    activeDays: days.reduce((s, x) => s + Number(x.n), 0),
    posts: byKind("post"),
    comments: byKind("comment"),
    questions: byKind("question"),
    answers: byKind("answer"),
    acceptedAnswers: Number(acc[0]?.n ?? 0),
    reactionsGiven: Number(given[0]?.n ?? 0),
    reactionsReceived: Number(received[0]?.n ?? 0),
    weekly: range.weeks.map((w) => ({
      week: w,
      activeDays: Number(days.find((x) => x.week === w)?.n ?? 0),
      contributions: items.filter((i) => i.week === w).reduce((s, i) => s + Number(i.n), 0),
    })),
  };
}
