import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { viewAnalytics } from "~/analytics/analytics.server";
import { renderDashboardCharts } from "~/analytics/plot.server";
import { parseQuery, RangeQuery } from "~/analytics/range-query";
import { AnalyticsDashboard } from "~/components/analytics-dashboard";
import { metaTitle, useT } from "~/i18n";
import { requireViewer } from "~/identity/request.server";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "analytics.teamTitle");

// A manager's own reporting line (also for an HR analyst who manages people); 404 to anyone without reports.
export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer, locale } = await requireViewer(request);
  const range = parseQuery(RangeQuery, request.url);
  const data = await viewAnalytics(viewer, "team", range);
  return { data, figures: renderDashboardCharts(data, locale) };
}

export default function TeamAnalyticsPage() {
  const { data, figures } = useLoaderData<typeof loader>();
  const { t } = useT();
  return <AnalyticsDashboard data={data} figures={figures} title={t("analytics.teamTitle")} description={t("analytics.teamDescription")} exportScope="team" />;
}
