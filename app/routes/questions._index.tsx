import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Link } from "~/components/link";
import { z } from "zod";
import { QuestionList } from "~/components/question-list";
import { buttonClasses, cx, EmptyState, PageHeader } from "~/components/ui";
import { metaTitle, useT } from "~/i18n";
import { requireViewer } from "~/identity/request.server";
import { listQuestions } from "~/qa/pages.server";
import { QUESTION_TABS } from "~/qa/tabs";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "questions.title");

const ListQuery = z.object({
  tab: z.enum(QUESTION_TABS).catch("recent"),
  tag: z.string().max(60).optional().catch(undefined),
  page: z.coerce.number().int().min(0).max(1000).catch(0),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(request);
  const url = new URL(request.url);
  const q = ListQuery.parse(Object.fromEntries(url.searchParams));
  const result = await listQuestions(viewer, { tab: q.tab, tag: q.tag ?? null, page: q.page });
  return json({ ...result, tab: q.tab, page: q.page });
}

export default function QuestionsPage() {
  const { items, tab, tag, nextPage } = useLoaderData<typeof loader>();
  const { t } = useT();
  const withTag = (params: Record<string, string>) => {
    const sp = new URLSearchParams(params);
    if (tag) sp.set("tag", tag.slice(1));
    return `/questions?${sp}`;
  };
  return (
    <>
      <PageHeader
        title={t("questions.title")}
        description={t("questions.description")}
        actions={
          <Link to="/questions/new" className={buttonClasses({})}>
            {t("qa.ask")}
          </Link>
        }
      />
      <nav aria-label={t("qa.tabs")} className="mb-4 flex flex-wrap gap-2">
        {QUESTION_TABS.map((k) => (
          <Link
            key={k}
            to={withTag({ tab: k })}
            aria-current={k === tab ? "page" : undefined}
            className={cx("rounded-full px-3 py-1 text-sm", k === tab ? "bg-brand-600 text-white" : "bg-slate-100 text-slate-700 hover:bg-slate-200")}
          >
            {t(`qa.tab.${k}`)}
          </Link>
        ))}
      </nav>
      {tag ? (
        <p className="mb-4 text-sm text-slate-700">
          {t("qa.filteredByTag", { tag })} ·{" "}
          <Link to={`/questions?tab=${tab}`} className="text-brand-700 hover:underline">
            {t("qa.clearTag")}
          </Link>
        </p>
      ) : null}
      {items.length === 0 ? (
        <EmptyState title={t("qa.emptyTitle")} description={t("qa.emptyBody")} />
      ) : (
        <QuestionList items={items} />
      )}
      {nextPage !== null ? (
        <p className="mt-4">
          <Link to={withTag({ tab, page: String(nextPage) })} className="text-sm text-brand-700 hover:underline">
            {t("qa.more")}
          </Link>
        </p>
      ) : null}
    </>
  );
}
