import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { viewAnalytics } from "~/analytics/analytics.server";
import { parseQuery, RangeQuery } from "~/analytics/range-query";
import { AnalyticsDashboard } from "~/components/analytics-dashboard";
import { metaTitle, useT } from "~/i18n";
import { requireViewer } from "~/identity/request.server";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "analytics.teamTitle");

// A manager's own reporting line (also for an HR analyst who manages people); 404 to anyone without reports.
export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(request);
  const range = parseQuery(RangeQuery, request.url);
  return { data: await viewAnalytics(viewer, "team", range) };
}

export default function TeamAnalyticsPage() {
  const { data } = useLoaderData<typeof loader>();
  const { t } = useT();
  return <AnalyticsDashboard data={data} title={t("analytics.teamTitle")} description={t("analytics.teamDescription")} exportScope="team" />;
}
