import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { calendarDay } from "~/utils/calendar-day";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { z } from "zod";
import { CommentThread } from "~/components/comment-thread";
import { ApprovalBadge, DiscoveryActions, SharedOriginal } from "~/components/discovery";
import { PostCard } from "~/components/post-card";
import { Button, buttonClasses, Card } from "~/components/ui";
import { inputErrorResponse, submitComment } from "~/content/composer.server";
import { deleteContent, REACTIONS, setReaction } from "~/content/content.server";
import { getPostPage, type PostView } from "~/content/hydrate.server";
import { pinAnnouncement, unpinAnnouncement } from "~/feed/announcements.server";
import { postDiscovery } from "~/discovery/post-page.server";
import { nominate } from "~/discovery/review.server";
import { setSaved, sharePost } from "~/discovery/saves.server";
import { metaTitle, translate, useT } from "~/i18n";
import { safeRedirect } from "~/utils/safe-redirect";
import { requireViewer } from "~/identity/request.server";
import { now } from "~/utils/clock.server";
import { badRequest, parseForm } from "~/utils/forms.server";
import { idParam } from "~/utils/path-params.server";

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  data ? metaTitle(matches, "post.byline", { name: data.post.author.name }) : metaTitle(matches, "error.notFoundTitle");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(request);
  const { post, comments } = await getPostPage(viewer, idParam(params));
  // after the policy let the viewer read the post: counts a first view, loads save/share/nominate state
  const discovery = await postDiscovery(viewer, post.id);
  return json({ post, comments, discovery });
}

// Built on demand: REACTIONS comes from a server module, which the browser bundle stubs out.
const intentSchema = () =>
  z.discriminatedUnion("intent", [
    z.object({
      intent: z.literal("comment"),
      formId: z.string().max(64).optional(),
      parentId: z.string().max(64).optional(),
      body: z.string().max(1_000_000).optional(),
      bodyText: z.string().max(60_000).optional(),
    }),
    z.object({ intent: z.literal("react"), reaction: z.enum(REACTIONS), on: z.enum(["true", "false"]) }),
    z.object({ intent: z.literal("delete"), returnTo: z.string().max(500).optional() }),
    z.object({ intent: z.literal("pin"), endsAt: z.union([z.literal(""), calendarDay]).optional() }),
    z.object({ intent: z.literal("unpin") }),
    z.object({ intent: z.literal("save"), on: z.enum(["true", "false"]) }),
    z.object({ intent: z.literal("share"), spaceId: z.string().min(1).max(64), note: z.string().trim().max(1000).default("") }),
    z.object({ intent: z.literal("nominate"), reason: z.string().trim().min(1, "discovery.error.reasonRequired").max(1000) }),
  ]);

/** Every action acts on `params.id`: the post, or one of its comments (reactions, delete). */
export async function action({ request, params }: ActionFunctionArgs) {
  const { viewer, locale } = await requireViewer(request);
  const id = idParam(params);
  const parsed = await parseForm(request, intentSchema(), locale);
  if (!parsed.ok) return badRequest(parsed);
  const input = parsed.data;
  switch (input.intent) {
    case "comment": {
      const { intent: _intent, ...fields } = input;
      let commentId: string;
      try {
        commentId = (await submitComment(viewer, { ...fields, parentId: fields.parentId || id })).id;
      } catch (error) {
        return inputErrorResponse(error, locale, { ...fields });
      }
      return redirect(`/posts/${id}#post-${commentId}`);
    }
    case "react":
      await setReaction(viewer, id, input.reaction, input.on === "true");
      return json({ ok: true as const });
    case "delete":
      await deleteContent(viewer, id);
      return redirect(safeRedirect(input.returnTo, "/"));
    case "pin": {
      // A date means "until the end of that day" (UTC).
      const endsAt = input.endsAt ? new Date(`${input.endsAt}T23:59:59.999Z`) : null;
      if (endsAt && (Number.isNaN(endsAt.getTime()) || endsAt <= now())) {
        return badRequest({ errors: { endsAt: translate(locale, "post.error.pinPast") }, values: { endsAt: input.endsAt ?? "" } });
      }
      await pinAnnouncement(viewer, id, endsAt);
      return json({ ok: true as const });
    }
    case "unpin":
      await unpinAnnouncement(viewer, id);
      return json({ ok: true as const });
    case "save":
      await setSaved(viewer, id, input.on === "true");
      return json({ ok: true as const, notice: input.on === "true" ? ("saved" as const) : null });
    case "share": {
      const share = await sharePost(viewer, id, { spaceId: input.spaceId, note: input.note });
      return redirect(`/posts/${share.id}`);
    }
    case "nominate": {
      const result = await nominate(viewer, id, input.reason);
      if (!result.ok) return badRequest({ errors: { [result.field]: translate(locale, result.error) }, values: { reason: input.reason } }, result.status);
      return json({ ok: true as const, notice: "nominated" as const });
    }
  }
}

export default function PostPage() {
  const { post, comments, discovery } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t } = useT();
  const [searchParams] = useSearchParams();
  const deleteId = searchParams.get("delete");
  const toDelete = deleteId === post.id ? post : comments.find((c) => c.id === deleteId);

  return (
    <div className="mx-auto max-w-2xl">
      <p className="mb-4">
        <Link to="/" className="text-sm text-slate-600 hover:text-slate-900 hover:underline">
          ← {t("error.backToFeed")}
        </Link>
      </p>
      {/* the page's one heading: the card's byline is a paragraph, as in every feed */}
      <h1 className="sr-only">{t("post.byline", { name: post.author.name })}</h1>
      {toDelete?.can.delete ? <DeleteConfirm target={toDelete} postId={post.id} /> : null}
      <ApprovalBadge approval={discovery.approval} />
      <PostCard post={post} showCommentLink={false} />
      {discovery.share ? <SharedOriginal original={discovery.share.original} /> : null}
      <DiscoveryActions
        postId={post.id}
        saved={discovery.saved}
        can={discovery.can}
        shareSpaces={discovery.shareSpaces}
        errors={result && "errors" in result ? result.errors : {}}
        notice={result && "notice" in result ? (result.notice as "saved" | "nominated" | null) : null}
      />
      {post.can.pin ? <PinControls post={post} /> : null}
      {post.can.topics ? (
        <p className="mt-3 text-sm">
          <Link to={`/posts/${post.id}/topics`} className="text-indigo-700 hover:underline">
            {t("topics.manage")}
          </Link>
        </p>
      ) : null}
      <CommentThread post={post} comments={comments} />
    </div>
  );
}

function DeleteConfirm({ target, postId }: { target: PostView; postId: string }) {
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

function PinControls({ post }: { post: PostView }) {
  const { t } = useT();
  const result = useActionData<typeof action>();
  const errors: Record<string, string> = result && "errors" in result ? result.errors : {};
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
