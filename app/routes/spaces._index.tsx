import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { EmptyState, PageHeader } from "~/components/ui";
import { metaTitle, useT } from "~/i18n";
import { requireUser } from "~/identity/session.server";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "spaces.title");

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  return null;
}

export default function SpacesPage() {
  const { t } = useT();
  return (
    <>
      <PageHeader title={t("spaces.title")} description={t("spaces.description")} />
      <EmptyState title={t("spaces.emptyTitle")} description={t("spaces.emptyBody")} />
    </>
  );
}
