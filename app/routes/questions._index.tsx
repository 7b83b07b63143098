import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { EmptyState, PageHeader } from "~/components/ui";
import { metaTitle, useT } from "~/i18n";
import { requireUser } from "~/identity/session.server";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "questions.title");

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  return null;
}

export default function QuestionsPage() {
  const { t } = useT();
  return (
    <>
      <PageHeader title={t("questions.title")} description={t("questions.description")} />
      <EmptyState title={t("questions.emptyTitle")} description={t("questions.emptyBody")} />
    </>
  );
}
