import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { TagPage } from "~/components/tag-page";
import { followTag, tagPage } from "~/feed/tag-pages.server";
import { metaTitle } from "~/i18n";
import { requireViewer } from "~/identity/request.server";
import { badRequest, parseForm } from "~/utils/forms.server";

export const meta: MetaFunction<typeof loader> = ({ matches, data }) => metaTitle(matches, "tags.pageTitle", { tag: data?.tag ?? "" });

const FollowIntent = z.discriminatedUnion("intent", [z.object({ intent: z.literal("follow") }), z.object({ intent: z.literal("unfollow") })]);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(request);
  const cursor = new URL(request.url).searchParams.get("cursor");
  return json(await tagPage(viewer, "cashtag", params.ticker, cursor));
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { viewer, locale } = await requireViewer(request);
  const parsed = await parseForm(request, FollowIntent, locale);
  if (!parsed.ok) return badRequest(parsed);
  const tag = await followTag(viewer, "cashtag", params.ticker, parsed.data.intent === "follow");
  return json({ ok: true as const, tag, following: parsed.data.intent === "follow" });
}

export default function CashtagPage() {
  const data = useLoaderData<typeof loader>();
  return <TagPage kind="cashtag" tag={data.tag} following={data.following} posts={data.posts} nextCursor={data.nextCursor} />;
}
