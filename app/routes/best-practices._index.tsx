import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { EmptyState, PageHeader } from "~/components/ui";
import { metaTitle, useT } from "~/i18n";
import { requireUser } from "~/identity/session.server";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "bestPractices.title");

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  return null;
}

export default function BestPracticesPage() {
  const { t } = useT();
  return (
    <>
      <PageHeader title={t("bestPractices.title")} description={t("bestPractices.description")} />
      <EmptyState title={t("bestPractices.emptyTitle")} description={t("bestPractices.emptyBody")} />
    </>
  );
}
