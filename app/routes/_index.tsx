import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { Composer } from "~/components/composer";
import { FeaturedCards } from "~/components/discovery";
import { FeedTab, NewPostsBanner, NextPage, nextHref, PostList } from "~/components/home-feed";
import { buttonClasses, Card, EmptyState, PageHeader } from "~/components/ui";
import { inputErrorResponse, postableSpaces, submitPost } from "~/content/composer.server";
import { encodeCursor } from "~/feed/feed-cursor";
import { homeFeed } from "~/feed/feeds.server";
import { metaTitle, useT } from "~/i18n";
import { requireViewer } from "~/identity/request.server";
import { badRequest, parseForm } from "~/utils/forms.server";
import { useHydrated } from "~/components/use-hydrated";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "feed.title");

/** Posts of a page rendered by the server (more than the first screen shows); the rest render in the browser. */
const SERVER_RENDERED = 8;

const FeedQuery = z.object({
  view: z.enum(["latest", "top"]).catch("latest"),
  cursor: z.string().max(200).nullable().catch(null),
  page: z.coerce.number().int().min(0).max(1000).catch(0),
});

const PostForm = z.object({
  intent: z.literal("post"),
  formId: z.string().max(64).optional(),
  body: z.string().max(1_000_000).optional(),
  bodyText: z.string().max(60_000).optional(),
  spaceId: z.string().max(64).optional(),
});

// With no post yet, "new posts" counts from now on (a cursor before any real id).
const startOfNow = () => encodeCursor({ at: new Date().toISOString(), id: "00000000-0000-0000-0000-000000000000" });

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(request);
  const sp = new URL(request.url).searchParams;
  const q = FeedQuery.parse({ view: sp.get("view") ?? undefined, cursor: sp.get("cursor"), page: sp.get("page") ?? undefined });
  const firstPage = !q.cursor && !q.page;
  const [feed, spaces] = await Promise.all([
    // approved best practices from followed spaces and topics ride along on the first page
    homeFeed(viewer, { view: q.view, cursor: q.cursor, page: q.page, featured: 3 }),
    firstPage ? postableSpaces(viewer) : null,
  ]);
  // The server renders the first posts of a page (the first screens); the browser renders the rest
  // from the same data once hydrated. Without JavaScript, "load more" continues after the last one
  // the server rendered, so nobody misses a post.
  const cut = q.view === "latest" && feed.posts.length > SERVER_RENDERED ? feed.posts[SERVER_RENDERED - 1] : null;
  return json({
    view: q.view,
    firstPage,
    announcements: feed.announcements,
    posts: feed.posts,
    cutCursor: cut ? encodeCursor({ at: cut.createdAt, id: cut.id }) : null,
    nextCursor: feed.nextCursor,
    nextPage: feed.nextPage,
    since: feed.newest ?? startOfNow(),
    spaces,
    featured: feed.featured,
    shared: feed.shared,
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const { viewer, locale } = await requireViewer(request);
  const parsed = await parseForm(request, PostForm, locale);
  if (!parsed.ok) return badRequest(parsed);
  const { intent: _intent, ...input } = parsed.data;
  try {
    await submitPost(viewer, input);
  } catch (error) {
    return inputErrorResponse(error, locale, { ...input });
  }
  return redirect("/");
}

export default function FeedPage() {
  const data = useLoaderData<typeof loader>();
  const { t } = useT();
  const hydrated = useHydrated();
  const pinnedIds = new Set(data.announcements.map((p) => p.id));
  const cut = !hydrated && data.cutCursor !== null;
  const posts = (cut ? data.posts.slice(0, SERVER_RENDERED) : data.posts).filter((p) => !pinnedIds.has(p.id));
  const empty = posts.length === 0 && data.announcements.length === 0;

  return (
    <div className="mx-auto max-w-2xl">
      <PageHeader title={t("feed.title")} className="mb-6" />
      {data.spaces ? (
        <Card className="mb-6 p-4 sm:p-5">
          <Composer
            action="/?index"
            intent="post"
            formId="home"
            label={t("composer.label")}
            submitLabel={t("composer.submit")}
            spaces={data.spaces}
          />
        </Card>
      ) : null}

      <nav aria-label={t("feed.views")} className="mb-4 flex gap-1 border-b border-slate-200">
        <FeedTab to="/" active={data.view === "latest"} label={t("feed.latest")} />
        <FeedTab to="/?view=top" active={data.view === "top"} label={t("feed.top")} />
      </nav>
      {data.view === "top" ? <p className="mb-4 text-sm text-slate-600">{t("feed.topHint")}</p> : null}
      {data.view === "latest" && data.firstPage ? <NewPostsBanner since={data.since} /> : null}

      <FeaturedCards cards={data.featured} />

      {data.announcements.length ? (
        <section aria-labelledby="feed-announcements" className="mb-6">
          <h2 id="feed-announcements" className="mb-2 text-sm font-semibold text-amber-800">
            {t("feed.announcements")}
          </h2>
          <PostList posts={data.announcements} />
        </section>
      ) : null}

      <section aria-labelledby="feed-posts">
        <h2 id="feed-posts" className="sr-only">
          {t("feed.posts")}
        </h2>
        {empty ? (
          <EmptyState
            title={t(data.view === "top" ? "feed.topEmptyTitle" : "feed.emptyTitle")}
            description={t(data.view === "top" ? "feed.topEmptyBody" : "feed.emptyBody")}
            action={
              <Link to="/spaces" className={buttonClasses({ variant: "secondary" })}>
                {t("feed.browseSpaces")}
              </Link>
            }
          />
        ) : (
          <>
            <PostList posts={posts} shared={data.shared} />
            {/* When new posts push older ones onto page 2, start paging again from the fresh first page. */}
            <NextPage key={data.view === "top" ? "top" : data.since} href={nextHref(cut ? { ...data, nextCursor: data.cutCursor } : data)} />
          </>
        )}
      </section>
    </div>
  );
}
