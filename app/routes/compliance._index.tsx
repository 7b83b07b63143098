import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { EmptyState, PageHeader } from "~/components/ui";
import { metaTitle, useT } from "~/i18n";
import { requireUser } from "~/identity/session.server";
import { forbidden } from "~/utils/http.server";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "compliance.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  // Mirrors policy `can(viewer, "compliance", org)`; switch to it once routes get a Viewer.
  if (!user.roles.includes("compliance")) forbidden();
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
