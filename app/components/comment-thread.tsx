import { Link, useSearchParams } from "@remix-run/react";
import { useCallback, useState } from "react";
import type { PostView } from "~/content/hydrate.server";
import { useT } from "~/i18n";
import { Composer } from "./composer";
import { PostCard } from "./post-card";

/**
 * Comments threaded one level: top-level comments in order, each followed by its
 * replies, indented. "Reply" opens a small composer under the thread (a link to
 * `?reply=<id>` without JavaScript, local state with it).
 */
export function CommentThread({ post, comments }: { post: PostView; comments: readonly PostView[] }) {
  const { t } = useT();
  const [searchParams] = useSearchParams();
  const [replyTo, setReplyTo] = useState<string | null>(searchParams.get("reply"));
  const close = useCallback(() => setReplyTo(null), []);
  const topLevel = comments.filter((c) => c.parentId === post.id);
  const repliesOf = (id: string) => comments.filter((c) => c.parentId === id);

  return (
    <section id="comments" aria-labelledby="comments-heading" className="mt-8 space-y-4">
      <h2 id="comments-heading" className="text-base font-semibold text-slate-900">
        {t("post.commentsHeading")}
      </h2>
      {topLevel.length === 0 ? <p className="text-sm text-slate-600">{t("post.noComments")}</p> : null}
      <ul className="space-y-4">
        {topLevel.map((c) => {
          const replies = repliesOf(c.id);
          return (
            <li key={c.id} className="space-y-2">
              <PostCard
                post={c}
                postId={post.id}
                compact
                actions={
                  c.can.comment && post.can.comment ? (
                    <Link
                      to={`?reply=${c.id}#reply-${c.id}`}
                      preventScrollReset
                      onClick={(event) => {
                        event.preventDefault();
                        setReplyTo(c.id);
                      }}
                      className="text-sm font-medium text-slate-600 hover:text-slate-900 hover:underline"
                    >
                      {t("post.reply")}
                    </Link>
                  ) : null
                }
              />
              {replies.length || replyTo === c.id ? (
                <div className="ml-6 space-y-2 border-l-2 border-slate-100 pl-4 sm:ml-10">
                  {replies.length ? (
                    <ul aria-label={t("post.replies", { name: c.author.name })} className="space-y-2">
                      {replies.map((r) => (
                        <li key={r.id}>
                          <PostCard post={r} postId={post.id} compact />
                        </li>
                      ))}
                    </ul>
                  ) : null}
                  {replyTo === c.id ? (
                    <div id={`reply-${c.id}`}>
                      <Composer
                        action={`/posts/${post.id}`}
                        intent="comment"
                        formId={`reply-${c.id}`}
                        label={t("composer.replyLabel", { name: c.author.name })}
                        submitLabel={t("composer.replySubmit")}
                        hiddenFields={{ parentId: c.id }}
                        compact
                        autoFocus
                        onCancel={close}
                        onDone={close}
                      />
                    </div>
                  ) : null}
                </div>
              ) : null}
            </li>
          );
        })}
      </ul>
      {post.can.comment ? (
        <Composer
          action={`/posts/${post.id}`}
          intent="comment"
          formId="comment"
          label={t("composer.commentLabel")}
          submitLabel={t("composer.commentSubmit")}
          compact
          className="pt-2"
        />
      ) : null}
    </section>
  );
}
