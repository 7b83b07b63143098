import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import type { JSONContent } from "@tiptap/core";
import { z } from "zod";
import { Composer } from "~/components/composer";
import { buttonClasses, Card, PageHeader } from "~/components/ui";
import { getPostForEdit, inputErrorResponse, submitEdit } from "~/content/composer.server";
import { metaTitle, useT } from "~/i18n";
import { requireViewer } from "~/identity/request.server";
import { badRequest, parseForm } from "~/utils/forms.server";
import { idParam } from "~/utils/path-params.server";

// `posts.$id_.edit`: /posts/:id/edit, not nested in the post page's layout.

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  metaTitle(matches, data?.item.kind === "comment" ? "edit.commentTitle" : "edit.title");

const EditForm = z.object({
  intent: z.literal("edit"),
  formId: z.string().max(64).optional(),
  body: z.string().max(1_000_000).optional(),
  bodyText: z.string().max(60_000).optional(),
});

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(request);
  const item = await getPostForEdit(viewer, idParam(params));
  return json({ item });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { viewer, locale } = await requireViewer(request);
  const parsed = await parseForm(request, EditForm, locale);
  if (!parsed.ok) return badRequest(parsed);
  const { intent: _intent, ...fields } = parsed.data;
  const id = idParam(params);
  let postId: string;
  try {
    ({ postId } = await submitEdit(viewer, id, fields));
  } catch (error) {
    return inputErrorResponse(error, locale, { ...fields });
  }
  return redirect(postId === id ? `/posts/${postId}` : `/posts/${postId}#post-${id}`);
}

/** The plain text of a document, for the no-JavaScript textarea (one line per block). */
function docText(node: JSONContent): string {
  if (node.type === "text") return node.text ?? "";
  if (node.type === "hardBreak") return "\n";
  if (node.type === "mention") return `@${node.attrs?.label ?? ""}`;
  if (node.type === "hashtag") return `#${node.attrs?.tag ?? ""}`;
  if (node.type === "cashtag") return `$${node.attrs?.symbol ?? ""}`;
  const inner = (node.content ?? []).map(docText);
  return node.type === "doc" || node.type?.endsWith("List") || node.type === "blockquote" || node.type === "listItem"
    ? inner.join("\n")
    : inner.join("");
}

export default function EditPostPage() {
  const { item } = useLoaderData<typeof loader>();
  const { t } = useT();
  const doc = item.bodyJson as JSONContent;
  const back = item.postId === item.id ? `/posts/${item.postId}` : `/posts/${item.postId}#post-${item.id}`;
  return (
    <div className="mx-auto max-w-2xl">
      <PageHeader title={t(item.kind === "comment" ? "edit.commentTitle" : "edit.title")} className="mb-6" />
      <Card className="p-4 sm:p-5">
        <Composer
          action={`/posts/${item.id}/edit`}
          intent="edit"
          formId="edit"
          label={t("composer.label")}
          submitLabel={t("composer.save")}
          pendingLabel={t("composer.saving")}
          initialDoc={doc}
          initialText={docText(doc)}
          resetOnSuccess={false}
        />
        <p className="mt-3">
          <Link to={back} className={buttonClasses({ variant: "ghost", size: "sm" })}>
            {t("composer.cancel")}
          </Link>
        </p>
      </Card>
    </div>
  );
}
