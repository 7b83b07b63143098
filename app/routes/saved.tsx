import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { PostCard } from "~/components/post-card";
import { EmptyState, PageHeader } from "~/components/ui";
import { savedList } from "~/discovery/saves.server";
import { metaTitle, useT } from "~/i18n";
import { requireViewer } from "~/identity/request.server";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "saved.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(request);
  return json({ posts: await savedList(viewer) });
}

export default function SavedPage() {
  const { posts } = useLoaderData<typeof loader>();
  const { t } = useT();
  return (
    <div className="mx-auto max-w-2xl">
      <PageHeader title={t("saved.title")} description={t("saved.description")} />
      {posts.length === 0 ? (
        <EmptyState title={t("saved.emptyTitle")} description={t("saved.emptyBody")} />
      ) : (
        <ul className="space-y-4" data-testid="saved-list">
          {posts.map((p) => (
            <li key={p.id}>
              <PostCard post={p} reactionPicker />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
