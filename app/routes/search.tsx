import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { EmptyState, PageHeader } from "~/components/ui";
import { metaTitle, useT } from "~/i18n";
import { requireUser } from "~/identity/session.server";

const MAX_QUERY_LENGTH = 200;

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  data?.q ? metaTitle(matches, "search.resultsFor", { query: data.q }) : metaTitle(matches, "search.title");

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  const q = (new URL(request.url).searchParams.get("q") ?? "").trim().slice(0, MAX_QUERY_LENGTH);
  return { q };
}

export default function SearchPage() {
  const { q } = useLoaderData<typeof loader>();
  const { t } = useT();
  return (
    <>
      <PageHeader title={t("search.title")} description={q ? t("search.resultsFor", { query: q }) : undefined} />
      {q ? (
        <EmptyState title={t("search.noResultsTitle", { query: q })} description={t("search.noResultsBody")} />
      ) : (
        <EmptyState title={t("search.promptTitle")} description={t("search.promptBody")} />
      )}
    </>
  );
}
