import type { PostView } from "~/content/hydrate.server";
import { useT } from "~/i18n";
import { FollowButton } from "./follow-button";
import { PagedPosts } from "./paged-posts";
import { PageHeader } from "./ui";

/** The hashtag and cashtag pages: the tag, a follow toggle, and the posts the viewer may see. */
export function TagPage({
  kind,
  tag,
  following,
  posts,
  nextCursor,
}: {
  kind: "hashtag" | "cashtag";
  tag: string;
  following: boolean;
  posts: PostView[];
  nextCursor: string | null;
}) {
  const { t } = useT();
  return (
    <>
      <PageHeader
        title={tag}
        description={t(kind === "hashtag" ? "tags.hashtagDescription" : "tags.cashtagDescription", { tag })}
        actions={<FollowButton following={following} name={tag} />}
      />
      <PagedPosts posts={posts} nextCursor={nextCursor} empty={{ title: t("tags.emptyTitle", { tag }), body: t("tags.emptyBody") }} />
    </>
  );
}
