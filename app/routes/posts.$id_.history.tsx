import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Time } from "~/components/time";
import { Link, useLoaderData } from "@remix-run/react";
import { Card, cx, PageHeader } from "~/components/ui";
import { postHistory } from "~/content/history.server";
import { metaTitle, useT, type MessageKey } from "~/i18n";
import { requireViewer } from "~/identity/request.server";
import { idParam } from "~/utils/path-params.server";

// `posts.$id_.history`: /posts/:id/history, not nested in the post page's layout.

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "history.title");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(request);
  const history = await postHistory(viewer, idParam(params));
  return json({ item: history.item, reviewing: history.reviewing, versions: history.versions });
}

const ACTIONS: Record<string, MessageKey> = {
  create: "history.action.create",
  edit: "history.action.edit",
  delete: "history.action.delete",
  restore: "history.action.restore",
};

export default function HistoryPage() {
  const { item, versions } = useLoaderData<typeof loader>();
  const { t } = useT();
  const back = item.postId === item.id ? `/posts/${item.postId}` : `/posts/${item.postId}#post-${item.id}`;
  return (
    <div className="mx-auto max-w-2xl">
      <PageHeader title={t("history.title")} description={t("history.intro")} className="mb-6" />
      {item.deleted ? (
        <p role="note" className="mb-4 rounded-lg border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {t("history.deletedItem")}
        </p>
      ) : (
        <p className="mb-4">
          <Link to={back} className="text-sm text-slate-600 hover:text-slate-900 hover:underline">
            ← {t("history.back")}
          </Link>
        </p>
      )}
      <ol className="space-y-3">
        {versions.map((v) => (
          <li key={v.version}>
            <Card className={cx("p-4", v.tombstone && "border-dashed border-red-300 bg-red-50/50")}>
              <h2 className="flex flex-wrap items-baseline gap-x-2 text-sm">
                <span className="font-semibold text-slate-900">{t("history.version", { n: v.version })}</span>
                <span className="text-slate-700">{t(ACTIONS[v.action] ?? "history.action.other")}</span>
                <span className="text-slate-500">{t("history.by", { name: v.actorName ?? t("history.unknownAuthor") })}</span>
                <Time value={v.at} style="datetime" className="text-slate-500" />
              </h2>
              {v.tombstone ? <p className="mt-2 text-sm font-medium text-red-800">{t("history.tombstone")}</p> : null}
              {v.text ? <p className="mt-2 text-sm whitespace-pre-wrap text-slate-800">{v.text}</p> : null}
            </Card>
          </li>
        ))}
      </ol>
    </div>
  );
}
