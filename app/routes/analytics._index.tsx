import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { viewAnalytics } from "~/analytics/analytics.server";
import { renderDashboardCharts } from "~/analytics/plot.server";
import { parseQuery, RangeQuery } from "~/analytics/range-query";
import { AnalyticsDashboard } from "~/components/analytics-dashboard";
import { metaTitle, useT } from "~/i18n";
import { requireViewer } from "~/identity/request.server";
import { orgAbilities } from "~/policy/authorize.server";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "analytics.title");

// HR analysts and admins see the organisation; a manager sees their own reporting line;
// anyone else gets 404 (the policy decides, in viewAnalytics).
export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer, locale } = await requireViewer(request);
  const range = parseQuery(RangeQuery, request.url);
  const data = await viewAnalytics(viewer, "auto", range);
  return { data, figures: renderDashboardCharts(data, locale), can: orgAbilities(viewer, ["manage_analytics"]) };
}

export default function AnalyticsPage() {
  const { data, figures, can } = useLoaderData<typeof loader>();
  const { t } = useT();
  const org = data.scope === "org";
  return (
    <AnalyticsDashboard
      data={data}
      figures={figures}
      title={org ? t("analytics.title") : t("analytics.teamTitle")}
      description={org ? t("analytics.description") : t("analytics.teamDescription")}
      exportScope="auto"
      extra={
        <p className="mb-4 flex gap-4 text-sm">
          <Link to="/analytics/me" className="text-indigo-700 underline">
            {t("analytics.meLink")}
          </Link>
          {can.manage_analytics ? (
            <Link to="/analytics/settings" className="text-indigo-700 underline">
              {t("analytics.settingsLink")}
            </Link>
          ) : null}
        </p>
      }
    />
  );
}
