import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { cleanQuery } from "~/utils/text";
import { Form, useLoaderData } from "@remix-run/react";
import { Link } from "~/components/link";
import { z } from "zod";
import { LibraryRow } from "~/components/discovery";
import { Button, buttonClasses, cx, EmptyState, PageHeader } from "~/components/ui";
import { decodeLibraryCursor, library, libraryRow } from "~/discovery/library.server";
import { isFollowingTopic, setFollow } from "~/feed/follows.server";
import { metaTitle, useT } from "~/i18n";
import { requireViewer } from "~/identity/request.server";
import { orgAbilities } from "~/policy/authorize.server";
import { badRequest, parseForm } from "~/utils/forms.server";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "bestPractices.title");

const LibraryQuery = z.object({
  q: z.string().max(200).catch(""),
  // query text reaches PostgreSQL: control characters (NUL) out, as everywhere else
  topic: z.string().transform((t) => cleanQuery(t, 40).toLowerCase()).catch(""),
  kind: z.enum(["practice", "faq"]).optional().catch(undefined),
  cursor: z.string().max(200).nullable().catch(null),
});

const FollowForm = z.object({ intent: z.enum(["follow", "unfollow"]), topic: z.string().trim().toLowerCase().min(1).max(40) });

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(request);
  const sp = new URL(request.url).searchParams;
  const q = LibraryQuery.parse({ q: sp.get("q") ?? "", topic: sp.get("topic") ?? "", kind: sp.get("kind") ?? undefined, cursor: sp.get("cursor") });
  const [{ entries, topics, nextCursor }, following] = await Promise.all([
    library(viewer, { q: q.q, topic: q.topic || undefined, kind: q.kind, cursor: decodeLibraryCursor(q.cursor) }),
    q.topic ? isFollowingTopic(viewer, q.topic) : false,
  ]);
  return json({
    q: q.q,
    topic: q.topic,
    following,
    topics,
    nextHref: nextCursor ? `?${new URLSearchParams({ ...(q.q ? { q: q.q } : {}), ...(q.topic ? { topic: q.topic } : {}), ...(q.kind ? { kind: q.kind } : {}), cursor: nextCursor })}` : null,
    // a library row, not a whole post: the headline and an excerpt to scan, the full post one click away
    entries: entries.map(({ post, ...e }) => ({ ...e, ...libraryRow(post) })),
    can: orgAbilities(viewer, ["curate"]),
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const { viewer, locale } = await requireViewer(request);
  const parsed = await parseForm(request, FollowForm, locale);
  if (!parsed.ok) return badRequest(parsed);
  await setFollow(viewer, "topic", parsed.data.topic, parsed.data.intent === "follow");
  return redirect(`/best-practices?topic=${encodeURIComponent(parsed.data.topic)}`);
}

export default function BestPracticesPage() {
  const data = useLoaderData<typeof loader>();
  const { t } = useT();
  return (
    <>
      <PageHeader
        title={t("bestPractices.title")}
        description={t("bestPractices.description")}
        actions={
          data.can.curate ? (
            <>
              <Link to="/best-practices/review" className={buttonClasses({ variant: "secondary", size: "sm" })}>
                {t("nav.review")}
              </Link>
              <Link to="/best-practices/measures" className={buttonClasses({ variant: "secondary", size: "sm" })}>
                {t("nav.measures")}
              </Link>
            </>
          ) : null
        }
      />
      <Form method="get" role="search" className="mb-4 flex flex-wrap gap-2">
        {data.topic ? <input type="hidden" name="topic" value={data.topic} /> : null}
        <label htmlFor="library-q" className="sr-only">
          {t("bestPractices.search")}
        </label>
        <input
          id="library-q"
          type="search"
          name="q"
          defaultValue={data.q}
          placeholder={t("bestPractices.search")}
          className="h-10 min-w-0 flex-1 rounded-lg border border-slate-300 px-3 text-sm"
        />
        <Button type="submit" variant="secondary">
          {t("bestPractices.searchSubmit")}
        </Button>
      </Form>
      <nav aria-label={t("bestPractices.topics")} className="mb-6 flex flex-wrap gap-2">
        <TopicChip to="/best-practices" active={!data.topic} label={t("bestPractices.allTopics")} />
        {data.topics.map((tp) => (
          <TopicChip key={tp.topic} to={`/best-practices?topic=${encodeURIComponent(tp.topic)}`} active={data.topic === tp.topic} label={tp.topic} />
        ))}
      </nav>
      {data.topic ? (
        <Form method="post" className="mb-4">
          <input type="hidden" name="topic" value={data.topic} />
          <input type="hidden" name="intent" value={data.following ? "unfollow" : "follow"} />
          <Button type="submit" size="sm" variant="secondary">
            {t(data.following ? "bestPractices.unfollowTopic" : "bestPractices.followTopic")}
          </Button>
        </Form>
      ) : null}
      {data.entries.length === 0 ? (
        <EmptyState
          title={data.q || data.topic ? t("bestPractices.noResults") : t("bestPractices.emptyTitle")}
          description={t("bestPractices.emptyBody")}
        />
      ) : (
        <ul className="space-y-4" data-testid="library">
          {data.entries.map((e) => (
            <li key={e.id}>
              <LibraryRow entry={e} />
            </li>
          ))}
        </ul>
      )}
      {data.nextHref ? (
        <div className="mt-6 flex justify-center">
          <Link to={data.nextHref} className={buttonClasses({ variant: "secondary", size: "sm" })}>
            {t("feed.loadMore")}
          </Link>
        </div>
      ) : null}
    </>
  );
}

function TopicChip({ to, active, label }: { to: string; active: boolean; label: string }) {
  return (
    <Link
      to={to}
      aria-current={active ? "page" : undefined}
      className={cx("rounded-full border px-3 py-1 text-sm", active ? "border-brand-600 bg-brand-50 text-brand-800" : "border-slate-300 text-slate-700 hover:bg-slate-50")}
    >
      {label}
    </Link>
  );
}
