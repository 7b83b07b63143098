import { translate, type Locale, type MessageKey } from "~/i18n";
import type { Chart } from "./dashboard.server";

// The words of one dashboard chart in the reader's language: its title, its text summary, its
// column names and its rows with stage and group keys spelled out. The SVG (plot.server.ts),
// the data table and the CSV header are all built from this, so they never disagree.

export type Cell = string | number | null;
export type ChartText = { title: string; summary: string; columns: string[]; rows: Cell[][] };

export const colKey = (c: string) => `analytics.col.${c}` as MessageKey;

export function groupLabel(locale: Locale, g: string) {
  return g === "organisation" ? translate(locale, "analytics.group.organisation") : g === "line" ? translate(locale, "analytics.group.line") : g;
}

export function chartText(locale: Locale, chart: Pick<Chart, "id" | "columns" | "rows">): ChartText {
  const t = (key: MessageKey, vars?: Record<string, string | number>) => translate(locale, key, vars);
  const title = t(`analytics.chart.${chart.id}` as MessageKey);
  const rows = chart.rows.map((r) =>
    chart.id === "funnel"
      ? [t(`analytics.funnel.${r[0]}` as MessageKey), ...r.slice(1)]
      : chart.id === "maturity"
        ? [groupLabel(locale, String(r[0])), r[1] === null ? t("analytics.stage.unknown") : t(`analytics.stage.${r[1]}` as MessageKey), ...r.slice(2)]
        : r,
  );
  return { title, summary: t("analytics.chartSummary", { title, rows: rows.length }), columns: chart.columns.map((c) => t(colKey(c))), rows };
}
