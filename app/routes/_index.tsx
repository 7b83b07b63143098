import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { EmptyState, PageHeader } from "~/components/ui";
import { metaTitle, useT } from "~/i18n";
import { requireUser } from "~/identity/session.server";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "feed.title");

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  return null;
}

export default function FeedPage() {
  const { t } = useT();
  return (
    <>
      <PageHeader title={t("feed.title")} />
      <EmptyState title={t("feed.emptyTitle")} description={t("feed.emptyBody")} />
    </>
  );
}
