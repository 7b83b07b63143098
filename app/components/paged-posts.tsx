import { useLocation, useSearchParams } from "@remix-run/react";
import { Link } from "~/components/link";
import type { ReactNode } from "react";
import type { PostView } from "~/content/hydrate.server";
import { useT } from "~/i18n";
import { PostCard } from "./post-card";
import { buttonClasses, EmptyState } from "./ui";

/** One page of a feed (newest first) with cursor links to older posts and back to the newest. */
export function PagedPosts({ posts, nextCursor, empty }: { posts: PostView[]; nextCursor: string | null; empty: { title: ReactNode; body?: ReactNode } }) {
  const { t } = useT();
  const [params] = useSearchParams();
  const { pathname } = useLocation();
  const paged = params.has("cursor");
  const withCursor = (cursor: string) => {
    const next = new URLSearchParams(params);
    next.set("cursor", cursor);
    return `${pathname}?${next.toString()}`;
  };
  const newest = () => {
    const next = new URLSearchParams(params);
    next.delete("cursor");
    const qs = next.toString();
    return qs ? `${pathname}?${qs}` : pathname;
  };
  return (
    <section aria-label={t("spaces.feed.label")} className="space-y-4">
      {posts.length === 0 && !paged ? <EmptyState title={empty.title} description={empty.body} headingLevel={3} /> : null}
      <ul className="space-y-4">
        {posts.map((post) => (
          <li key={post.id}>
            <PostCard post={post} reactionPicker />
          </li>
        ))}
      </ul>
      {paged || nextCursor ? (
        <nav className="flex justify-between gap-4">
          {paged ? (
            <Link to={newest()} className={buttonClasses({ variant: "ghost" })}>
              {t("spaces.feed.newest")}
            </Link>
          ) : (
            <span />
          )}
          {nextCursor ? (
            <Link to={withCursor(nextCursor)} className={buttonClasses({ variant: "secondary" })}>
              {t("spaces.feed.older")}
            </Link>
          ) : null}
        </nav>
      ) : null}
    </section>
  );
}
