import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { calendarDay } from "~/utils/calendar-day";
import { Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { CommentThread } from "~/components/comment-thread";
import { ApprovalBadge, DiscoveryActions, SharedOriginal } from "~/components/discovery";
import { PostCard } from "~/components/post-card";
import { DeleteConfirm, PinControls } from "~/components/post-page";
import { inputErrorResponse, submitComment } from "~/content/composer.server";
import { deleteContent, REACTIONS, setReaction } from "~/content/content.server";
import { getPostPage } from "~/content/hydrate.server";
import { pinUntilDay, unpinAnnouncement } from "~/feed/announcements.server";
import { postDiscovery } from "~/discovery/post-page.server";
import { nominate } from "~/discovery/review.server";
import { setSaved, sharePost } from "~/discovery/saves.server";
import { metaTitle, translate, useT } from "~/i18n";
import { safeRedirect } from "~/utils/safe-redirect";
import { requireViewer } from "~/identity/request.server";
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
    // `on` is the state asked for (the page's script sends it); without it (no JavaScript) the reaction toggles
    z.object({ intent: z.literal("react"), reaction: z.enum(REACTIONS), on: z.enum(["true", "false"]).optional() }),
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
      await setReaction(viewer, id, input.reaction, input.on === undefined ? "toggle" : input.on === "true");
      return json({ ok: true as const });
    case "delete":
      await deleteContent(viewer, id);
      return redirect(safeRedirect(input.returnTo, "/"));
    case "pin": {
      const pinned = await pinUntilDay(viewer, id, input.endsAt);
      if (!pinned.ok) return badRequest({ errors: { [pinned.field]: translate(locale, pinned.error) }, values: { endsAt: input.endsAt ?? "" } });
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
  const errors: Record<string, string> = result && "errors" in result ? result.errors : {};

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
        errors={errors}
        notice={result && "notice" in result ? (result.notice as "saved" | "nominated" | null) : null}
      />
      {post.can.pin ? <PinControls post={post} errors={errors} /> : null}
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
