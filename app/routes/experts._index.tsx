import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { EmptyState, PageHeader } from "~/components/ui";
import { metaTitle, useT } from "~/i18n";
import { requireUser } from "~/identity/session.server";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "experts.title");

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  return null;
}

export default function ExpertsPage() {
  const { t } = useT();
  return (
    <>
      <PageHeader title={t("experts.title")} description={t("experts.description")} />
      <EmptyState title={t("experts.emptyTitle")} description={t("experts.emptyBody")} />
    </>
  );
}
