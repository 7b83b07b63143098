import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { EmptyState, PageHeader } from "~/components/ui";
import { metaTitle, useT } from "~/i18n";
import { requireUser } from "~/identity/session.server";
import { forbidden } from "~/utils/http.server";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "analytics.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  // Mirrors policy `can(viewer, "view_analytics", org)`; switch to it once routes get a Viewer.
  if (!user.roles.some((role) => role === "hr" || role === "admin")) forbidden();
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
