import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData, useOutletContext } from "@remix-run/react";
import { z } from "zod";
import { Composer } from "~/components/composer";
import { PagedPosts } from "~/components/paged-posts";
import { Button, Card, EmptyState } from "~/components/ui";
import { inputErrorResponse } from "~/content/composer.server";
import { postToSpace, spaceFeedPage } from "~/spaces/spaces-forms.server";
import { useT } from "~/i18n";
import { requireViewer } from "~/identity/request.server";
import { badRequest, parseForm } from "~/utils/forms.server";
import type { SpaceLayoutData } from "./spaces.$slug";
import { pathParam } from "~/utils/path-params.server";
import { isSlug } from "~/spaces/space-options";

const PostForm = z.object({
  intent: z.literal("post"),
  formId: z.string().max(64).optional(),
  body: z.string().max(1_000_000).optional(),
  bodyText: z.string().max(60_000).optional(),
});

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(request);
  const cursor = new URL(request.url).searchParams.get("cursor");
  return json(await spaceFeedPage(viewer, pathParam(params, "slug", isSlug), cursor));
}

// The composer posts here (`?index`); header buttons post to the layout route.
export async function action({ request, params }: ActionFunctionArgs) {
  const { viewer, locale } = await requireViewer(request);
  const parsed = await parseForm(request, PostForm, locale);
  if (!parsed.ok) return badRequest(parsed);
  const { intent: _intent, ...input } = parsed.data;
  const slug = pathParam(params, "slug", isSlug);
  let held = false;
  try {
    held = (await postToSpace(viewer, slug, input)).approval !== null;
  } catch (error) {
    return inputErrorResponse(error, locale, { ...input });
  }
  // a pre-approval space: the author follows their post in the approvals queue
  return redirect(held ? `/spaces/${slug}/approvals` : `/spaces/${slug}`);
}

export default function SpaceFeedTab() {
  const feed = useLoaderData<typeof loader>();
  const { space, abilities, requested } = useOutletContext<SpaceLayoutData>();
  const { t } = useT();
  if (feed.locked) return <LockedSpace slug={space.slug} canRequest={abilities.requestJoin} requested={requested} />;
  return (
    <div className="space-y-6">
      {feed.canPost ? (
        <Card className="p-4 sm:p-5">
          <Composer
            action={`/spaces/${space.slug}?index`}
            intent="post"
            formId={`space-${space.id}`}
            label={t("composer.label")}
            submitLabel={t("composer.submit")}
          />
        </Card>
      ) : null}
      <PagedPosts posts={feed.posts} nextCursor={feed.nextCursor} empty={{ title: t("spaces.feed.emptyTitle"), body: t("spaces.feed.emptyBody") }} />
    </div>
  );
}

function LockedSpace({ slug, canRequest, requested }: { slug: string; canRequest: boolean; requested: boolean }) {
  const { t } = useT();
  const fetcher = useFetcher();
  const body = requested ? t("spaces.feed.lockedRequested") : canRequest ? t("spaces.feed.lockedBody") : t("spaces.feed.lockedInvite");
  return (
    <EmptyState
      title={t("spaces.feed.lockedTitle")}
      description={body}
      icon={
        <svg aria-hidden="true" viewBox="0 0 24 24" className="size-6" fill="none" stroke="currentColor" strokeWidth={1.5}>
          <path strokeLinecap="round" strokeLinejoin="round" d="M16.5 10.5V6.75a4.5 4.5 0 1 0-9 0v3.75m-.75 11.25h10.5a2.25 2.25 0 0 0 2.25-2.25v-6.75a2.25 2.25 0 0 0-2.25-2.25H6.75a2.25 2.25 0 0 0-2.25 2.25v6.75a2.25 2.25 0 0 0 2.25 2.25Z" />
        </svg>
      }
      action={
        canRequest && !requested ? (
          <fetcher.Form method="post" action={`/spaces/${slug}`}>
            <Button type="submit" name="intent" value="join" disabled={fetcher.state !== "idle"}>
              {t("spaces.header.requestJoin")}
            </Button>
          </fetcher.Form>
        ) : null
      }
    />
  );
}
