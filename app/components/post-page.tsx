import { Form, Link, useNavigation } from "@remix-run/react";
import { useEffect, useRef } from "react";
import type { PostView } from "~/content/hydrate.server";
import { useT } from "~/i18n";
import { Button, buttonClasses, Card } from "./ui";

// The post page's own panels (app/routes/posts.$id.tsx): the delete confirmation and the
// announcement controls.

/** "Delete this post/comment?" with the focus on its heading; posts to the target's own page. */
export function DeleteConfirm({ target, postId }: { target: PostView; postId: string }) {
  const { t } = useT();
  const busy = useNavigation().state === "submitting";
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), []);
  const isPost = target.id === postId;
  return (
    <Card className="mb-4 border-red-200 bg-red-50 p-4" role="region" aria-labelledby="delete-heading">
      <h2 id="delete-heading" ref={headingRef} tabIndex={-1} className="text-base font-semibold text-red-900 outline-none">
        {t(isPost ? "post.deleteTitle" : "post.deleteCommentTitle")}
      </h2>
      <p className="mt-1 text-sm text-red-800">{t("post.deleteBody")}</p>
      {isPost ? null : <blockquote className="mt-2 line-clamp-3 border-l-4 border-red-200 pl-3 text-sm text-slate-700">{target.text}</blockquote>}
      <Form method="post" action={`/posts/${target.id}`} className="mt-3 flex gap-2">
        <input type="hidden" name="intent" value="delete" />
        <input type="hidden" name="returnTo" value={isPost ? "/" : `/posts/${postId}#comments`} />
        <Button type="submit" variant="danger" size="sm" disabled={busy}>
          {t("post.deleteConfirm")}
        </Button>
        <Link to={`/posts/${postId}`} preventScrollReset className={buttonClasses({ variant: "secondary", size: "sm" })}>
          {t("post.cancel")}
        </Link>
      </Form>
    </Card>
  );
}

/** Pin as an announcement (until a day, or with no end) or unpin; `errors` from the page's action. */
export function PinControls({ post, errors }: { post: PostView; errors: Record<string, string> }) {
  const { t } = useT();
  const busy = useNavigation().state === "submitting";
  return (
    <Card className="mt-3 p-4">
      <h2 className="mb-2 text-sm font-semibold text-slate-900">{t("post.announcementAdmin")}</h2>
      {post.pinned ? (
        <Form method="post" preventScrollReset>
          <input type="hidden" name="intent" value="unpin" />
          <Button type="submit" variant="secondary" size="sm" disabled={busy}>
            {t("post.unpin")}
          </Button>
        </Form>
      ) : (
        <Form method="post" preventScrollReset className="flex flex-wrap items-end gap-3">
          <input type="hidden" name="intent" value="pin" />
          <div className="space-y-1">
            <label htmlFor="pin-ends" className="block text-xs font-medium text-slate-600">
              {t("post.pinUntil")}
            </label>
            <input
              id="pin-ends"
              type="date"
              name="endsAt"
              aria-describedby={errors.endsAt ? "pin-ends-error pin-ends-hint" : "pin-ends-hint"}
              aria-invalid={errors.endsAt ? true : undefined}
              className="h-9 rounded-lg border border-slate-300 px-2 text-sm"
            />
          </div>
          <Button type="submit" size="sm" disabled={busy}>
            {t("post.pin")}
          </Button>
          <p id="pin-ends-hint" className="w-full text-xs text-slate-500">
            {t("post.pinHint")}
          </p>
          {errors.endsAt ? (
            <p id="pin-ends-error" role="alert" className="w-full text-sm text-red-700">
              {errors.endsAt}
            </p>
          ) : null}
        </Form>
      )}
    </Card>
  );
}
