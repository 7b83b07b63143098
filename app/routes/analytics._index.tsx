import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { authorizeOrg } from "~/policy/authorize.server";
import { EmptyState, PageHeader } from "~/components/ui";
import { metaTitle, useT } from "~/i18n";
import { requireViewer } from "~/identity/request.server";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "analytics.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(request);
  authorizeOrg(viewer, "view_analytics");
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
