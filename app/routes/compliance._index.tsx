import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { EmptyState, PageHeader } from "~/components/ui";
import { metaTitle, useT } from "~/i18n";
import { can, orgFacts } from "~/policy/policy";
import { requireViewer } from "~/policy/request.server";
import { notFound } from "~/utils/http.server";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "compliance.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(request);
  if (!viewer.orgId || !can(viewer, "compliance", orgFacts(viewer.orgId))) notFound();
  return null;
}

export default function CompliancePage() {
  const { t } = useT();
  return (
    <>
      <PageHeader title={t("compliance.title")} description={t("compliance.description")} />
      <EmptyState title={t("compliance.emptyTitle")} description={t("compliance.emptyBody")} />
    </>
  );
}
