import { Form, Link } from "@remix-run/react";
import { chartText, colKey, groupLabel as labelOf } from "~/analytics/chart-text";
import type { Dashboard, Kpi } from "~/analytics/dashboard.server";
import type { Figure } from "~/analytics/plot.server";
import { ChartCard, PlotFigure } from "~/components/charts";
import { Button, Card, Input, PageHeader } from "~/components/ui";
import { formatNumber, useT, type MessageKey } from "~/i18n";

// The analytics page for HR (the organisation) and for managers (their line): a range of
// whole weeks, headline figures against the previous period, charts with their data tables
// and CSV downloads, and the maturity stage with what would move it up.

const PRESETS = [4, 12, 26, 52];

export function AnalyticsDashboard({
  data,
  figures,
  title,
  description,
  exportScope,
  extra,
}: {
  data: Dashboard;
  /** the charts' SVG, drawn in the loader (app/analytics/plot.server.ts) */
  figures: Record<string, Figure>;
  title: string;
  description: string;
  exportScope: "auto" | "team";
  extra?: React.ReactNode;
}) {
  const { t, locale } = useT();
  const num = (v: number | null, unit?: Kpi["unit"]) => (v === null ? "—" : formatNumber(locale, v, { maximumFractionDigits: 1 }) + (unit === "percent" ? " %" : ""));
  const q = `from=${data.range.from}&to=${data.range.to}`;
  const csv = (id: string) => `/analytics/export?chart=${id}&scope=${exportScope}&${q}`;
  const groupLabel = (g: string) => labelOf(locale, g);

  return (
    <>
      <PageHeader title={title} description={description} />
      <Form method="get" className="mb-4 flex flex-wrap items-end gap-3" aria-label={t("analytics.range.legend")}>
        <Input label={t("analytics.range.from")} type="date" name="from" defaultValue={data.range.from} />
        <Input label={t("analytics.range.to")} type="date" name="to" defaultValue={data.range.to} />
        <Button type="submit" variant="secondary">
          {t("analytics.range.apply")}
        </Button>
        <nav className="flex flex-wrap gap-2 text-sm" aria-label={t("analytics.range.legend")}>
          {PRESETS.map((n) => (
            <Link key={n} to={`?weeks=${n}`} className="rounded border border-slate-200 px-2 py-1 text-indigo-700 hover:bg-slate-50">
              {t("analytics.range.weeks", { count: n })}
            </Link>
          ))}
        </nav>
      </Form>
      <p className="text-sm text-slate-700" data-range={`${data.range.from}/${data.range.to}`}>
        {t("analytics.range.shown", { from: data.range.from, to: data.range.to })} ·{" "}
        {t("analytics.range.previous", { from: data.previous.from, to: data.previous.to })}
      </p>
      <p className="mb-6 text-sm text-slate-600">{t("analytics.privacy", { k: data.k })}</p>
      {extra}

      <section aria-labelledby="kpis" className="mb-6">
        <h2 id="kpis" className="sr-only">
          {t("analytics.kpis")}
        </h2>
        <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-5">
          {data.kpis.map((k) => (
            <Card key={k.key} className="p-3" data-kpi={k.key}>
              <dt className="text-xs text-slate-600">{t(colKey(k.key))}</dt>
              <dd className="text-xl font-semibold text-slate-900 tabular-nums">{num(k.value, k.unit)}</dd>
              <dd className="text-xs text-slate-500">
                {k.previous === null ? t("analytics.noPrevious") : t("analytics.vsPrevious", { value: num(k.previous, k.unit) })}
                {k.partial ? ` · ${t("analytics.partial")}` : ""}
              </dd>
            </Card>
          ))}
        </dl>
      </section>

      <div className="grid gap-4 lg:grid-cols-2">
        {data.charts.map((c) => {
          const common = { ...chartText(locale, c), csvHref: csv(c.id), csvLabel: t("analytics.exportCsv"), tableLabel: t("analytics.dataTable") };
          return (
            <ChartCard key={c.id} id={c.id} {...common}>
              {c.kind !== "table" ? (
                <PlotFigure figure={figures[c.id]} />
              ) : (
                <ul className="space-y-2 text-sm">
                  {data.maturity.map((m) => (
                    <li key={m.group} data-maturity={m.group}>
                      <strong>{groupLabel(m.group)}</strong>: {m.maturity.stage === null ? t("analytics.stage.unknown") : t(`analytics.stage.${m.maturity.stage}` as MessageKey)}
                      {m.maturity.stage !== null ? (
                        <span className="block text-slate-600">
                          {m.maturity.stage === 3
                            ? t("analytics.stage.top")
                            : t("analytics.stage.next", {
                                criteria: m.maturity.next
                                  .map((n) => t("analytics.criterion", { name: t(colKey(n.key)), min: n.min * 100, value: n.value === null ? "—" : `${Math.round(n.value * 100)} %` }))
                                  .join(" ; "),
                              })}
                        </span>
                      ) : null}
                    </li>
                  ))}
                </ul>
              )}
            </ChartCard>
          );
        })}
      </div>
      {data.coverage ? (
        <Card className="mt-4 p-4" data-coverage>
          <h2 className="text-base font-semibold text-slate-900">{t("analytics.coverage.title")}</h2>
          <p className="text-sm text-slate-700">
            {data.coverage.tags === 0 ? t("analytics.coverage.none") : t("analytics.coverage.body", { count: data.coverage.tagsWithFewExperts.length, total: data.coverage.tags })}
          </p>
          {data.coverage.tagsWithFewExperts.length ? <p className="mt-1 text-sm text-slate-600">{data.coverage.tagsWithFewExperts.slice(0, 40).join(", ")}</p> : null}
        </Card>
      ) : null}
    </>
  );
}
