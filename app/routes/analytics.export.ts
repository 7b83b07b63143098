import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportAnalyticsChart } from "~/analytics/analytics.server";
import { ExportQuery, parseQuery } from "~/analytics/range-query";
import { translate, type MessageKey } from "~/i18n";
import { requireViewer } from "~/identity/request.server";

// Resource route: one chart's data as CSV, audited like a view.
export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer, locale } = await requireViewer(request);
  const q = parseQuery(ExportQuery, request.url);
  const { filename, csv } = await exportAnalyticsChart(viewer, q.scope, q, q.chart, (c) => translate(locale, `analytics.col.${c}` as MessageKey));
  return new Response("\ufeff" + csv, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${filename}"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
