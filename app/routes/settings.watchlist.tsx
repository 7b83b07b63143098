import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { z } from "zod";
import { PostButton } from "~/components/post-button";
import { Button, Card, Input, ListRow, ListSection, PageHeader, SuccessNotice } from "~/components/ui";
import { metaTitle, translate, useT, type MessageKey } from "~/i18n";
import { deleteSavedSearch } from "~/knowledge/listening.server";
import { addWatch, watchlistPage } from "~/knowledge/search-pages.server";
import { requireViewer } from "~/identity/request.server";
import { badRequest, parseForm } from "~/utils/forms.server";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "watchlist.title");

const WatchIntent = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("add"), query: z.string().trim().min(1).max(120, "watchlist.error.invalid") }),
  z.object({ intent: z.literal("remove"), id: z.string().min(1).max(64) }),
]);

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(request);
  return json(await watchlistPage(viewer));
}

export async function action({ request }: ActionFunctionArgs) {
  const { viewer, locale } = await requireViewer(request);
  const parsed = await parseForm(request, WatchIntent, locale);
  if (!parsed.ok) return badRequest(parsed);
  const input = parsed.data;
  if (input.intent === "remove") {
    await deleteSavedSearch(viewer, input.id);
    const notice: MessageKey = "watchlist.removed";
    return json({ ok: true as const, notice });
  }
  const added = await addWatch(viewer, input.query);
  if (!added.ok) return badRequest({ errors: { query: translate(locale, added.error) }, values: { intent: "add", query: input.query } });
  const notice: MessageKey = "watchlist.added";
  return json({ ok: true as const, notice });
}

/** Where an entry's matching posts are: the tag pages, or a search for the words. */
function watchHref(kind: string, query: string) {
  if (kind === "tag") return `/tags/${encodeURIComponent(query.slice(1).toLowerCase())}`;
  if (kind === "cashtag") return `/cashtags/${encodeURIComponent(query.slice(1).toUpperCase())}`;
  return `/search?${new URLSearchParams({ q: query, sort: "date" }).toString()}`;
}

const KIND_LABEL: Record<string, MessageKey> = { words: "watchlist.kind.words", tag: "watchlist.kind.tag", cashtag: "watchlist.kind.cashtag" };

export default function WatchlistPage() {
  const { items, max } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const { t } = useT();
  const formRef = useRef<HTMLFormElement>(null);
  const failed = actionData && !actionData.ok ? actionData : null;
  const notice = actionData?.ok ? actionData.notice : null;

  useEffect(() => {
    if (notice === "watchlist.added") formRef.current?.reset();
  }, [actionData, notice]);

  return (
    <div className="mx-auto max-w-2xl">
      <PageHeader title={t("watchlist.title")} description={t("watchlist.intro")} />
      <div className="space-y-8">
        <SuccessNotice>{notice ? t(notice) : null}</SuccessNotice>

        <Card className="p-6">
          <Form ref={formRef} method="post" className="flex flex-wrap items-start gap-3">
            <input type="hidden" name="intent" value="add" />
            <Input
              label={t("watchlist.add.label")}
              name="query"
              required
              maxLength={120}
              autoComplete="off"
              hint={t("watchlist.add.hint")}
              defaultValue={failed?.values?.query ?? ""}
              errors={failed?.errors?.query ?? failed?.errors?._form}
              className="min-w-0 flex-1"
            />
            <Button type="submit" disabled={busy || items.length >= max} className="sm:mt-7">
              {t("watchlist.add.submit")}
            </Button>
          </Form>
        </Card>

        <ListSection
          id="watchlist-list"
          heading={
            <>
              {t("watchlist.listTitle")}
              <span className="text-sm font-normal text-slate-500">{t("watchlist.count", { count: items.length, max })}</span>
            </>
          }
          headingClassName="flex items-baseline justify-between"
          empty={items.length === 0 ? { title: t("watchlist.emptyTitle"), description: t("watchlist.emptyBody") } : null}
        >
          {items.map((w) => (
            <ListRow key={w.id}>
              <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-700">
                {t(KIND_LABEL[w.kind] ?? "watchlist.kind.words")}
              </span>
              <span className="min-w-0 flex-1 truncate text-sm font-medium text-slate-900">{w.query}</span>
              <Link to={watchHref(w.kind, w.query)} className="text-sm text-brand-700 hover:underline">
                {t("watchlist.open")}
              </Link>
              <PostButton fields={{ intent: "remove", id: w.id }} variant="ghost" disabled={busy} aria-label={t("watchlist.removeLabel", { query: w.query })}>
                {t("watchlist.remove")}
              </PostButton>
            </ListRow>
          ))}
        </ListSection>
      </div>
    </div>
  );
}
