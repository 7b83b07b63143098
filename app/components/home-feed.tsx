import { useFetcher, useRevalidator } from "@remix-run/react";
import { Link } from "~/components/link";
import { useEffect, useRef, useState, type MouseEvent } from "react";
import { SharedOriginal } from "~/components/discovery";
import { plural, PostCard } from "~/components/post-card";
import { buttonClasses, cx } from "~/components/ui";
import type { PostView } from "~/content/hydrate.server";
import { useT } from "~/i18n";

// The home feed's parts below the composer: view tabs, the post list, "load more" and the
// new-posts banner. The route (routes/_index.tsx) loads a page; these render and extend it.

/** One page of the home feed as its loader returns it. */
export type FeedPageData = {
  view: "latest" | "top";
  nextCursor: string | null;
  nextPage: number | null;
  posts: PostView[];
  shared: Record<string, { original: PostView | null }>;
};

export function nextHref(data: Pick<FeedPageData, "view" | "nextCursor" | "nextPage">): string | null {
  if (data.view === "top") return data.nextPage !== null ? `?view=top&page=${data.nextPage}` : null;
  return data.nextCursor ? `?cursor=${encodeURIComponent(data.nextCursor)}` : null;
}

export function FeedTab({ to, active, label }: { to: string; active: boolean; label: string }) {
  return (
    <Link
      to={to}
      aria-current={active ? "page" : undefined}
      className={cx(
        "-mb-px border-b-2 px-3 py-2 text-sm font-medium",
        active ? "border-brand-600 text-brand-700" : "border-transparent text-slate-600 hover:text-slate-900",
      )}
    >
      {label}
    </Link>
  );
}

export function PostList({ posts, shared = {} }: { posts: readonly PostView[]; shared?: Record<string, { original: PostView | null }> }) {
  return (
    <ul className="space-y-4">
      {posts.map((post) => (
        <li key={post.id}>
          <PostCard post={post} reactionPicker />
          {shared[post.id] ? <SharedOriginal original={shared[post.id].original} /> : null}
        </li>
      ))}
    </ul>
  );
}

/**
 * "Load more": a plain link to the next page without JavaScript; with it, the next
 * page is fetched and appended below. Each page keeps its own fetcher, so Remix
 * revalidates every loaded page after a reaction or a post.
 */
export function NextPage({ href }: { href: string | null }) {
  const { t } = useT();
  const fetcher = useFetcher<FeedPageData>();
  const focusRef = useRef<HTMLDivElement>(null);
  const [requested, setRequested] = useState(false);
  const loaded = fetcher.data;

  useEffect(() => {
    if (requested && loaded) focusRef.current?.focus();
  }, [requested, loaded]);

  if (!href) return <p className="py-6 text-center text-sm text-slate-500">{t("feed.caughtUp")}</p>;
  if (requested && loaded) {
    return (
      <div ref={focusRef} tabIndex={-1} className="mt-4 outline-none">
        <PostList posts={loaded.posts} shared={loaded.shared} />
        <NextPage href={nextHref(loaded)} />
      </div>
    );
  }
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    event.preventDefault();
    setRequested(true);
    fetcher.load(`/?index&${href.slice(1)}`);
  };
  return (
    <div className="py-6 text-center">
      <Link to={href} onClick={onClick} className={buttonClasses({ variant: "secondary" })} aria-busy={fetcher.state !== "idle" || undefined}>
        {fetcher.state !== "idle" ? t("common.loading") : t("feed.loadMore")}
      </Link>
    </div>
  );
}

/** Polls every 30 s for posts newer than the top of the feed; "show" reloads the feed. */
export function NewPostsBanner({ since }: { since: string }) {
  const { t, locale } = useT();
  const revalidator = useRevalidator();
  const [count, setCount] = useState(0);

  useEffect(() => {
    setCount(0);
    let live = true;
    const poll = async () => {
      if (document.hidden) return;
      try {
        const res = await fetch(`/feed/new?since=${encodeURIComponent(since)}`, { headers: { Accept: "application/json" } });
        if (!res.ok) return;
        const body = (await res.json()) as { count?: unknown };
        if (live) setCount(Number(body.count) || 0);
      } catch {
        // offline: try again on the next tick
      }
    };
    const timer = setInterval(poll, 30_000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [since]);

  return (
    <div role="status" className="mb-4 empty:hidden">
      {count > 0 ? (
        <button
          type="button"
          onClick={() => {
            revalidator.revalidate();
            window.scrollTo({ top: 0, behavior: "smooth" });
          }}
          className="w-full rounded-lg border border-brand-200 bg-brand-50 px-3 py-2 text-sm font-medium text-brand-800 hover:bg-brand-100"
        >
          {t(plural(locale, count, "feed.newPosts.one", "feed.newPosts.other"), { count: count >= 50 ? "50+" : count })} — {t("feed.showNew")}
        </button>
      ) : null}
    </div>
  );
}
