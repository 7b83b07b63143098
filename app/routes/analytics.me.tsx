import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { myAnalytics } from "~/analytics/analytics.server";
import { renderChart } from "~/analytics/plot.server";
import { parseQuery, RangeQuery } from "~/analytics/range-query";
import { ChartCard, PlotFigure } from "~/components/charts";
import { Card, PageHeader } from "~/components/ui";
import { formatNumber, metaTitle, translate, useT, type Locale, type MessageKey } from "~/i18n";
import { requireViewer } from "~/identity/request.server";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "analytics.meTitle");

// Each person's own figures; nobody else can open them (there is no id in the URL).
export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer, locale } = await requireViewer(request);
  const range = parseQuery(RangeQuery, request.url);
  const me = await myAnalytics(viewer, range);
  const figure = renderChart({ id: "me", kind: "line", ...weeklyChart(locale, me.weekly) }, locale);
  return { me, figure };
}

/** The weekly chart's words and rows (the SVG, the data table and the CSV share them). */
function weeklyChart(locale: Locale, weekly: { week: string; activeDays: number; contributions: number }[]) {
  const t = (key: MessageKey, vars?: Record<string, string | number>) => translate(locale, key, vars);
  const title = t("analytics.me.weekly");
  const rows = weekly.map((w) => [w.week, w.activeDays, w.contributions]);
  return { title, summary: t("analytics.chartSummary", { title, rows: rows.length }), columns: [t("analytics.col.week"), t("analytics.me.colActiveDays"), t("analytics.me.colContributions")], rows };
}

const FIGURES: [string, MessageKey][] = [
  ["activeDays", "analytics.me.activeDays"],
  ["posts", "analytics.me.posts"],
  ["comments", "analytics.me.comments"],
  ["questions", "analytics.me.questions"],
  ["answers", "analytics.me.answers"],
  ["acceptedAnswers", "analytics.me.accepted"],
  ["reactionsGiven", "analytics.me.reactionsGiven"],
  ["reactionsReceived", "analytics.me.reactionsReceived"],
];

export default function MyAnalyticsPage() {
  const { me, figure } = useLoaderData<typeof loader>();
  const { t, locale } = useT();
  const common = { ...weeklyChart(locale, me.weekly), csvLabel: t("analytics.exportCsv"), tableLabel: t("analytics.dataTable") };
  return (
    <>
      <PageHeader title={t("analytics.meTitle")} description={t("analytics.meDescription")} />
      <p className="mb-4 text-sm text-slate-700">{t("analytics.range.shown", { from: me.range.from, to: me.range.to })}</p>
      <dl className="mb-6 grid grid-cols-2 gap-3 sm:grid-cols-4">
        {FIGURES.map(([key, label]) => (
          <Card key={key} className="p-3">
            <dt className="text-xs text-slate-600">{t(label)}</dt>
            <dd className="text-xl font-semibold tabular-nums">{formatNumber(locale, me[key as keyof typeof me] as number)}</dd>
          </Card>
        ))}
      </dl>
      <ChartCard id="me" {...common}>
        <PlotFigure figure={figure} />
      </ChartCard>
    </>
  );
}
