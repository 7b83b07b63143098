import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { EmptyState, PageHeader } from "~/components/ui";
import { metaTitle, useT } from "~/i18n";
import { can, orgFacts } from "~/policy/policy";
import { requireViewer } from "~/policy/request.server";
import { notFound } from "~/utils/http.server";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "analytics.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(request);
  if (!viewer.orgId || !can(viewer, "view_analytics", orgFacts(viewer.orgId))) notFound();
  return null;
}

export default function AnalyticsPage() {
  const { t } = useT();
  return (
    <>
      <PageHeader title={t("analytics.title")} description={t("analytics.description")} />
      <EmptyState title={t("analytics.emptyTitle")} description={t("analytics.emptyBody")} />
    </>
  );
}
